package dev.weir.runtime.engine;

import dev.weir.dsl.RecordBuffer;
import dev.weir.runtime.engine.SourceRunner;
import dev.weir.runtime.engine.TaskGraph;
import dev.weir.runtime.engine.TableRuntime;
import dev.weir.runtime.engine.TaskState;
import dev.weir.runtime.engine.TaskTables;
import dev.weir.dsl.spi.TableAccess;
import java.util.LinkedHashMap;
import dev.weir.serdes.Headers;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The processing engine of one task: partition {@code p} of every source topic of one
 * sub-topology. The host (the Kafka worker, or the testkit) feeds it input records one at a
 * time, calls {@link #punctuate} with its wall clock, flushes the collector and commits
 * {@link #committableOffsets()}. This is the code production runs; the testkit runs the same.
 *
 * <p>Not thread-safe: a task belongs to one thread at a time.
 */
public final class PartitionTask implements AutoCloseable {

    private final TaskId id;
    private final SubTopology sub;
    private final TaskState state;
    private final TaskGraph graph;
    private final LongSupplier wallClock;
    /** Per source topic, one past the last processed offset; a mutable holder, as it changes per record. */
    private final Map<String, long[]> nextOffsets = new HashMap<>();
    private final Map<String, TableRuntime> tables = new LinkedHashMap<>();
    private final TableAccess tableAccess;
    private boolean closed;
    private String lastTopic;
    private SourceRunner lastSource;

    /**
     * Creates the task and initializes its processors.
     *
     * @param topology  the whole topology
     * @param id        which sub-topology and partition
     * @param collector where serialized output goes
     * @param wallClock the host's clock in epoch millis (the testkit's is controlled)
     */
    public PartitionTask(Topology topology, TaskId id, RecordCollector collector, LongSupplier wallClock) {
        this(topology, id, collector, wallClock, inMemoryStores(topology, id));
    }

    private static Map<String, ByteStore> inMemoryStores(Topology topology, TaskId id) {
        Map<String, ByteStore> stores = new HashMap<>();
        if (id.subTopology() < topology.subTopologies().size()) {
            topology.subTopologies().get(id.subTopology()).tables().forEach(t -> stores.put(t, new InMemoryByteStore()));
        }
        return stores;
    }

    /**
     * Creates the task over already opened (and, on a worker, restored) stores of its tables.
     *
     * @param stores table name to its store, for every table of the task's sub-topology; the task
     *               closes them when it closes
     * @throws IllegalArgumentException when a table's store is missing
     */
    public PartitionTask(Topology topology, TaskId id, RecordCollector collector, LongSupplier wallClock,
                         Map<String, ByteStore> stores) {
        if (id.subTopology() >= topology.subTopologies().size()) {
            throw new IllegalArgumentException("Task " + id + ": the topology of app \"" + topology.appId() + "\" has only "
                    + topology.subTopologies().size() + " sub-topologies");
        }
        this.id = id;
        this.sub = topology.subTopologies().get(id.subTopology());
        this.wallClock = wallClock;
        this.state = new TaskState(topology.appId(), id, collector, wallClock);
        for (String table : sub.tables()) {
            ByteStore store = stores.get(table);
            if (store == null) {
                throw new IllegalArgumentException("Task " + id + " needs a store for table \"" + table + "\"");
            }
            tables.put(table, new TableRuntime(topology.tables().get(table), store, collector, id.partition()));
        }
        // Bound whenever the app has tables, so that a table used in the wrong sub-topology gets a precise error.
        this.tableAccess = topology.tables().isEmpty() ? null : new TaskTables(state, tables);
        this.graph = TaskGraph.build(topology, sub, state, tables);
    }

    /** The stores of this task's tables by table name, for the host to restore and checkpoint. */
    public Map<String, ByteStore> stores() {
        Map<String, ByteStore> out = new LinkedHashMap<>();
        tables.forEach((name, t) -> out.put(name, t.store()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Writes every table's cached changes to its store and its changelog. The host calls it
     * before flushing the producer and committing; a commit must never cover input whose table
     * updates are not in the changelog.
     */
    public void flushState() {
        for (TableRuntime t : tables.values()) {
            t.flush();
        }
        for (TableRuntime t : tables.values()) {
            t.store().flush();
        }
    }

    /** Reads the value of {@code key} in the window starting at {@code windowStart} of a windowed table, outside processing. */
    public Object tableWindowValue(String table, Object key, long windowStart) {
        TableRuntime t = tables.get(table);
        if (t == null) {
            throw new IllegalArgumentException("Task " + id + " holds no table \"" + table + "\"; it holds " + tables.keySet());
        }
        return t.getWindow(key, windowStart);
    }

    /**
     * Reads a table's value in this task, outside processing (tests, inspection): the cached
     * value if there is one, else the store's.
     */
    public Object tableValue(String table, Object key) {
        TableRuntime t = tables.get(table);
        if (t == null) {
            throw new IllegalArgumentException("Task " + id + " holds no table \"" + table + "\"; it holds " + tables.keySet());
        }
        return t.get(key);
    }

    public TaskId id() {
        return id;
    }

    /** The topics this task reads (partition {@code id().partition()} of each). */
    public Set<String> sourceTopics() {
        return sub.sourceTopics();
    }

    /**
     * Processes one input record through the sub-topology.
     *
     * @throws RecordProcessingException when deserialization, user code or serialization fails;
     *                                   it names the node, topic, partition and offset. The
     *                                   record counts as consumed for {@link #committableOffsets()}
     *                                   only when this returns normally or the host decides to
     *                                   skip it with {@link #skip}.
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
        if (partition != id.partition()) {
            throw new IllegalArgumentException("Task " + id + " reads partition " + id.partition() + ", got " + topic + "-" + partition);
        }
        state.enter(topic, partition, offset, timestamp);
        TableAccess previous = tableAccess == null ? null : TableAccess.bind(tableAccess);
        try {
            source.process(topic, timestamp, headers == null ? Headers.create() : headers, key, value);
            advanceWindows();
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
    }

    /** Closes and expires windows of windowed tables up to the stream time, calling close callbacks. */
    private void advanceWindows() {
        if (tables.isEmpty()) {
            return;
        }
        for (Map.Entry<String, TableRuntime> e : tables.entrySet()) {
            String node = "onWindowClose(" + e.getKey() + ")";
            e.getValue().advance(e.getValue().observedTime(), (windowing, k, window, v) -> {
                try {
                    windowing.onClose().onWindowClose(k, window, v);
                } catch (Exception ex) {
                    throw new RecordProcessingException(RecordProcessingException.Stage.PROCESSING, node, state.currentTopic(), state.partitionOrMinus(),
                            state.offsetOrMinus(), ex);
                }
            });
        }
    }

    /** Attaches the worker's meters (late-record counters); the testkit runs without. */
    public void metrics(io.micrometer.core.instrument.MeterRegistry registry) {
        state.metrics(registry);
    }

    /** Marks a record the host's error policy skipped (or dead-lettered) as consumed. */
    public void skip(String topic, long offset) {
        long[] next = nextOffsets.computeIfAbsent(topic, t -> new long[] {0});
        next[0] = Math.max(next[0], offset + 1);
    }

    /**
     * Runs the scheduled callbacks due at the host's wall-clock time (for example
     * {@code take(n, within)} emitting a partial batch). Returns how many ran.
     */
    public int punctuate() {
        checkOpen();
        TableAccess previous = tableAccess == null ? null : TableAccess.bind(tableAccess);
        try {
            return state.scheduler().run(wallClock.getAsLong());
        } finally {
            if (tableAccess != null) {
                TableAccess.bind(previous);
            }
        }
    }

    /** The wall-clock time at which the next callback is due, or {@code Long.MAX_VALUE}. */
    public long nextPunctuation() {
        return state.scheduler().nextDue();
    }

    /** Highest input timestamp seen, or -1. */
    public long streamTime() {
        return state.streamTime();
    }

    /**
     * Per source topic, the offset to commit: one past the last record processed, but never
     * past a record that a {@link RecordBuffer} (such as {@code take}) still holds. Commit only
     * after the collector flushed everything sent so far.
     */
    public Map<String, Long> committableOffsets() {
        Map<String, Long> out = new HashMap<>();
        nextOffsets.forEach((topic, next) -> out.put(topic, next[0]));
        for (RecordBuffer b : graph.buffers()) {
            for (Map.Entry<String, Long> held : b.heldOffsets().entrySet()) {
                out.merge(held.getKey(), held.getValue(), Math::min);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Closes every processor. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                graph.close();
            } finally {
                tables.values().forEach(TableRuntime::close);
            }
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
