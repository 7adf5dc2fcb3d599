package dev.weir.runtime.state;

import dev.weir.dsl.Table;
import dev.weir.runtime.WorkerException;
import dev.weir.runtime.engine.ByteStore;
import dev.weir.runtime.engine.TaskId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a table partition's store from its changelog before its task processes anything:
 * from the checkpoint when the store has one, else from the beginning, up to the end offset at
 * the time of assignment. Uses its own consumer (no group), assigned one partition at a time.
 */
public final class StateRestorer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateRestorer.class);
    /** A restore that makes no progress this long fails the thread rather than hanging it. */
    private static final Duration STALL = Duration.ofMinutes(2);

    private final String thread;
    private final Map<String, Object> configs;
    private final MeterRegistry metrics;
    private final String appId;
    private KafkaConsumer<byte[], byte[]> consumer;

    public StateRestorer(String thread, Map<String, Object> configs, MeterRegistry metrics, String appId) {
        this.thread = thread;
        this.configs = configs;
        this.metrics = metrics;
        this.appId = appId;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Map<String, Object> c = new HashMap<>(configs);
            c.put(ConsumerConfig.CLIENT_ID_CONFIG, thread + "-restore-consumer");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
            // A restore reads to a known end; at that end the broker need not hold the fetch open.
            c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
            c.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
            c.remove(ConsumerConfig.GROUP_ID_CONFIG);
            consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return consumer;
    }

    /** One store to restore: where from, and how to start over when the checkpoint cannot be right. */
    public static final class Job {
        final TaskId task;
        public final Table<?, ?> table;
        ByteStore store;
        final Long from;
        final Supplier<ByteStore> restart;
        final TopicPartition partition;
        long end;
        long restored;

        public Job(TaskId task, Table<?, ?> table, ByteStore store, Long from, Supplier<ByteStore> restart) {
            this.task = task;
            this.table = table;
            this.store = store;
            this.from = from;
            this.restart = restart;
            this.partition = new TopicPartition(table.changelogTopic().name(), task.partition());
        }

        /** The changelog offset the store holds everything before, once restored. */
        public long end() {
            return end;
        }

        /** The store to use: a fresh one if the checkpoint had to be discarded. */
        public ByteStore store() {
            return store;
        }
    }

    /**
     * Restores every store of {@code jobs} together, from its checkpoint (or the beginning) up
     * to the end offset at the time of the call: one consumer assigned every changelog partition,
     * so fetches run in parallel and no partition waits for another's long poll.
     */
    public void restore(List<Job> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        KafkaConsumer<byte[], byte[]> c = consumer();
        Map<TopicPartition, Job> byPartition = new HashMap<>();
        jobs.forEach(j -> byPartition.put(j.partition, j));
        List<TopicPartition> partitions = List.copyOf(byPartition.keySet());
        c.assign(partitions);
        try {
            Map<TopicPartition, Long> ends = c.endOffsets(partitions);
            Map<TopicPartition, Long> begins = c.beginningOffsets(partitions);
            List<TopicPartition> active = new java.util.ArrayList<>();
            for (Job j : jobs) {
                j.end = ends.get(j.partition);
                long begin = begins.get(j.partition);
                long start = j.from == null ? begin : j.from;
                if (start > j.end) {
                    log.warn("Checkpoint of table {} in task {} is at offset {} but its changelog {} ends at {}; rebuilding the store",
                            j.table.name(), j.task, start, j.partition, j.end);
                    // The checkpoint points past the changelog's end (the topic was recreated): start over.
                    j.store.close();
                    j.store = j.restart.get();
                    start = begin;
                }
                start = Math.max(start, begin);
                if (start >= j.end) {
                    log.info("Table {} of task {} is up to date at changelog offset {}; nothing to restore", j.table.name(), j.task, j.end);
                    continue;
                }
                c.seek(j.partition, start);
                active.add(j.partition);
                log.info("Restoring table {} of task {} from {} offsets {}..{} ({} records at most)", j.table.name(), j.task,
                        j.partition, start, j.end, j.end - start);
            }
            c.pause(partitions.stream().filter(tp -> !active.contains(tp)).toList());
            long began = System.nanoTime();
            long lastProgress = System.nanoTime();
            java.util.Set<TopicPartition> remaining = new java.util.HashSet<>(active);
            while (!remaining.isEmpty()) {
                org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> polled = c.poll(Duration.ofMillis(100));
                for (TopicPartition tp : polled.partitions()) {
                    Job j = byPartition.get(tp);
                    List<ConsumerRecord<byte[], byte[]>> records = polled.records(tp);
                    if (j.store instanceof RocksDbStore rocks) {
                        rocks.writeRestored(records, j.end);
                    } else {
                        Map<ByteBuffer, byte[]> batch = new java.util.LinkedHashMap<>();
                        for (ConsumerRecord<byte[], byte[]> r : records) {
                            if (r.offset() < j.end) {
                                batch.put(ByteBuffer.wrap(r.key()), r.value());
                            }
                        }
                        j.store.write(batch);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        j.restored += r.offset() < j.end ? 1 : 0;
                    }
                    lastProgress = System.nanoTime();
                }
                for (java.util.Iterator<TopicPartition> it = remaining.iterator(); it.hasNext(); ) {
                    TopicPartition tp = it.next();
                    if (c.position(tp) >= byPartition.get(tp).end) {
                        c.pause(List.of(tp));
                        it.remove();
                        Job j = byPartition.get(tp);
                        // Restored writes skipped the write-ahead log; the store's next flush (before the next
                        // checkpoint) puts them on disk.
                        Counter.builder("weir.table.restored.records").tag("app", appId).tag("table", j.table.name())
                                .register(metrics).increment(j.restored);
                        log.info("Restored {} records of table {} for task {} in {} ms", j.restored, j.table.name(), j.task,
                                (System.nanoTime() - began) / 1_000_000);
                    }
                }
                if (!remaining.isEmpty() && System.nanoTime() - lastProgress > STALL.toNanos()) {
                    throw new WorkerException("Restoring " + remaining + " made no progress for " + STALL.toMinutes() + " minutes");
                }
            }
        } finally {
            c.assign(List.of());
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
        }
    }
}
