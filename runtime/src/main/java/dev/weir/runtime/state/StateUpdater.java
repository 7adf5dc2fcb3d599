package dev.weir.runtime.state;

import dev.weir.runtime.engine.ByteStore;
import dev.weir.runtime.engine.TaskId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the stores of new tasks from their changelogs on a thread of its own, one per
 * worker, while the stream threads keep polling with the tasks' input partitions paused: a
 * restore of any size never holds up {@code poll()}, so it never costs the group membership.
 *
 * <p>A task is {@link #add added} by its stream thread; the updater opens its stores (waiting
 * while another owner still holds one), reads each changelog from the offset the store holds
 * everything before (its checkpoint; the changelog's start when there is none, when the
 * checkpoint lies below that start, or past the changelog's end) up to the end offset, then
 * hands the task back through its {@link Listener}. It checkpoints the restored position as it
 * goes, so a restore cut short by a rebalance ({@link #remove}) or a crash resumes where it
 * was. Progress (records restored and remaining, rate) is logged every
 * {@link #PROGRESS_INTERVAL} and metered ({@code weir.restore.records},
 * {@code weir.restore.remaining}, {@code weir.restore.rate}).
 *
 * <p>A restore consumer that cannot reach the broker keeps retrying; the tasks wait.
 */
public final class StateUpdater implements AutoCloseable {

    /** Where the updater hands a task back. Called on the updater's thread. */
    public interface Listener {
        /** Every store of the task caught up with its changelog; the caller owns the state manager again. */
        void restored(StateManager task);

        /** The task's stores could not be opened or restored; the caller owns the state manager again. */
        void failed(StateManager task, RuntimeException failure);
    }

    private static final Logger log = LoggerFactory.getLogger(StateUpdater.class);
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);
    static final Duration RATE_INTERVAL = Duration.ofSeconds(1);
    /** Checkpoint a long restore's position this often, so a crash resumes it. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    /** The longest a broker call of the updater blocks, so that {@link #remove} is answered soon even in an outage. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration IDLE_WAIT = Duration.ofMillis(100);

    private sealed interface Command permits Add, Remove {
    }

    private record Add(StateManager task, Listener listener) implements Command {
    }

    private record Remove(TaskId task, CompletableFuture<Void> done) implements Command {
    }

    /** A task the updater holds. */
    private static final class Restoring {
        final StateManager task;
        final Listener listener;
        final long openDeadline;
        boolean initialized;
        long lastCheckpoint = System.nanoTime();
        long lockWarned;

        Restoring(StateManager task, Listener listener, long openDeadline) {
            this.task = task;
            this.listener = listener;
            this.openDeadline = openDeadline;
        }
    }

    private final String name;
    private final String appId;
    private final Consumer<byte[], byte[]> consumer;
    private final MeterRegistry metrics;
    private final Duration lockTimeout;
    private final LinkedBlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private final Map<TaskId, Restoring> restoring = new LinkedHashMap<>();
    private final Map<TopicPartition, Restoring> byPartition = new HashMap<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final AtomicLong remaining = new AtomicLong();
    private final Map<String, Counter> restoredCounters = new HashMap<>();
    private volatile boolean running = true;
    /** Set once the updater's thread has ended; a task added after that fails at once rather than waiting forever. */
    private volatile String stopped;
    private Thread thread;
    private final LongSupplier nanoClock;
    private long lastProgressLog;
    private long restoredSinceLog;
    /** Records restored per second over the last {@link #RATE_INTERVAL}, for the {@code weir.restore.rate} gauge. */
    private final AtomicLong rate = new AtomicLong();
    private long lastRate;
    private long restoredSinceRate;
    private long lastRetryLog;

    /**
     * @param restoreConsumer a consumer without a group, of byte arrays; the updater owns and closes it
     * @param lockTimeout     how long to wait for a store whose lock another owner holds before the task fails
     */
    public StateUpdater(String name, String appId, Consumer<byte[], byte[]> restoreConsumer, MeterRegistry metrics,
                        Duration lockTimeout) {
        this(name, appId, restoreConsumer, metrics, lockTimeout, System::nanoTime);
    }

    /** As above, with the clock that progress and the restore rate are measured by. */
    StateUpdater(String name, String appId, Consumer<byte[], byte[]> restoreConsumer, MeterRegistry metrics,
                 Duration lockTimeout, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastProgressLog = nanoClock.getAsLong();
        this.lastRate = lastProgressLog;
        this.name = name;
        this.appId = appId;
        this.consumer = restoreConsumer;
        this.metrics = metrics;
        this.lockTimeout = lockTimeout;
        Gauge.builder("weir.restore.remaining", remaining, AtomicLong::get).tag("app", appId)
                .description("Changelog records left to restore before the restoring tasks can run").register(metrics);
        Gauge.builder("weir.restore.rate", rate, AtomicLong::get).tag("app", appId).baseUnit("records/s")
                .description("Changelog records restored per second over the last second (0 when nothing restores)")
                .register(metrics);
    }

    /** Starts the updater's own thread. Without it, the host calls {@link #runOnce} itself (the testkit does). */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands a task's stores to the updater; the listener hears back once they caught up or failed. */
    public void add(StateManager task, Listener listener) {
        commands.add(new Add(Objects.requireNonNull(task, "task"), Objects.requireNonNull(listener, "listener")));
        if (stopped != null) {
            failQueued();
        }
        wake();
    }

    /**
     * Takes a task back before its restore finished (its partitions were revoked or lost): the
     * updater stops restoring it and checkpoints how far it got. Blocks until that is done; the
     * caller owns the state manager again (whose stores stay open). Does nothing for a task the
     * updater does not hold.
     */
    public void remove(TaskId task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        commands.add(new Remove(task, done));
        if (stopped != null) {
            failQueued();       // the updater holds nothing any more: it failed every task it had
        }
        if (!isThreaded()) {
            runCommands();
        }
        wake();
        long started = System.nanoTime();
        while (true) {
            try {
                done.get(1, TimeUnit.SECONDS);
                return;
            } catch (TimeoutException e) {
                if (!isThreaded() || !thread.isAlive()) {
                    throw new IllegalStateException("The state updater " + name + " is not running; cannot take task " + task + " back");
                }
                if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(10)) {
                    log.warn("Waiting for the state updater {} to give task {} back for {} s", name, task,
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
                    started = System.nanoTime();
                }
                wake();
            } catch (ExecutionException e) {
                throw new IllegalStateException("The state updater failed to give task " + task + " back", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }
    }

    private boolean isThreaded() {
        return thread != null;
    }

    private void wake() {
        if (isThreaded()) {
            consumer.wakeup();
        }
    }

    /** Whether the updater holds tasks (restoring, or waiting for their stores). */
    public boolean hasWork() {
        return !restoring.isEmpty() || !commands.isEmpty();
    }

    private void loop() {
        try {
            while (running) {
                try {
                    runOnce(Duration.ofMillis(100));
                } catch (WakeupException e) {
                    // add() and remove() wake the consumer; the commands run at the top of the next round.
                }
            }
        } catch (Throwable t) {
            log.error("State updater {} of app {} failed: {}", name, appId, t.toString(), t);
            stopped = "The state updater " + name + " failed (" + t + ")";
            for (Restoring r : List.copyOf(restoring.values())) {
                try {
                    fail(r, t instanceof RuntimeException re ? re : new IllegalStateException(t));
                } catch (RuntimeException e) {
                    log.warn("Reporting the failure of task {} failed: {}", r.task.task(), e.toString());
                }
            }
        } finally {
            if (stopped == null) {
                stopped = "The state updater " + name + " stopped";
            }
            failQueued();
        }
    }

    /** Once the thread has ended: answers what is queued (a task added fails, a removal is done). */
    private void failQueued() {
        Command c;
        while ((c = commands.poll()) != null) {
            if (c instanceof Remove remove) {
                remove.done.complete(null);
            } else if (c instanceof Add add) {
                try {
                    add.listener.failed(add.task, new IllegalStateException(stopped));
                } catch (RuntimeException e) {
                    log.warn("Reporting the failure of task {} failed: {}", add.task.task(), e.toString());
                }
            }
        }
    }

    /**
     * One round of work: runs the commands, opens stores, reads one batch of changelog records
     * into the stores, hands back what caught up. Waits up to {@code pollTimeout} for records.
     */
    public void runOnce(Duration pollTimeout) {
        runCommands();
        List<Restoring> uninitialized = new ArrayList<>();
        for (Restoring r : restoring.values()) {
            if (!r.initialized) {
                uninitialized.add(r);
            }
        }
        if (!uninitialized.isEmpty()) {
            initialize(uninitialized);
        }
        if (assigned.isEmpty()) {
            // Nothing to read: the rate falls to zero rather than keeping the last restore's.
            rate.set(0);
            restoredSinceRate = 0;
            lastRate = nanoClock.getAsLong();
            if (restoring.isEmpty() && isThreaded()) {
                Command next;
                try {
                    next = commands.poll(IDLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                    return;
                }
                if (next != null) {
                    apply(next);
                }
            } else if (!restoring.isEmpty() && isThreaded()) {
                sleepQuietly(Math.min(pollTimeout.toMillis(), IDLE_WAIT.toMillis()));
            }
            return;
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(pollTimeout);
        } catch (InvalidOffsetException e) {
            restartFromBeginning(e.partitions(), e.getMessage());
            return;
        } catch (RetriableException e) {
            logRetry("reading changelogs", e);
            return;
        }
        for (TopicPartition tp : records.partitions()) {
            Restoring r = byPartition.get(tp);
            StateManager.Changelog c = r == null ? null : r.task.changelog(tp);
            if (c == null) {
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
            write(c.store, batch);
            c.restoredRecords += batch.size();
            restoredSinceLog += batch.size();
            restoredSinceRate += batch.size();
            counter(c.table.name()).increment(batch.size());
            c.offset = batch.get(batch.size() - 1).offset() + 1;
        }
        checkCaughtUp();
        maybeCheckpointProgress();
        updateRate();
        maybeLogProgress();
    }

    private void runCommands() {
        Command c;
        while ((c = commands.poll()) != null) {
            apply(c);
        }
    }

    private void apply(Command c) {
        if (c instanceof Add add) {
            TaskId id = add.task.task();
            restoring.put(id, new Restoring(add.task, add.listener, System.nanoTime() + lockTimeout.toNanos()));
        } else if (c instanceof Remove remove) {
            Restoring r = restoring.remove(remove.task);
            try {
                if (r != null) {
                    unassign(r);
                    if (r.task.isOpen()) {
                        r.task.checkpoint();
                    }
                    log.info("Stopped restoring task {} (its partitions moved); restored so far: {}", remove.task, r.task);
                }
                remove.done.complete(null);
            } catch (RuntimeException e) {
                remove.done.completeExceptionally(e);
            }
        }
    }

    /**
     * Opens the tasks' stores and positions the consumer on each changelog, reading the offsets
     * of all their changelogs at once; a task is retried next round while it cannot.
     */
    private void initialize(List<Restoring> tasks) {
        List<Restoring> opened = new ArrayList<>();
        for (Restoring r : tasks) {
            try {
                r.task.open();
                opened.add(r);
            } catch (StoreLockedException e) {
                if (System.nanoTime() > r.openDeadline) {
                    fail(r, new IllegalStateException(e.getMessage() + "; waited " + lockTimeout.toMillis() + " ms for it (set"
                            + " WorkerConfig.stateLockTimeout to wait longer)", e));
                } else if (System.nanoTime() - r.lockWarned > TimeUnit.SECONDS.toNanos(5)) {
                    r.lockWarned = System.nanoTime();
                    log.warn("{}; retrying", e.getMessage());
                }
            } catch (RuntimeException e) {
                fail(r, e);
            }
        }
        if (opened.isEmpty()) {
            return;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        opened.forEach(r -> partitions.addAll(r.task.changelogPartitions()));
        Map<TopicPartition, Long> begins;
        Map<TopicPartition, Long> ends;
        try {
            begins = consumer.beginningOffsets(partitions, CALL_TIMEOUT);
            ends = consumer.endOffsets(partitions, CALL_TIMEOUT);
        } catch (RetriableException e) {
            logRetry("reading the changelog offsets of " + opened.size() + " task(s)", e);
            return;
        } catch (WakeupException e) {
            // add() or remove() woke the consumer: the commands run first, then these tasks are initialized again.
            throw e;
        } catch (KafkaException e) {
            opened.forEach(r -> fail(r, e));
            return;
        }
        List<TopicPartition> toRead = new ArrayList<>();
        for (Restoring r : opened) {
            toRead.addAll(position(r, begins, ends));
        }
        if (!toRead.isEmpty()) {
            assigned.addAll(toRead);
            consumer.assign(new ArrayList<>(assigned));
            for (TopicPartition tp : toRead) {
                StateManager.Changelog c = byPartition.get(tp).task.changelog(tp);
                if (c.offset == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, c.offset);
                }
            }
        }
        updateRemaining();
        for (Restoring r : opened) {
            completeIfRestored(r);
        }
    }

    /** Decides where each changelog of a task starts; returns the partitions to read. */
    private List<TopicPartition> position(Restoring r, Map<TopicPartition, Long> begins, Map<TopicPartition, Long> ends) {
        StateManager task = r.task;
        List<TopicPartition> toRead = new ArrayList<>();
        for (StateManager.Changelog c : task.changelogs()) {
            long begin = begins.get(c.partition);
            long end = ends.get(c.partition);
            if (c.offset != null && c.offset > end) {
                log.warn("The checkpoint of table {} in task {} is at offset {} but its changelog {} ends at {} (the topic was"
                        + " recreated?); rebuilding the store from the changelog", c.table.name(), task.task(), c.offset,
                        c.partition, end);
                task.wipe(c);
            } else if (c.offset != null && c.offset < begin) {
                log.warn("The checkpoint of table {} in task {} is at offset {} but its changelog {} now starts at {} (retention"
                        + " removed what came between); rebuilding the store from the changelog's start", c.table.name(),
                        task.task(), c.offset, c.partition, begin);
                task.wipe(c);
            }
            long start = c.offset == null ? begin : c.offset;
            c.end = end;
            if (start >= end) {
                c.offset = Math.max(start, end);
                c.restored = true;
                log.info("Table {} of task {} is up to date at changelog offset {}; nothing to restore", c.table.name(),
                        task.task(), end);
            } else {
                c.restored = false;
                toRead.add(c.partition);
                byPartition.put(c.partition, r);
                log.info("Restoring table {} of task {} from {} offsets {}..{} ({} records at most)", c.table.name(),
                        task.task(), c.partition, start, end, end - start);
            }
        }
        r.initialized = true;
        return toRead;
    }

    private void checkCaughtUp() {
        List<TopicPartition> atEnd = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            Restoring r = byPartition.get(tp);
            StateManager.Changelog c = r.task.changelog(tp);
            long position;
            try {
                position = consumer.position(tp, CALL_TIMEOUT);
            } catch (RetriableException e) {
                logRetry("reading the position of " + tp, e);
                return;
            }
            // Past the last record read the position may stand on transaction markers or aborted records; the store
            // holds everything before it all the same.
            c.offset = Math.max(c.offset == null ? 0 : c.offset, position);
            if (position >= c.end) {
                atEnd.add(tp);
            }
        }
        if (atEnd.isEmpty()) {
            updateRemaining();
            return;
        }
        // The end seen at the start may have moved: a commit of the previous owner that was still completing when the
        // task moved shows up in the changelog only now. Read to the end as it is now.
        Map<TopicPartition, Long> ends;
        try {
            ends = consumer.endOffsets(atEnd, CALL_TIMEOUT);
        } catch (RetriableException e) {
            logRetry("reading changelog end offsets", e);
            return;
        }
        Set<Restoring> touched = new HashSet<>();
        for (TopicPartition tp : atEnd) {
            Restoring r = byPartition.get(tp);
            StateManager.Changelog c = r.task.changelog(tp);
            long end = ends.get(tp);
            if (end > c.offset) {
                c.end = end;
                continue;
            }
            c.restored = true;
            touched.add(r);
        }
        for (Restoring r : touched) {
            completeIfRestored(r);
        }
        updateRemaining();
    }

    private void completeIfRestored(Restoring r) {
        for (StateManager.Changelog c : r.task.changelogs()) {
            if (!c.restored) {
                return;
            }
        }
        restoring.remove(r.task.task());
        unassign(r);
        long records = 0;
        for (StateManager.Changelog c : r.task.changelogs()) {
            records += c.restoredRecords;
        }
        // No flush and checkpoint here: the task's next checkpoint covers the restored records (a crash before it
        // restores again from the last checkpoint written while restoring), and the task starts now.
        r.task.restoreCompleted();
        if (records > 0) {
            log.info("Restored {} records of task {} in its stores; it starts processing", records, r.task.task());
        }
        r.listener.restored(r.task);
    }

    private void fail(Restoring r, RuntimeException e) {
        restoring.remove(r.task.task());
        unassign(r);
        updateRemaining();
        r.listener.failed(r.task, e);
    }

    private void unassign(Restoring r) {
        boolean changed = false;
        for (TopicPartition tp : r.task.changelogPartitions()) {
            if (byPartition.get(tp) == r) {
                byPartition.remove(tp);
            }
            changed |= assigned.remove(tp);
        }
        if (changed) {
            consumer.assign(new ArrayList<>(assigned));
        }
    }

    private void restartFromBeginning(Set<TopicPartition> partitions, String why) {
        for (TopicPartition tp : partitions) {
            Restoring r = byPartition.get(tp);
            if (r == null) {
                continue;
            }
            StateManager.Changelog c = r.task.changelog(tp);
            log.warn("Changelog {} of table {} in task {} no longer holds offset {} ({}); rebuilding the store from the"
                    + " changelog's start", tp, c.table.name(), r.task.task(), c.offset, why);
            r.task.wipe(c);
            consumer.seekToBeginning(List.of(tp));
        }
    }

    private void maybeCheckpointProgress() {
        long now = System.nanoTime();
        for (Restoring r : restoring.values()) {
            if (r.initialized && now - r.lastCheckpoint >= CHECKPOINT_INTERVAL.toNanos()) {
                r.lastCheckpoint = now;
                r.task.checkpoint();
            }
        }
    }

    private void updateRemaining() {
        long left = 0;
        for (TopicPartition tp : assigned) {
            StateManager.Changelog c = byPartition.get(tp).task.changelog(tp);
            left += Math.max(0, c.end - (c.offset == null ? 0 : c.offset));
        }
        remaining.set(left);
    }

    private void updateRate() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastRate;
        if (elapsed < RATE_INTERVAL.toNanos()) {
            return;
        }
        rate.set(Math.round(restoredSinceRate / (elapsed / 1e9)));
        lastRate = now;
        restoredSinceRate = 0;
    }

    private void maybeLogProgress() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastProgressLog;
        if (elapsed < PROGRESS_INTERVAL.toNanos()) {
            return;
        }
        if (restoring.isEmpty() && restoredSinceLog == 0) {
            lastProgressLog = now;
            return;
        }
        double rate = restoredSinceLog / (elapsed / 1e9);
        long left = remaining.get();
        long done = 0;
        for (Restoring r : restoring.values()) {
            for (StateManager.Changelog c : r.task.changelogs()) {
                done += c.restoredRecords;
            }
        }
        log.info("Restoring {} task(s) of app {}: {} records restored, {} remaining, {} records/s, about {} s left",
                restoring.size(), appId, done, left, Math.round(rate), rate > 0 ? Math.round(left / rate) : "?");
        lastProgressLog = now;
        restoredSinceLog = 0;
    }

    private Counter counter(String table) {
        return restoredCounters.computeIfAbsent(table, t -> Counter.builder("weir.restore.records").tag("app", appId)
                .tag("table", t).description("Changelog records written into stores by restores").register(metrics));
    }

    private static void write(ByteStore store, List<ConsumerRecord<byte[], byte[]>> records) {
        if (store instanceof RocksDbStore rocks) {
            rocks.writeRestored(records, Long.MAX_VALUE);
            return;
        }
        Map<ByteBuffer, byte[]> batch = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            batch.put(ByteBuffer.wrap(r.key()), r.value());
        }
        store.write(batch);
    }

    private void logRetry(String what, RuntimeException e) {
        long now = System.nanoTime();
        if (now - lastRetryLog > TimeUnit.SECONDS.toNanos(10)) {
            lastRetryLog = now;
            log.warn("State updater {}: {} failed ({}); retrying until the broker answers", name, what, e.toString());
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the thread, then closes the consumer. Tasks still held are not handed back. */
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
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
        } catch (RuntimeException e) {
            log.debug("Closing the restore consumer failed", e);
        }
    }
}
