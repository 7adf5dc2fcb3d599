package dev.weir.runtime.internal;

import dev.weir.dsl.Table;
import dev.weir.runtime.WorkerException;
import dev.weir.runtime.task.ByteStore;
import dev.weir.runtime.task.TaskId;
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
final class StateRestorer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateRestorer.class);
    /** A restore that makes no progress this long fails the thread rather than hanging it. */
    private static final Duration STALL = Duration.ofMinutes(2);

    private final String thread;
    private final Map<String, Object> configs;
    private final MeterRegistry metrics;
    private final String appId;
    private KafkaConsumer<byte[], byte[]> consumer;

    StateRestorer(String thread, Map<String, Object> configs, MeterRegistry metrics, String appId) {
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
            c.remove(ConsumerConfig.GROUP_ID_CONFIG);
            consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return consumer;
    }

    /**
     * Restores {@code store}; returns the changelog end offset it now holds everything before.
     *
     * @param from    the checkpointed offset, or null to restore from the beginning
     * @param restart opens the store empty again when the checkpoint cannot be right
     */
    long restore(TaskId task, Table<?, ?> table, ByteStore store, Long from, Supplier<ByteStore> restart) {
        TopicPartition tp = new TopicPartition(table.changelogTopic().name(), task.partition());
        KafkaConsumer<byte[], byte[]> c = consumer();
        c.assign(List.of(tp));
        try {
            long end = c.endOffsets(List.of(tp)).get(tp);
            long begin = c.beginningOffsets(List.of(tp)).get(tp);
            ByteStore target = store;
            long start = from == null ? begin : from;
            if (start > end) {
                log.warn("Checkpoint of table {} in task {} is at offset {} but its changelog {} ends at {}; rebuilding the store",
                        table.name(), task, start, tp, end);
                target = restart.get();
                start = begin;
            }
            start = Math.max(start, begin);
            if (start >= end) {
                log.info("Table {} of task {} is up to date at changelog offset {}; nothing to restore", table.name(), task, end);
                return end;
            }
            c.seek(tp, start);
            long toRestore = end - start;
            log.info("Restoring table {} of task {} from {} offsets {}..{} ({} records at most)", table.name(), task, tp, start, end, toRestore);
            long began = System.nanoTime();
            long restored = 0;
            long lastProgress = System.nanoTime();
            while (c.position(tp) < end) {
                Map<ByteBuffer, byte[]> batch = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (r.offset() >= end) {
                        break;
                    }
                    batch.put(ByteBuffer.wrap(r.key()), r.value());
                    restored++;
                }
                if (!batch.isEmpty()) {
                    target.write(batch);
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                    throw new WorkerException("Restoring table \"" + table.name() + "\" of task " + task + " from " + tp
                            + " made no progress for " + STALL.toMinutes() + " minutes at offset " + c.position(tp) + " of " + end);
                }
            }
            target.flush();
            Counter.builder("weir.table.restored.records").tag("app", appId).tag("table", table.name())
                    .register(metrics).increment(restored);
            log.info("Restored {} records of table {} for task {} in {} ms", restored, table.name(), task,
                    (System.nanoTime() - began) / 1_000_000);
            return end;
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
