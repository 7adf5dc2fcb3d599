package dev.weir.runtime.engine;

import dev.weir.dsl.RecordBuffer;
import dev.weir.dsl.Window;
import dev.weir.dsl.Windowing;
import dev.weir.dsl.spi.TableAccess;
import dev.weir.runtime.engine.RecordProcessingException.Stage;
import dev.weir.serdes.Headers;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The processing engine of one task: partition {@code p} of every source topic of one
 * sub-topology. The host (the Kafka worker's task manager, which the testkit runs too) feeds
 * it input records one at a time, calls {@link #punctuate} with its wall clock, and commits in
 * three steps: {@link #prepareCommit()} (tables send their changes to their changelogs), then
 * the host makes the output durable and commits {@link #committableOffsets()}, then
 * {@link #postCommit()}; {@link #writeToStores()} writes what was committed to the stores.
 *
 * <p>The task does not own its stores: the host opens and restores them before, and closes
 * them after. Not thread-safe: a task belongs to one thread at a time.
 */
public final class PartitionTask implements AutoCloseable {

    private final TaskId id;
    private final SubTopology sub;
    private final TaskState state;
    private final TaskGraph graph;
    /** The task's own meters, removed when it closes (a task that comes back registers new ones). */
    private final List<io.micrometer.core.instrument.Meter> meters = new ArrayList<>();
    /** One per windowed table: what advancing its clock closes, after each record. */
    private final WindowCloser[] windowClosers;
    private final LongSupplier wallClock;
    /** Per source topic, one past the last processed offset; a mutable holder, as it changes per record. */
    private final Map<String, long[]> nextOffsets = new HashMap<>();
    private final Map<String, TableRuntime> tables = new LinkedHashMap<>();
    private final TableAccess tableAccess;
    private boolean closed;
    private boolean commitNeeded;
    private String lastTopic;
    private SourceRunner lastSource;

    /**
     * Creates the task over the opened (and, on a worker, restored) stores of its tables and
     * initializes its processors.
     *
     * @param topology  the whole topology
     * @param id        which sub-topology and partition
     * @param collector where serialized output goes
     * @param wallClock the host's clock in epoch millis (the testkit's is controlled)
     * @param stores    table name to its store, for every table of the task's sub-topology
     * @param failures  where failures of callbacks go (scheduled callbacks, window close callbacks)
     * @param metrics   where late-record counters go, or null
     * @param globals   the worker's global tables, which joins of the sub-topology read
     * @throws IllegalArgumentException when a table's store is missing or the task id is not of the topology
     */
    public PartitionTask(Topology topology, TaskId id, RecordCollector collector, LongSupplier wallClock,
                         Map<String, ByteStore> stores, CallbackFailureHandler failures, MeterRegistry metrics,
                         GlobalStores globals) {
        if (id.subTopology() >= topology.subTopologies().size()) {
            throw new IllegalArgumentException("Task " + id + ": the topology of app \"" + topology.appId() + "\" has only "
                    + topology.subTopologies().size() + " sub-topologies");
        }
        this.id = id;
        this.sub = topology.subTopologies().get(id.subTopology());
        this.wallClock = wallClock;
        this.state = new TaskState(topology.appId(), id, collector, wallClock, failures, metrics);
        for (String table : sub.tables()) {
            ByteStore store = stores.get(table);
            if (store == null) {
                throw new IllegalArgumentException("Task " + id + " needs a store for table \"" + table + "\"");
            }
            tables.put(table, new TableRuntime(topology.tables().get(table), store, collector, id.partition()));
        }
        // Bound whenever the app has tables, so that a table used in the wrong sub-topology gets a precise error.
        this.tableAccess = topology.tables().isEmpty() ? null : new TaskTables(state, tables);
        this.graph = TaskGraph.build(topology, sub, state, tables, globals);
        List<WindowCloser> closers = new ArrayList<>();
        tables.forEach((name, table) -> {
            if (table.windowing() != null) {
                closers.add(new WindowCloser(name, table));
            }
        });
        this.windowClosers = closers.toArray(new WindowCloser[0]);
        if (metrics != null) {
            // Read from the task's own fields: nothing on the per-record path but two increments.
            String task = id.toString();
            meters.add(io.micrometer.core.instrument.FunctionCounter.builder("weir.task.records.in", state, s -> s.recordsIn)
                    .tag("app", topology.appId()).tag("task", task).description("Input records the task took").register(metrics));
            meters.add(io.micrometer.core.instrument.FunctionCounter.builder("weir.task.records.out", state, s -> s.recordsOut)
                    .tag("app", topology.appId()).tag("task", task)
                    .description("Records the task wrote to sinks and repartition topics").register(metrics));
        }
    }

    public TaskId id() {
        return id;
    }

    /** The topics this task reads (partition {@code id().partition()} of each). */
    public Set<String> sourceTopics() {
        return sub.sourceTopics();
    }

    /** Whether the task's sub-topology holds tables, whose stores need restoring before it runs. */
    public boolean stateful() {
        return !tables.isEmpty();
    }

    /**
     * Processes one input record through the sub-topology.
     *
     * @throws RecordProcessingException when deserialization, user code, serialization or the
     *                                   collector fails; it names the node, topic, partition and
     *                                   offset. The record counts as consumed for
     *                                   {@link #committableOffsets()} only when this returns
     *                                   normally or the host decides to skip it with {@link #skip}.
     * @throws IllegalArgumentException  when this task does not read {@code topic}
     */
    public void process(String topic, int partition, long offset, long timestamp, Headers headers, byte[] key, byte[] value) {
        checkOpen();
        SourceRunner source;
        if (topic.equals(lastTopic)) {
            source = lastSource;
        } else {
            source = graph.source(topic);
            lastTopic = topic;
            lastSource = source;
        }
        if (source == null) {
            throw new IllegalArgumentException("Task " + id + " does not read topic \"" + topic + "\"; it reads " + sub.sourceTopics());
        }
        state.recordsIn++;
        if (partition != id.partition()) {
            throw new IllegalArgumentException("Task " + id + " reads partition " + id.partition() + ", got " + topic + "-" + partition);
        }
        commitNeeded = true;
        state.enter(topic, partition, offset, timestamp);
        TableAccess previous = tableAccess == null ? null : TableAccess.bind(tableAccess);
        try {
            source.process(topic, timestamp, headers == null ? Headers.create() : headers, key, value);
            long[] next = nextOffsets.get(topic);
            if (next == null) {
                nextOffsets.put(topic, new long[] {offset + 1});
            } else {
                next[0] = offset + 1;
            }
        } finally {
            state.leave();
            if (tableAccess != null) {
                TableAccess.bind(previous);
            }
        }
        if (windowClosers.length > 0) {
            advanceWindows();
        }
    }

    /**
     * Closes and expires windows of windowed tables up to their event time, calling close
     * callbacks outside the input record (a failing callback is not the record's fault).
     */
    private void advanceWindows() {
        TableAccess previous = tableAccess == null ? null : TableAccess.bind(tableAccess);
        try {
            for (WindowCloser closer : windowClosers) {
                closer.table.advance(closer.table.observedTime(), closer);
            }
        } finally {
            if (tableAccess != null) {
                TableAccess.bind(previous);
            }
        }
    }

    /**
     * Closes the windows of one windowed table, key by key: its emit-final record, then its close
     * callback; each failure goes to the task's callback failure handler. Made once per table.
     */
    private final class WindowCloser implements TableRuntime.WindowCloser {

        final TableRuntime table;
        private final String node;
        private final TableRunner emitter;
        private final WindowClosing context;

        WindowCloser(String tableName, TableRuntime table) {
            this.table = table;
            this.node = "onWindowClose(" + tableName + ")";
            this.emitter = graph.finalEmitter(tableName);
            this.context = new WindowClosing(node, state, table);
        }

        @Override
        public void close(Windowing windowing, byte[] keyBytes, java.util.function.Supplier<Object> key, Window window, Object value) {
            if (emitter != null) {
                try {
                    emitter.emitFinal(key.get(), window, value);
                } catch (RecordProcessingException ex) {
                    state.failures.failed(ex, keyBytes, table.serializeValue(value));
                }
            }
            if (windowing.onClose() == null) {
                return;
            }
            try {
                windowing.onClose().onWindowClose(key.get(), window, value, context.of(window));
            } catch (Exception ex) {
                byte[] valueBytes;
                try {
                    valueBytes = table.serializeValue(value);
                } catch (RuntimeException serde) {
                    ex.addSuppressed(serde);
                    valueBytes = null;
                }
                state.failures.failed(new RecordProcessingException(Stage.PUNCTUATION, node, null, -1, -1, ex), keyBytes, valueBytes);
            }
        }
    }

    /** Marks a record the host's error policy skipped (or dead-lettered) as consumed. */
    public void skip(String topic, long offset) {
        commitNeeded = true;
        long[] next = nextOffsets.computeIfAbsent(topic, t -> new long[] {0});
        next[0] = Math.max(next[0], offset + 1);
    }

    /**
     * Runs the scheduled callbacks due at the host's wall-clock time (for example
     * {@code take(n, within)} emitting a partial batch). Returns how many ran; failures go to the
     * task's {@link CallbackFailureHandler}.
     */
    public int punctuate() {
        checkOpen();
        if (state.scheduler.nextDue() > wallClock.getAsLong()) {
            return 0;
        }
        TableAccess previous = tableAccess == null ? null : TableAccess.bind(tableAccess);
        try {
            int ran = state.scheduler.run(wallClock.getAsLong());
            commitNeeded |= ran > 0;
            return ran;
        } finally {
            if (tableAccess != null) {
                TableAccess.bind(previous);
            }
        }
    }

    /**
     * Emits what processors hold in memory (the partial batches of {@code take}), before the host
     * commits and gives the task up cleanly, so that held records are processed, not re-read by
     * the next owner. Failures go to the task's {@link CallbackFailureHandler}.
     */
    public void flushBuffers() {
        checkOpen();
        if (graph.buffers().isEmpty()) {
            return;
        }
        TableAccess previous = tableAccess == null ? null : TableAccess.bind(tableAccess);
        try {
            for (TaskGraph.Buffer b : graph.buffers()) {
                try {
                    b.buffer().flush();
                    commitNeeded = true;
                } catch (RecordProcessingException e) {
                    state.failures.failed(e, null, null);
                } catch (RuntimeException e) {
                    state.failures.failed(new RecordProcessingException(Stage.PUNCTUATION, b.node(), null, -1, -1, e), null, null);
                }
            }
        } finally {
            if (tableAccess != null) {
                TableAccess.bind(previous);
            }
        }
    }

    /** The wall-clock time at which the next callback is due, or {@code Long.MAX_VALUE}. */
    public long nextPunctuation() {
        return state.scheduler.nextDue();
    }

    /** Highest input timestamp seen, or -1. */
    public long streamTime() {
        return state.streamTime;
    }

    /** Whether the task processed, skipped or punctuated anything since its last commit. */
    public boolean commitNeeded() {
        if (commitNeeded) {
            return true;
        }
        for (TableRuntime t : tables.values()) {
            if (t.hasChanges()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a table holds so many changes that the host should commit now rather than at its interval. */
    public boolean commitRequested() {
        for (TableRuntime t : tables.values()) {
            if (t.commitRequested()) {
                return true;
            }
        }
        return false;
    }

    /**
     * First step of a commit: every table sends the last value of each changed key to its
     * changelog. The host then makes the output durable and commits {@link #committableOffsets()}.
     *
     * @throws RecordProcessingException when a changed value cannot be serialized or sent
     */
    public void prepareCommit() {
        checkOpen();
        for (TableRuntime t : tables.values()) {
            t.prepareCommit();
        }
        // What the task does from here on belongs to the next commit, even while this one is still ending.
        commitNeeded = false;
    }

    /**
     * Last step of a commit, once the changelog records {@link #prepareCommit()} sent are durable:
     * they may go to the stores ({@link #writeToStores()}).
     */
    public void postCommit() {
        checkOpen();
        for (TableRuntime t : tables.values()) {
            t.postCommit();
        }
    }

    /** The most committed changes a table of this task holds that its store does not have yet. */
    public int unwrittenChanges() {
        int most = 0;
        for (TableRuntime t : tables.values()) {
            most = Math.max(most, t.unwritten());
        }
        return most;
    }

    /**
     * Writes the committed changes of every table to its store (not the changes of a commit in
     * progress). After it the stores hold everything the changelog records of past commits hold.
     */
    public void writeToStores() {
        for (TableRuntime t : tables.values()) {
            t.writeToStore();
        }
    }

    /**
     * Per source topic, the offset to commit: one past the last record processed, but never
     * past a record that a {@link RecordBuffer} (such as {@code take}) still holds.
     */
    public Map<String, Long> committableOffsets() {
        Map<String, Long> out = new HashMap<>();
        nextOffsets.forEach((topic, next) -> out.put(topic, next[0]));
        for (TaskGraph.Buffer b : graph.buffers()) {
            for (Map.Entry<String, Long> held : b.buffer().heldOffsets().entrySet()) {
                out.merge(held.getKey(), held.getValue(), Math::min);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Reads a table's value in this task, outside processing (tests, inspection): the cached value if there is one, else the store's. */
    public Object tableValue(String table, Object key) {
        return table(table).get(key);
    }

    /** Reads the value of {@code key} in the window starting at {@code windowStart} of a windowed table, outside processing. */
    public Object tableWindowValue(String table, Object key, long windowStart) {
        return table(table).getWindow(key, windowStart);
    }

    /** The windows of {@code key} in a windowed table whose start lies in {@code [fromStart, toStart]}, earliest first. */
    public Map<dev.weir.dsl.Window, Object> tableWindows(String table, Object key, long fromStart, long toStart) {
        return table(table).windowsOf(key, fromStart, toStart);
    }

    private TableRuntime table(String name) {
        TableRuntime t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("Task " + id + " holds no table \"" + name + "\"; it holds " + tables.keySet());
        }
        return t;
    }

    /**
     * Closes every processor and drops what the tables' caches hold; changes not committed are
     * lost, the stores keep what the last commit wrote. Idempotent; the stores stay open.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            meters.forEach(m -> state.metrics.remove(m));
            graph.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Task " + id + " is closed");
        }
    }

    @Override
    public String toString() {
        return "PartitionTask{" + id + ", reads " + sub.sourceTopics() + "}";
    }
}
