package dev.weir.runtime.kafka;

import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.Guarantee;
import dev.weir.runtime.WorkerConfig;
import dev.weir.runtime.WorkerException;
import dev.weir.runtime.engine.CallbackFailureHandler;
import dev.weir.runtime.engine.GlobalStores;
import dev.weir.runtime.engine.PartitionTask;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.runtime.engine.TaskId;
import dev.weir.runtime.state.StateManager;
import dev.weir.runtime.state.StateUpdater;
import dev.weir.runtime.state.StoreProvider;
import dev.weir.serdes.Headers;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks of one stream thread and everything that happens to them: what a rebalance does
 * ({@link #handleRevocation}, {@link #handleAssignment}, {@link #handleLost}), processing
 * ({@link #process}), callbacks ({@link #punctuate}), what a commit does ({@link #commit}), and
 * what a failure does.
 *
 * <p>A new task with tables is handed to the {@link StateUpdater} with its input partitions
 * paused; {@link #checkStateUpdater()} starts it once its stores caught up. A commit, for all
 * running tasks of the thread together: tables send their changes to their changelogs, the
 * output is made durable (at-least-once: the producer flushes, then the input offsets are
 * committed; exactly-once: the offsets go into the thread's transaction, which commits), then the
 * tables write those changes to their stores and checkpoints follow now and then. The stream
 * thread's own commits ({@link #maybeCommit}) flush or end their transaction in the background:
 * the thread processes on (under exactly-once its output held for the next transaction) and
 * finishes the commit when that ended; a rebalance, a failure or a shutdown first waits for it.
 *
 * <p>Failures are sorted, not all fatal. A bad record follows the error policy. Output that did
 * not reach Kafka (the broker is away) or that Kafka refused sends the running tasks back to
 * their last commit (stores as committed, input read again from the committed offsets).
 * Fencing, or a commit refused because the group moved on, closes the tasks without committing
 * and rejoins the group. Only errors that retrying cannot fix (credentials, permissions, a bad
 * record under {@link ErrorPolicy#FAIL}) stop the thread.
 *
 * <p>Used by one thread: the stream thread of a worker, or the testkit's driver.
 */
public final class TaskManager {

    private static final Logger log = LoggerFactory.getLogger(TaskManager.class);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SEEK_TIMEOUT = Duration.ofSeconds(5);
    /** How long one round waits for the committed offsets of new exactly-once tasks to become stable. */
    private static final Duration STABLE_OFFSETS_WAIT = Duration.ofMillis(100);
    /** Exactly-once: how often committed changes go to the stores, at the most; and how many may wait before they go at once. */
    private static final long STORE_WRITE_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_UNWRITTEN = 50_000;
    /** Resets in a row, without a commit between, after which an unknown send error counts as fatal. */
    private static final int MAX_RESETS_WITHOUT_PROGRESS = 20;

    private final String threadName;
    private final Topology topology;
    private final boolean exactlyOnce;
    private final Consumer<byte[], byte[]> consumer;
    private final StreamsProducer producer;
    private final KafkaRecordCollector collector;
    private final ErrorHandler errors;
    private final StateUpdater updater;
    private final StoreProvider stores;
    private final GlobalStores globals;
    private final LongSupplier wallClock;
    private final MeterRegistry metrics;
    private final long commitIntervalMs;
    private final Duration maxTaskIdle;
    private final CallbackFailureHandler callbackFailures;
    private final StateUpdater.Listener restoreListener;
    private final Counter processed;
    private final Counter rebalances;
    private final io.micrometer.core.instrument.Timer commitLatency;
    private final io.micrometer.core.instrument.Timer processLatency;

    private final Map<TaskId, Task> tasks = new TreeMap<>();
    private final ConcurrentLinkedQueue<StateManager> restored = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<RuntimeException> restoreFailures = new ConcurrentLinkedQueue<>();
    /** Running tasks by source topic and partition number: read per record. */
    private Map<String, Task[]> byTopic = Map.of();
    /** Running tasks that read several partitions and so buffer their records to take them in time order. */
    private Task[] queued = new Task[0];
    /** What {@link #queued} tasks buffer, as of the end of the last {@link #process(ConsumerRecords)}: read by a gauge. */
    private volatile long bufferedRecords;
    private final java.util.function.Function<TopicPartition, java.util.OptionalLong> lag;
    private volatile Set<TaskId> taskIds = Set.of();
    private volatile Set<TaskId> runningIds = Set.of();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private long processedSinceCommit;
    private long lastLagUpdate;
    private final Map<TopicPartition, Long> lags = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<TopicPartition> lagGauges = new HashSet<>();
    private long lastCommit;
    /** At-least-once: an offset commit did not go through (it timed out, a wake-up hit it); the next commit sends it again. */
    private boolean offsetsBehind;
    /** The commit whose flush (at-least-once) or transaction (exactly-once) ends in the background, to be finished by this thread; null when none. */
    private InFlightCommit inFlight;
    /** Exactly-once: how many bytes may be held for the next transaction while a commit is in flight before the thread waits. */
    private final long maxHeldBytes;
    /** How many times the running tasks went back to their last commit: a batch being processed stops when it changes. */
    private long resets;
    private int resetsWithoutProgress;

    private TaskManager(String threadName, Topology topology, WorkerConfig config, String deadLetterTopic,
                        Consumer<byte[], byte[]> consumer, Supplier<Producer<byte[], byte[]>> producers, StateUpdater updater,
                        StoreProvider stores, LongSupplier wallClock, MeterRegistry metrics, GlobalStores globals) {
        this.threadName = threadName;
        this.globals = globals;
        this.topology = topology;
        this.exactlyOnce = config.guarantee() == Guarantee.EXACTLY_ONCE;
        this.consumer = consumer;
        this.producer = new StreamsProducer(producers, exactlyOnce, threadName);
        int bufferMemory = intConfig(config, ProducerConfig.BUFFER_MEMORY_CONFIG, 32 * 1024 * 1024);
        this.collector = new KafkaRecordCollector(producer, threadName,
                intConfig(config, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024), bufferMemory);
        this.maxHeldBytes = bufferMemory / 2;
        this.errors = new ErrorHandler(topology.appId(), config.errorPolicy(), deadLetterTopic, metrics);
        this.updater = updater;
        this.stores = stores;
        this.wallClock = wallClock;
        this.metrics = metrics;
        this.commitIntervalMs = config.commitInterval().toMillis();
        this.maxTaskIdle = config.maxTaskIdle();
        this.lag = consumer::currentLag;
        io.micrometer.core.instrument.Gauge.builder("weir.records.buffered", () -> bufferedRecords).tag("app", topology.appId())
                .tag("thread", threadName)
                .description("Records fetched and waiting to be taken in time order by tasks that read several partitions")
                .register(metrics);
        this.lastCommit = wallClock.getAsLong();
        this.callbackFailures = (failure, key, value) -> errors.handleCallback(failure, key, value, collector, wallClock.getAsLong());
        this.restoreListener = new StateUpdater.Listener() {
            @Override
            public void restored(StateManager task) {
                restored.add(task);
            }

            @Override
            public void failed(StateManager task, RuntimeException failure) {
                restoreFailures.add(new WorkerException("Cannot restore the stores of task " + task.task() + " of app \""
                        + topology.appId() + "\": " + failure.getMessage(), failure));
            }
        };
        this.processed = Counter.builder("weir.records.processed").tag("app", topology.appId()).tag("thread", threadName)
                .description("Input records processed (skipped and dead-lettered ones included)").register(metrics);
        this.commitLatency = io.micrometer.core.instrument.Timer.builder("weir.commit.latency").tag("app", topology.appId())
                .tag("thread", threadName).description("Time a commit holds up its stream thread (flush or transaction, offsets;"
                        + " under exactly-once what starting and finishing it take, and any wait for its transaction to end)")
                .register(metrics);
        this.processLatency = io.micrometer.core.instrument.Timer.builder("weir.process.latency").tag("app", topology.appId())
                .tag("thread", threadName).description("Time to process one polled batch of records, through every task it reaches")
                .register(metrics);
        this.rebalances = Counter.builder("weir.rebalances").tag("app", topology.appId()).tag("thread", threadName)
                .description("Assignments this thread received from the group").register(metrics);
    }

    /**
     * A task manager for one stream thread.
     *
     * @param deadLetterTopic where {@link ErrorPolicy#DEAD_LETTER} sends bad records (null under other policies)
     * @param consumer        the thread's consumer in the app's group (the host polls it)
     * @param producers       makes the thread's producer, again after fencing (transactional under exactly-once)
     * @param updater         restores the stores of new tasks
     * @param stores          opens the tasks' stores
     * @param wallClock       the host's clock (the testkit's is controlled)
     * @param globals         the host's global tables: no task starts before they are ready
     */
    public static TaskManager create(String threadName, Topology topology, WorkerConfig config, String deadLetterTopic,
                                     Consumer<byte[], byte[]> consumer, Supplier<Producer<byte[], byte[]>> producers,
                                     StateUpdater updater, StoreProvider stores, LongSupplier wallClock, MeterRegistry metrics,
                                     GlobalStores globals) {
        return new TaskManager(threadName, topology, config, deadLetterTopic, consumer, producers, updater, stores, wallClock,
                metrics, globals);
    }

    private static int intConfig(WorkerConfig config, String key, int fallback) {
        Object v = config.producerConfigs().getOrDefault(key, config.clientConfigs().get(key));
        if (v == null) {
            return fallback;
        }
        try {
            return v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new WorkerException("Producer config " + key + " must be a number of bytes, got \"" + v + "\"");
        }
    }

    // ---------------------------------------------------------------- rebalances

    /**
     * The group gave this thread {@code partitions} (the whole assignment: Weir's assignor is
     * eager). Suspended tasks it hands back resume; suspended ones it does not are closed; new
     * ones are created, those with tables paused and handed to the state updater.
     */
    public void handleAssignment(Collection<TopicPartition> partitions) {
        rebalances.increment();
        settleCommit();
        Set<TaskId> assigned = TaskAssignor.tasksOf(topology, partitions);
        for (Task t : List.copyOf(tasks.values())) {
            if (!assigned.contains(t.id)) {
                closeClean(t);
            }
        }
        List<TaskId> created = new ArrayList<>();
        for (TaskId id : new TreeSet<>(assigned)) {
            Task t = tasks.get(id);
            if (t == null) {
                t = create(id);
                tasks.put(id, t);
                created.add(id);
                if (t.stateful()) {
                    restore(t);
                } else {
                    tryStart(t);
                }
            } else if (t.state == Task.State.SUSPENDED) {
                if (t.engine != null) {
                    t.resumeAt.forEach(consumer::seek);
                    t.resumeAt.clear();
                    t.state = Task.State.RUNNING;
                } else if (t.stateful()) {
                    restore(t);
                } else {
                    // Revoked before it started (reset, or waiting for the producer or the global tables): it starts now.
                    t.state = Task.State.CREATED;
                    tryStart(t);
                }
            }
        }
        reindex();
        if (!created.isEmpty()) {
            log.info("{} took tasks {}", threadName, created);
        }
    }

    private Task create(TaskId id) {
        SubTopology sub = topology.subTopologies().get(id.subTopology());
        List<TopicPartition> inputs = new ArrayList<>();
        for (String topic : sub.sourceTopics()) {
            inputs.add(new TopicPartition(topic, id.partition()));
        }
        StateManager sm = sub.tables().isEmpty() ? null : new StateManager(id, topology, stores);
        return new Task(id, List.copyOf(inputs), sm, maxTaskIdle);
    }

    /**
     * Hands a stateful task to the state updater, input paused. Under exactly-once it first waits
     * (in {@link #checkStateUpdater()}) until the committed offsets of its input are stable: a
     * transaction of the task's previous owner (or of this thread, after a commit that timed out)
     * may still be completing, and the changelog's end must be read after it completed, or the
     * store would miss what that transaction committed.
     */
    private void restore(Task t) {
        consumer.pause(t.inputs);
        if (exactlyOnce) {
            t.state = Task.State.CREATED;
            t.awaitingStableOffsets = true;
            return;
        }
        t.state = Task.State.RESTORING;
        updater.add(t.stateManager, restoreListener);
    }

    /**
     * Reads the committed offsets of the tasks waiting for them (as a read-committed consumer
     * does: not before pending transactional commits completed), positions their input there,
     * and hands them to the state updater. Retried on the next round while the broker makes them wait.
     */
    private void restoreOnceOffsetsAreStable() {
        List<Task> waiting = new ArrayList<>();
        Set<TopicPartition> partitions = new HashSet<>();
        for (Task t : tasks.values()) {
            if (t.state == Task.State.CREATED && t.awaitingStableOffsets) {
                waiting.add(t);
                partitions.addAll(t.inputs);
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets;
        try {
            // This thread's own transaction, if one's outcome is unknown, is finished by initializing the producer.
            producer.init();
            offsets = consumer.committed(partitions, STABLE_OFFSETS_WAIT);
        } catch (RetriableException | WakeupException e) {
            log.debug("{}: committed offsets of {} not stable yet ({})", threadName, waiting, e.toString());
            return;
        }
        for (Task t : waiting) {
            for (TopicPartition tp : t.inputs) {
                OffsetAndMetadata om = offsets.get(tp);
                Long first = t.firstOffsets.get(tp);
                if (om != null) {
                    consumer.seek(tp, om.offset());
                } else if (t.seekToCommitted && first != null) {
                    consumer.seek(tp, first);
                }
                committed.remove(tp);
            }
            t.positions.clear();
            t.seekToCommitted = false;
            t.awaitingStableOffsets = false;
            t.state = Task.State.RESTORING;
            updater.add(t.stateManager, restoreListener);
        }
    }

    /**
     * The group takes {@code partitions} from this thread. Running tasks emit what they buffer,
     * commit, and are suspended; restoring ones are taken back from the state updater (which
     * checkpoints how far they got). When the commit fails because the group moved on, the tasks
     * are closed without it.
     */
    public void handleRevocation(Collection<TopicPartition> partitions) {
        Set<TaskId> revoked = TaskAssignor.tasksOf(topology, partitions);
        if (revoked.isEmpty()) {
            return;
        }
        List<Task> running = new ArrayList<>();
        for (Task t : tasks.values()) {
            if (t.state == Task.State.RUNNING && revoked.contains(t.id)) {
                running.add(t);
            }
        }
        try {
            for (Task t : running) {
                t.engine.flushBuffers();
            }
            commitOrRecover();
            for (Task t : running) {
                if (t.state == Task.State.RUNNING) {
                    dropQueued(t);
                    t.state = Task.State.SUSPENDED;
                }
            }
        } catch (TaskMigratedException e) {
            log.warn("{}: {}; closing tasks {} without committing", threadName, e.getMessage(), revoked);
            closeAllDirty();
        }
        for (Task t : List.copyOf(tasks.values())) {
            if (revoked.contains(t.id) && t.state == Task.State.RESTORING) {
                updater.remove(t.id);
                t.state = Task.State.SUSPENDED;
            } else if (revoked.contains(t.id) && t.state == Task.State.CREATED) {
                t.state = Task.State.SUSPENDED;
            }
        }
        reindex();
        log.info("{} gave up tasks {}", threadName, new TreeSet<>(revoked));
    }

    /**
     * The group took {@code partitions} without a revocation (this member was kicked out: a
     * session timeout, a long pause): their tasks are closed without committing; their new owners
     * read from the last commit. Under exactly-once the open transaction is aborted, which takes
     * every other running task of the thread back to its last commit too.
     */
    public void handleLost(Collection<TopicPartition> partitions) {
        Set<TaskId> lost = TaskAssignor.tasksOf(topology, partitions);
        if (lost.isEmpty()) {
            return;
        }
        TaskMigratedException migrated = abandonCommit();
        if (migrated != null) {
            // The commit in flight was fenced: every task of this thread has moved, not only the lost ones.
            handleMigration(migrated);
            return;
        }
        collector.newGeneration();
        if (exactlyOnce) {
            producer.abort();
        }
        for (Task t : List.copyOf(tasks.values())) {
            if (lost.contains(t.id)) {
                closeDirty(t);
            }
        }
        if (exactlyOnce) {
            resetRunningTasks();
        }
        reindex();
        log.warn("{} lost tasks {} without committing; their new owners read from the last commit", threadName, new TreeSet<>(lost));
    }

    // ---------------------------------------------------------------- restores

    /**
     * Starts the tasks whose stores caught up, resumes their input, and retries what waits for
     * the broker (a transactional producer's initialization, the committed offsets of a task that
     * was reset).
     *
     * @throws WorkerException when a task's stores cannot be restored
     */
    public void checkStateUpdater() {
        RuntimeException failure = restoreFailures.poll();
        if (failure != null) {
            throw failure;
        }
        restoreOnceOffsetsAreStable();
        StateManager sm;
        boolean changed = false;
        while ((sm = restored.poll()) != null) {
            Task t = tasks.get(sm.task());
            if (t != null && t.stateManager == sm && t.state == Task.State.RESTORING) {
                t.state = Task.State.CREATED;
                changed = true;
            } else if (t != null && t.stateManager == sm && t.state == Task.State.SUSPENDED && t.engine == null) {
                // Restored just before its partitions were revoked; if they come back it starts at once.
                t.state = Task.State.SUSPENDED;
            }
        }
        for (Task t : tasks.values()) {
            if (t.state == Task.State.CREATED && !t.awaitingStableOffsets) {
                changed |= tryStart(t);
            }
        }
        if (changed) {
            reindex();
        }
    }

    /** Starts a task whose stores are ready; returns false (to retry) while the producer or the offsets wait for the broker. */
    private boolean tryStart(Task t) {
        if (!globals.ready()) {
            consumer.pause(t.inputs);       // the global thread is still reading its tables up to where they stood at start
            return false;
        }
        try {
            producer.init();
        } catch (TimeoutException | WakeupException e) {
            log.debug("{}: producer not ready yet ({}); task {} waits", threadName, e.toString(), t.id);
            consumer.pause(t.inputs);
            return false;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw new WorkerException(threadName + ": another producer with this thread's transactional.id started (" + e
                    + "); two workers share a state directory identity. Give each worker its own --state-dir.", e);
        }
        if (t.seekToCommitted && !seekToCommitted(t)) {
            consumer.pause(t.inputs);
            return false;
        }
        t.seekToCommitted = false;
        t.engine = new PartitionTask(topology, t.id, collector, wallClock, t.stateful() ? t.stateManager.stores() : Map.of(),
                callbackFailures, metrics, globals);
        t.state = Task.State.RUNNING;
        consumer.resume(t.inputs);
        return true;
    }

    /** Puts the task's input positions back at the last committed offsets; false while they cannot be read. */
    private boolean seekToCommitted(Task t) {
        Map<TopicPartition, OffsetAndMetadata> offsets;
        try {
            offsets = consumer.committed(new HashSet<>(t.inputs), SEEK_TIMEOUT);
        } catch (RetriableException e) {
            log.debug("{}: committed offsets of task {} not readable yet ({})", threadName, t.id, e.toString());
            return false;
        }
        for (TopicPartition tp : t.inputs) {
            OffsetAndMetadata om = offsets.get(tp);
            Long first = t.firstOffsets.get(tp);
            if (om != null) {
                consumer.seek(tp, om.offset());
            } else if (first != null) {
                consumer.seek(tp, first);
            }
            committed.remove(tp);
        }
        t.positions.clear();
        return true;
    }

    // ---------------------------------------------------------------- processing

    /** Processes what the consumer returned, record by record, through the running tasks. */
    public void process(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty() && queued.length == 0) {
            return;
        }
        long started = System.nanoTime();
        try {
            processBatch(records);
        } finally {
            if (!records.isEmpty()) {
                processLatency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }
    }

    private void processBatch(ConsumerRecords<byte[], byte[]> records) {
        try {
            long generation = resets;
            for (TopicPartition tp : records.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
                Task t = running(tp.topic(), tp.partition());
                if (t == null) {
                    notRunning(tp, list.get(0).offset());
                    continue;
                }
                t.firstOffsets.putIfAbsent(tp, list.get(0).offset());
                if (t.queues != null) {
                    if (t.queues.add(t.queues.indexOf(tp), list, consumer.position(tp))) {
                        consumer.pause(List.of(tp));
                    }
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : list) {
                    processOne(t, r.topic(), r.partition(), r.offset(), r.timestamp(), KafkaHeaders.fromKafka(r.headers()), r.key(),
                            r.value());
                    if (resets != generation) {
                        // The tasks went back to their last commit; the rest of this batch is read again.
                        return;
                    }
                }
                if (t.state == Task.State.RUNNING) {
                    t.positions.put(tp, new long[] {list.get(list.size() - 1).offset() + 1, consumer.position(tp)});
                }
            }
            long buffered = 0;
            for (Task t : queued) {
                if (!processQueued(t, generation)) {
                    return;
                }
                buffered += t.queues.buffered();
            }
            bufferedRecords = buffered;
            collector.checkFailures();
        } catch (TaskCorruptedException e) {
            handleCorruption(e);
        } catch (TaskMigratedException e) {
            handleMigration(e);
        }
    }

    /**
     * Processes one record: the host's own loop (the testkit's driver) calls this instead of
     * {@link #process(ConsumerRecords)}. The record's task must be running.
     */
    public void process(String topic, int partition, long offset, long timestamp, Headers headers, byte[] key, byte[] value) {
        Task t = running(topic, partition);
        if (t == null) {
            throw new IllegalStateException("No running task of " + threadName + " reads " + topic + "-" + partition
                    + "; tasks: " + tasks.values());
        }
        try {
            t.noteFirstOffset(topic, partition, offset);
            processOne(t, topic, partition, offset, timestamp, headers, key, value);
            collector.checkFailures();
        } catch (TaskCorruptedException e) {
            handleCorruption(e);
        } catch (TaskMigratedException e) {
            handleMigration(e);
        }
    }

    /**
     * Processes what a task buffers for its partitions in time order, until it must wait for a
     * partition; false when the tasks went back to their last commit on the way.
     */
    private boolean processQueued(Task t, long generation) {
        InputQueues q = t.queues;
        if (t.state != Task.State.RUNNING || q.isEmpty()) {
            return true;
        }
        long now = wallClock.getAsLong();
        int i;
        while ((i = q.next(now, lag)) >= 0) {
            ConsumerRecord<byte[], byte[]> r = q.poll(i);
            processOne(t, r.topic(), r.partition(), r.offset(), r.timestamp(), KafkaHeaders.fromKafka(r.headers()), r.key(),
                    r.value());
            if (resets != generation) {
                return false;
            }
            TopicPartition tp = q.partition(i);
            if (q.size(i) == 0) {
                t.positions.put(tp, new long[] {r.offset() + 1, q.positionAfter(i)});
            }
            if (q.resumable(i)) {
                consumer.resume(List.of(tp));
            }
        }
        return true;
    }

    /** Whether a running task holds fetched records it waits to take in time order: the thread should poll again soon. */
    public boolean waitingForInput() {
        for (Task t : queued) {
            if (t.queues.waiting()) {
                return true;
            }
        }
        return false;
    }

    /** Drops a suspended task's buffered records, remembering where to read again should the task come back. */
    private void dropQueued(Task t) {
        if (t.queues == null || t.queues.isEmpty()) {
            return;
        }
        for (int i = 0; i < t.inputs.size(); i++) {
            long first = t.queues.firstOffset(i);
            if (first >= 0) {
                t.resumeAt.put(t.queues.partition(i), first);
            }
        }
        t.queues.clear();
    }

    private void processOne(Task t, String topic, int partition, long offset, long timestamp, Headers headers, byte[] key,
                            byte[] value) {
        try {
            t.engine.process(topic, partition, offset, timestamp, headers, key, value);
        } catch (RecordProcessingException e) {
            errors.handle(e, topic, partition, offset, timestamp, headers, key, value, collector);
            t.engine.skip(topic, offset);
        }
        processedSinceCommit++;
    }

    private Task running(String topic, int partition) {
        Task[] byPartition = byTopic.get(topic);
        Task t = byPartition == null || partition >= byPartition.length ? null : byPartition[partition];
        return t != null && t.state == Task.State.RUNNING ? t : null;
    }

    /**
     * Records of a partition whose task does not run (it started restoring, or went back to its
     * last commit, after the fetch): read them again later rather than lose them.
     */
    private void notRunning(TopicPartition tp, long firstOffset) {
        Task owner = null;
        for (Task t : tasks.values()) {
            if (t.inputs.contains(tp)) {
                owner = t;
            }
        }
        if (owner == null || owner.seekToCommitted) {
            return;
        }
        consumer.seek(tp, firstOffset);
        consumer.pause(List.of(tp));
    }

    /** Runs every running task's due callbacks. */
    public void punctuate() {
        try {
            for (Task t : tasks.values()) {
                if (t.state == Task.State.RUNNING && t.engine.nextPunctuation() <= wallClock.getAsLong()) {
                    t.engine.punctuate();
                }
            }
            collector.checkFailures();
        } catch (TaskCorruptedException e) {
            handleCorruption(e);
        } catch (TaskMigratedException e) {
            handleMigration(e);
        }
    }

    // ---------------------------------------------------------------- commits

    /**
     * Commits when the commit interval passed, or a task asks for it (a table holds many changes).
     * The producer's part ends on its committer thread while this thread processes on: the flush
     * under at-least-once (what the thread sends meanwhile goes straight out; the offsets are
     * committed once the flush ended), the transaction under exactly-once (what the thread sends
     * meanwhile goes into the next transaction). A later call finishes the commit once that
     * ended, and waits for it only when the records held for the next transaction grow past half
     * the producer's {@code buffer.memory}.
     */
    public void maybeCommit() {
        try {
            if (inFlight != null) {
                if (!producer.commitEnded() && producer.heldBytes() < maxHeldBytes) {
                    return;
                }
                finishCommit();
            }
            if (commitRequested() || wallClock.getAsLong() - lastCommit >= commitIntervalMs) {
                startCommit(true);
            }
        } catch (TaskCorruptedException e) {
            handleCorruption(e);
        } catch (TaskMigratedException e) {
            handleMigration(e);
        }
    }

    /** Whether a commit's transaction is ending in the background: the thread should come back soon to finish it. */
    public boolean commitInFlight() {
        return inFlight != null;
    }

    /** Whether a running task asks for a commit before the interval (a table holds many changes). */
    public boolean commitRequested() {
        for (Task t : tasks.values()) {
            if (t.state == Task.State.RUNNING && t.engine.commitRequested()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a running task has processed or changed anything since the last commit. */
    public boolean commitNeeded() {
        for (Task t : tasks.values()) {
            if (t.state == Task.State.RUNNING && t.engine.commitNeeded()) {
                return true;
            }
        }
        return inFlight != null || producer.transactionInFlight();
    }

    /** Commits every running task now; recovers from what a failed commit means. */
    public void commit() {
        try {
            commitOrRecover();
        } catch (TaskMigratedException e) {
            handleMigration(e);
        }
    }

    /** A commit, recovering here from corruption; migration is left to the caller (whose recovery depends on where it is). */
    private void commitOrRecover() {
        try {
            commitRunning();
        } catch (TaskCorruptedException e) {
            handleCorruption(e);
        }
    }

    /** Finishes a commit in flight, then commits what came since, waiting until that is done too. */
    private void commitRunning() {
        if (inFlight != null) {
            finishCommit();
        }
        if (startCommit(false)) {
            finishCommit();
        }
    }

    /**
     * A commit, up to where the output is on its way: tables send their changes, the offsets are
     * gathered, and the producer flushes (at-least-once) or commits the transaction
     * (exactly-once), in the {@code background} or on this thread, leaving the rest to
     * {@link #finishCommit()}. Returns whether a commit waits to be finished.
     */
    private boolean startCommit(boolean background) {
        // The interval runs from the end of a commit: processing gets the whole interval, however long the commit took.
        lastCommit = wallClock.getAsLong();
        List<Task> running = new ArrayList<>();
        boolean needed = false;
        for (Task t : tasks.values()) {
            if (t.state == Task.State.RUNNING) {
                running.add(t);
                needed |= t.engine.commitNeeded();
            }
        }
        if (!needed && !producer.transactionInFlight() && !offsetsBehind) {
            return false;
        }
        long started = System.nanoTime();
        for (Task t : running) {
            try {
                t.engine.prepareCommit();
            } catch (RecordProcessingException e) {
                throw new WorkerException(e.getMessage() + " (a table's change cannot be written to its changelog, so the"
                        + " table cannot be kept; fix the table's serde or make its values fit the producer's max.request.size)", e);
            }
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Task t : running) {
            for (Map.Entry<String, Long> e : t.engine.committableOffsets().entrySet()) {
                TopicPartition tp = new TopicPartition(e.getKey(), t.id.partition());
                long offset = e.getValue();
                long[] position = t.positions.get(tp);
                if (position != null && offset == position[0] && position[1] > offset) {
                    offset = position[1];
                }
                // Under exactly-once every processed partition goes into the transaction: the group then checks this
                // member's generation, which fences a zombie even when nothing moved.
                if (exactlyOnce || !Long.valueOf(offset).equals(committed.get(tp))) {
                    offsets.put(tp, new OffsetAndMetadata(offset));
                }
            }
        }
        long processedNow = processedSinceCommit;
        transactional(() -> producer.startCommit(offsets, exactlyOnce ? consumer.groupMetadata() : null, background));
        inFlight = new InFlightCommit(running, offsets, processedNow, System.nanoTime() - started);
        return true;
    }

    /**
     * Finishes the commit in flight: waits for its flush or transaction to end (at once when it
     * ended already), then the tables' changes go to their stores, and at-least-once commits the
     * input offsets while under exactly-once the records sent meanwhile begin the next transaction.
     */
    private void finishCommit() {
        InFlightCommit c = inFlight;
        inFlight = null;
        long waitStarted = System.nanoTime();
        transactional(producer::awaitCommit);
        long waited = System.nanoTime() - waitStarted;
        collector.checkFailures();
        applyCommitted(c.running(), c.offsets());
        if (exactlyOnce) {
            producer.releaseHeld();
        } else {
            commitOffsets(c.offsets());
        }
        processed.increment(c.processed());
        processedSinceCommit -= c.processed();
        resetsWithoutProgress = 0;
        commitLatency.record(c.heldNanos() + waited, java.util.concurrent.TimeUnit.NANOSECONDS);
        lastCommit = wallClock.getAsLong();
    }

    /** Finishes a commit in flight before the tasks change hands, recovering from what a failure means. */
    private void settleCommit() {
        if (inFlight == null) {
            return;
        }
        try {
            finishCommit();
        } catch (TaskCorruptedException e) {
            handleCorruption(e);
        } catch (TaskMigratedException e) {
            handleMigration(e);
        }
    }

    /**
     * Waits for a commit in flight whose work is being abandoned (the tasks go back to their last
     * commit, or are closed) and forgets it: its offsets stay uncommitted and its changes do not
     * go to the stores, even if it ended well, because a send failure of its own may already have
     * been taken by another step; the stores catch up from their changelogs instead.
     *
     * @return the migration the commit met (its producer fenced, its generation refused), which
     *         outranks whatever the caller was recovering from; null otherwise
     */
    private TaskMigratedException abandonCommit() {
        if (inFlight == null) {
            return null;
        }
        inFlight = null;
        TaskMigratedException migrated = null;
        try {
            producer.awaitCommit();
        } catch (RuntimeException e) {
            if (refusedByGroup(e)) {
                migrated = migration(e);
            } else {
                log.debug("{}: the commit in flight failed as its work was abandoned: {}", threadName, e.toString());
            }
        }
        producer.dropHeld();
        return migrated;
    }

    /** Whether a commit's failure means the group gave this thread's tasks to another member (or fenced its producer). */
    private static boolean refusedByGroup(RuntimeException e) {
        return e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
                || e instanceof InvalidPidMappingException || e instanceof CommitFailedException
                || e instanceof UnknownMemberIdException || e instanceof IllegalGenerationException
                || e instanceof RebalanceInProgressException;
    }

    private TaskMigratedException migration(RuntimeException e) {
        return new TaskMigratedException("The commit of " + threadName + "'s transaction was refused (" + e + "): the group"
                + " gave its tasks to another member", e);
    }

    /** A commit's work with the producer (and, under exactly-once, its transaction), its failures sorted into what they mean for the tasks. */
    private void transactional(Runnable work) {
        String what = exactlyOnce ? "transaction" : "flush";
        try {
            work.run();
        } catch (TimeoutException e) {
            throw new TaskCorruptedException("The commit of " + threadName + "'s " + what + " did not finish in time (" + e + "); "
                    + (exactlyOnce ? "its outcome is unknown, so a new producer finishes it and the tasks go back to what is committed"
                    : "the tasks go back to their last commit"), e, true);
        } catch (KafkaException e) {
            if (refusedByGroup(e)) {
                throw migration(e);
            }
            collector.checkFailures();
            throw new TaskCorruptedException("The commit of " + threadName + "'s " + what + " failed (" + e + "); "
                    + (exactlyOnce ? "it is aborted and " : "") + "the tasks go back to their last commit", e, false);
        }
    }

    /** A commit started: what finishing it takes. */
    private record InFlightCommit(List<Task> running, Map<TopicPartition, OffsetAndMetadata> offsets, long processed,
                                  long heldNanos) {
    }

    private void commitOffsets(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            offsetsBehind = true;
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
            offsetsBehind = false;
            offsets.forEach((tp, om) -> committed.put(tp, om.offset()));
            collector.committed(Map.copyOf(committedOffsets(offsets)));
        } catch (CommitFailedException | RebalanceInProgressException e) {
            throw new TaskMigratedException("The offset commit of " + threadName + " was refused (" + e + "): the group is"
                    + " moving its tasks; their new owners process from the last commit", e);
        } catch (TimeoutException e) {
            // The output is durable; only the offsets wait. The next commit sends them again (with what came since).
            log.warn("{}: committing {} offsets timed out ({}); retrying with the next commit", threadName, offsets.size(),
                    e.getMessage());
        }
    }

    private static Map<TopicPartition, Long> committedOffsets(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, om) -> out.put(tp, om.offset()));
        return out;
    }

    /**
     * The output is durable: what the tables sent may go to their stores, which then hold
     * everything before the acknowledged changelog offsets. At-least-once writes the stores at
     * every commit; exactly-once, committing ten times as often, about once a second (or when
     * many changes wait), so that a key changed in many commits is written once.
     */
    private void applyCommitted(List<Task> running, Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> acked = collector.takeAcked();
        long now = System.nanoTime();
        for (Task t : running) {
            t.engine.postCommit();
            if (!t.stateful()) {
                continue;
            }
            acked.forEach((tp, next) -> t.unwrittenAcked.merge(tp, next, Math::max));
            if (!exactlyOnce || now - t.lastStoreWrite >= STORE_WRITE_INTERVAL_NANOS
                    || t.engine.unwrittenChanges() >= MAX_UNWRITTEN) {
                writeStores(t);
                if (t.stateManager.checkpointDue()) {
                    t.stateManager.checkpoint();
                }
            }
        }
        if (exactlyOnce) {
            offsets.forEach((tp, om) -> committed.put(tp, om.offset()));
            collector.committed(committedOffsets(offsets));
        }
    }

    /** Writes a task's committed changes to its stores, which then hold everything before the changelog offsets of those commits. */
    private void writeStores(Task t) {
        t.engine.writeToStores();
        t.stateManager.committed(t.unwrittenAcked);
        t.unwrittenAcked.clear();
        t.lastStoreWrite = System.nanoTime();
    }

    // ---------------------------------------------------------------- failures

    private void handleCorruption(TaskCorruptedException e) {
        resets++;
        resetsWithoutProgress++;
        if (resetsWithoutProgress > MAX_RESETS_WITHOUT_PROGRESS && !(e.getCause() instanceof RetriableException)) {
            throw new WorkerException(threadName + " went back to its last commit " + resetsWithoutProgress + " times in a row"
                    + " without committing anything: " + e.getMessage(), e);
        }
        log.warn("{}: {}", threadName, e.getMessage());
        TaskMigratedException migrated = abandonCommit();
        if (migrated != null) {
            // The commit in flight was fenced: the tasks are not this thread's to go back with, they are closed.
            handleMigration(migrated);
            return;
        }
        collector.newGeneration();
        if (exactlyOnce) {
            if (e.recreateProducer()) {
                producer.recreate();
            } else {
                producer.abort();
            }
        }
        resetRunningTasks();
        reindex();
    }

    /** Takes every running task back to its last commit: engine dropped, stores caught up with their changelogs, input from the committed offsets. */
    private void resetRunningTasks() {
        for (Task t : tasks.values()) {
            if (t.state != Task.State.RUNNING) {
                continue;
            }
            closeEngine(t);
            t.seekToCommitted = true;
            if (t.stateful()) {
                t.stateManager.resetRestoreState();
                restore(t);
            } else {
                consumer.pause(t.inputs);
                t.state = Task.State.CREATED;
            }
        }
    }

    private void handleMigration(TaskMigratedException e) {
        log.warn("{}: {}; closing its tasks without committing and rejoining the group", threadName, e.getMessage());
        closeAllDirty();
        reindex();
        try {
            consumer.enforceRebalance("Weir: tasks of " + threadName + " migrated: " + e.getMessage());
        } catch (RuntimeException ex) {
            log.debug("{}: cannot request a rebalance ({}); the group protocol rejoins by itself", threadName, ex.toString());
        }
    }

    private void closeAllDirty() {
        abandonCommit();
        offsetsBehind = false;      // the offsets it stood for are the new owners' now
        collector.newGeneration();
        if (exactlyOnce) {
            producer.recreate();
        }
        for (Task t : List.copyOf(tasks.values())) {
            closeDirty(t);
        }
        committed.clear();
    }

    // ---------------------------------------------------------------- closing

    private void closeEngine(Task t) {
        if (t.queues != null) {
            t.queues.clear();
        }
        t.resumeAt.clear();
        if (t.engine != null) {
            if (t.stateful()) {
                // Only committed changes: a commit in progress or aborted never reached postCommit.
                try {
                    writeStores(t);
                } catch (RuntimeException e) {
                    log.warn("Writing the committed changes of task {} to its stores failed ({}); they are restored from the"
                            + " changelog", t.id, e.toString());
                }
            }
            try {
                t.engine.close();
            } catch (RuntimeException e) {
                log.warn("Closing the processors of task {} failed: {}", t.id, e.toString());
            }
            t.engine = null;
        }
    }

    /** Closes a task that committed (or never ran): its stores get a last checkpoint. */
    private void closeClean(Task t) {
        if (t.state == Task.State.RESTORING) {
            updater.remove(t.id);
        }
        closeEngine(t);
        if (t.stateful()) {
            t.stateManager.close();
        }
        t.state = Task.State.CLOSED;
        tasks.remove(t.id);
        for (TopicPartition tp : t.inputs) {
            committed.remove(tp);
        }
    }

    /**
     * Closes a task without committing. Its stores hold only committed changes (they are written
     * after a commit), so they keep a checkpoint all the same.
     */
    private void closeDirty(Task t) {
        closeClean(t);
    }

    /**
     * Stops: when {@code clean}, running tasks emit what they buffer and commit first; every task
     * is closed, its stores checkpointed.
     */
    public void shutdown(boolean clean) {
        if (clean) {
            try {
                for (Task t : tasks.values()) {
                    if (t.state == Task.State.RUNNING) {
                        t.engine.flushBuffers();
                    }
                }
                try {
                    commitRunning();
                } catch (WakeupException e) {
                    // The shutdown's wake-up arrived after the poll loop's last consumer call and hit this commit instead.
                    commitRunning();
                }
            } catch (RuntimeException e) {
                log.warn("{}: the last commit failed ({}); closing the tasks without it", threadName, e.toString());
                abandonCommit();
                collector.newGeneration();
                if (exactlyOnce) {
                    producer.abort();
                }
            }
        } else {
            abandonCommit();
            collector.newGeneration();
            if (exactlyOnce) {
                producer.abort();
            }
        }
        for (Task t : List.copyOf(tasks.values())) {
            closeClean(t);
        }
        reindex();
    }

    /**
     * Stops after {@code failure} stopped the thread. A bad record under the FAIL policy leaves
     * everything before it processed: at-least-once commits that (not the record itself, whose
     * offset stays uncommitted); exactly-once aborts, as the record may have sent part of its
     * output into the transaction. Any other failure closes the tasks without a commit.
     */
    public void shutdownAfter(Throwable failure) {
        boolean badRecord = failure instanceof RecordProcessingException
                || (failure instanceof WorkerException && failure.getCause() instanceof RecordProcessingException);
        shutdown(badRecord && !exactlyOnce);
    }

    /** Closes the producer; call after {@link #shutdown}. */
    public void closeProducer(Duration timeout) {
        producer.close(timeout);
    }

    // ---------------------------------------------------------------- inspection

    private void reindex() {
        Map<String, Task[]> index = new HashMap<>();
        for (Task t : tasks.values()) {
            if (t.state != Task.State.RUNNING) {
                continue;
            }
            int p = t.id.partition();
            for (TopicPartition tp : t.inputs) {
                Task[] arr = index.get(tp.topic());
                if (arr == null || arr.length <= p) {
                    arr = arr == null ? new Task[p + 1] : Arrays.copyOf(arr, p + 1);
                    index.put(tp.topic(), arr);
                }
                arr[p] = t;
            }
        }
        byTopic = index;
        queued = tasks.values().stream().filter(t -> t.state == Task.State.RUNNING && t.queues != null).toArray(Task[]::new);
        long buffered = 0;
        for (Task t : queued) {
            buffered += t.queues.buffered();
        }
        bufferedRecords = buffered;
        taskIds = Set.copyOf(tasks.keySet());
        Set<TaskId> running = new HashSet<>();
        tasks.forEach((id, t) -> {
            if (t.state == Task.State.RUNNING) {
                running.add(id);
            }
        });
        runningIds = Set.copyOf(running);
    }

    /** The tasks this thread holds, whatever their state; safe to call from any thread. */
    public Set<TaskId> taskIds() {
        return taskIds;
    }

    /** The tasks that run (process records) now; safe to call from any thread. */
    public Set<TaskId> runningTaskIds() {
        return runningIds;
    }

    /** Each task's state, for logs and tests. */
    public Map<TaskId, String> taskStates() {
        Map<TaskId, String> out = new LinkedHashMap<>();
        tasks.forEach((id, t) -> out.put(id, t.state.name()));
        return out;
    }

    /** Whether every task of the thread runs (none restoring or waiting). */
    public boolean allRunning() {
        for (Task t : tasks.values()) {
            if (t.state != Task.State.RUNNING) {
                return false;
            }
        }
        return true;
    }

    /** The engine of a running task, for inspection (the testkit reads tables through it); null when it does not run. */
    public PartitionTask engine(TaskId id) {
        Task t = tasks.get(id);
        return t == null ? null : t.engine;
    }

    /**
     * Updates {@code weir.consumer.lag} (records on the broker not yet fetched, per input
     * partition this thread holds; NaN once it no longer holds it), at most once a second.
     */
    public void recordLag() {
        long now = wallClock.getAsLong();
        if (now - lastLagUpdate < 1000) {
            return;
        }
        lastLagUpdate = now;
        Set<TopicPartition> assigned = consumer.assignment();
        lags.keySet().retainAll(assigned);
        for (TopicPartition tp : assigned) {
            java.util.OptionalLong l = lag.apply(tp);
            if (l.isPresent()) {
                if (lags.put(tp, l.getAsLong()) == null && lagGauges.add(tp)) {
                    io.micrometer.core.instrument.Gauge.builder("weir.consumer.lag", lags,
                                    m -> { Long v = m.get(tp); return v == null ? Double.NaN : v; })
                            .tag("app", topology.appId()).tag("thread", threadName).tag("topic", tp.topic())
                            .tag("partition", Integer.toString(tp.partition()))
                            .description("Records of an input partition on the broker that this thread has not fetched yet")
                            .register(metrics);
                }
            }
        }
    }

    /** The wall-clock time of the next due callback of a running task, or {@code Long.MAX_VALUE}. */
    public long nextPunctuation() {
        long next = Long.MAX_VALUE;
        for (Task t : tasks.values()) {
            if (t.state == Task.State.RUNNING) {
                next = Math.min(next, t.engine.nextPunctuation());
            }
        }
        return next;
    }
}
