package dev.weir.runtime.state;

import dev.weir.runtime.engine.ByteStore;
import dev.weir.runtime.engine.GlobalStore;
import dev.weir.runtime.engine.GlobalStores;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that keeps a worker's global tables: one consumer, outside the app's group, assigned
 * every partition of every global table's topic. It first reads each partition up to the end it
 * had when the thread started (from the checkpoint of a RocksDB copy, or from the beginning), then
 * marks the tables {@linkplain GlobalStores#markReady() ready}, which lets the worker's tasks start,
 * and from then on applies each new record as it arrives. Every commit interval it flushes the
 * RocksDB copies and checkpoints how far they read, so a restart reads only what came since
 * (replaying a little is harmless: a key's latest value wins).
 *
 * <p>A broker that is away is waited for. A checkpoint the topic's retention has passed makes the
 * thread empty that table and read it again from the beginning, as nothing else tells which keys
 * were deleted meanwhile. Any other failure is handed to {@code onFailure}.
 */
public final class GlobalTableThread implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GlobalTableThread.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private static final long PROGRESS_INTERVAL_MS = 10_000;

    private final String name;
    private final String appId;
    private final GlobalStores globals;
    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final Checkpoint checkpoint;
    private final long commitIntervalMs;
    private final Consumer<Throwable> onFailure;
    private final Map<String, Counter> applied = new HashMap<>();
    private final Map<TopicPartition, GlobalStore> byPartition = new HashMap<>();
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param checkpointDir where the checkpoint of the RocksDB copies lives (null when no copy is persistent)
     * @param onFailure     hears a failure that stops the thread (the worker then stops)
     */
    public GlobalTableThread(String name, String appId, GlobalStores globals,
                             org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, Path checkpointDir,
                             Duration commitInterval, MeterRegistry metrics, Consumer<Throwable> onFailure) {
        this.name = name;
        this.appId = appId;
        this.globals = globals;
        this.consumer = consumer;
        this.checkpoint = checkpointDir == null ? null : new Checkpoint(checkpointDir);
        this.commitIntervalMs = Math.max(1, commitInterval.toMillis());
        this.onFailure = onFailure;
        for (String table : globals.all().keySet()) {
            applied.put(table, Counter.builder("weir.global.records").tag("app", appId).tag("table", table)
                    .description("Records of a global table's topic applied to this worker's copy").register(metrics));
        }
    }

    public synchronized void start() {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            Map<TopicPartition, Long> ends = assign();
            restore(ends);
            long lastCheckpoint = System.currentTimeMillis();
            while (running) {
                apply(poll());
                if (System.currentTimeMillis() - lastCheckpoint >= commitIntervalMs) {
                    checkpoint();
                    lastCheckpoint = System.currentTimeMillis();
                }
            }
            checkpoint();
        } catch (WakeupException e) {
            if (running) {
                fail(e);
            } else if (globals.ready()) {
                checkpoint();                  // close() woke the consumer: keep how far the copies got
            }
        } catch (Throwable t) {
            if (running) {
                fail(t);
            }
        }
    }

    private void fail(Throwable t) {
        log.error("Global table thread {} of app {} failed: {}", name, appId, t.toString(), t);
        onFailure.accept(new IllegalStateException("The global table thread of app \"" + appId + "\" failed: " + t.getMessage()
                + "; the worker stops. Check that the global tables' topics " + globals.all().keySet()
                + " exist and this worker may read them, then restart it.", t));
    }

    /** Assigns every partition of the global topics and seeks each where its copy left off; returns the ends to restore to. */
    private Map<TopicPartition, Long> assign() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (GlobalStore store : globals.all().values()) {
            List<PartitionInfo> infos = untilAnswered("the partitions of topic \"" + store.table().name() + "\"",
                    () -> consumer.partitionsFor(store.table().name(), CLIENT_TIMEOUT));
            for (PartitionInfo p : infos) {
                TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                partitions.add(tp);
                byPartition.put(tp, store);
            }
        }
        consumer.assign(partitions);
        Map<String, Long> saved = checkpoint == null ? Map.of() : checkpoint.read();
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long offset = byPartition.get(tp).store().persistent() ? saved.get(key(tp)) : null;
            if (offset == null) {
                fromStart.add(tp);
            } else {
                consumer.seek(tp, offset);
            }
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);        // an empty list would mean every assigned partition
        }
        return untilAnswered("the end offsets of the global tables' topics", () -> consumer.endOffsets(partitions, CLIENT_TIMEOUT));
    }

    private void restore(Map<TopicPartition, Long> ends) {
        long started = System.currentTimeMillis();
        long lastLog = started;
        long total = 0;
        Set<TopicPartition> behind = new HashSet<>(ends.keySet());
        while (running) {
            behind.removeIf(tp -> position(tp) >= ends.get(tp));
            if (behind.isEmpty()) {
                break;
            }
            total += apply(poll());
            if (System.currentTimeMillis() - lastLog >= PROGRESS_INTERVAL_MS) {
                log.info("{}: restoring global tables {}: {} records so far, {} partitions still behind", name,
                        globals.all().keySet(), total, behind.size());
                lastLog = System.currentTimeMillis();
            }
        }
        if (running) {
            checkpoint();
            globals.markReady();
            log.info("{}: global tables {} read up to where they stood at start ({} records in {} ms); tasks may start", name,
                    globals.all().keySet(), total, System.currentTimeMillis() - started);
        }
    }

    private ConsumerRecords<byte[], byte[]> poll() {
        try {
            return consumer.poll(POLL);
        } catch (InvalidOffsetException e) {
            restart(e.partitions());
            return ConsumerRecords.empty();
        } catch (RetriableException e) {
            log.debug("{}: poll failed ({}); retrying", name, e.toString());
            return ConsumerRecords.empty();
        }
    }

    private int apply(ConsumerRecords<byte[], byte[]> records) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            GlobalStore store = byPartition.get(new TopicPartition(r.topic(), r.partition()));
            store.apply(r.key(), r.value());
            applied.get(store.table().name()).increment();
            n++;
        }
        return n;
    }

    /** The checkpoint of a table passed its topic's retention: the copy is emptied and read again from the beginning. */
    private void restart(Set<TopicPartition> invalid) {
        Set<GlobalStore> tables = new HashSet<>();
        invalid.forEach(tp -> tables.add(byPartition.get(tp)));
        for (GlobalStore store : tables) {
            log.warn("{}: the position of global table \"{}\" is no longer in its topic (partitions {}: retention deleted"
                    + " records it had not read); emptying this worker's copy and reading the topic again from the beginning",
                    name, store.table().name(), invalid);
            clear(store.store());
            List<TopicPartition> all = byPartition.entrySet().stream().filter(e -> e.getValue() == store).map(Map.Entry::getKey)
                    .toList();
            consumer.seekToBeginning(all);
        }
    }

    private static void clear(ByteStore store) {
        Map<ByteBuffer, byte[]> deletes = new HashMap<>();
        store.forEach((k, v) -> deletes.put(ByteBuffer.wrap(k), null));
        store.write(deletes);
    }

    private long position(TopicPartition tp) {
        try {
            return consumer.position(tp, CLIENT_TIMEOUT);
        } catch (InvalidOffsetException e) {
            restart(e.partitions());
            return -1;
        } catch (RetriableException e) {
            return -1;
        }
    }

    /** Flushes the RocksDB copies, then records how far each read. */
    private void checkpoint() {
        if (checkpoint == null) {
            return;
        }
        Map<String, Long> offsets = new HashMap<>();
        Set<ByteStore> flushed = new HashSet<>();
        for (Map.Entry<TopicPartition, GlobalStore> e : byPartition.entrySet()) {
            ByteStore store = e.getValue().store();
            if (!store.persistent()) {
                continue;
            }
            long position = position(e.getKey());
            if (position < 0) {
                return;             // not known now; the next checkpoint writes it
            }
            if (flushed.add(store)) {
                store.flush();
            }
            offsets.put(key(e.getKey()), position);
        }
        if (!offsets.isEmpty()) {
            checkpoint.write(offsets);
        }
    }

    private static String key(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /** Asks the broker until it answers, while the thread runs: a broker that is away is waited for. */
    private <T> T untilAnswered(String what, java.util.function.Supplier<T> call) {
        long since = System.currentTimeMillis();
        while (true) {
            try {
                return call.get();
            } catch (RetriableException e) {
                if (!running) {
                    throw new WakeupException();
                }
                if (System.currentTimeMillis() - since > PROGRESS_INTERVAL_MS) {
                    log.warn("{}: still waiting for the broker to give {} ({})", name, what, e.toString());
                    since = System.currentTimeMillis();
                }
            }
        }
    }

    /** Stops the thread (checkpointing first) and closes its consumer; the stores stay open for the host to close. */
    @Override
    public void close() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            consumer.wakeup();
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
        } catch (RuntimeException e) {
            log.debug("Closing the global consumer failed", e);
        }
    }
}
