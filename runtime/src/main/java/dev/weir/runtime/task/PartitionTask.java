package dev.weir.runtime.task;

import dev.weir.dsl.RecordBuffer;
import dev.weir.runtime.internal.SourceRunner;
import dev.weir.runtime.internal.TaskGraph;
import dev.weir.runtime.internal.TaskState;
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
    private final Map<String, Long> nextOffsets = new HashMap<>();
    private boolean closed;

    /**
     * Creates the task and initializes its processors.
     *
     * @param topology  the whole topology
     * @param id        which sub-topology and partition
     * @param collector where serialized output goes
     * @param wallClock the host's clock in epoch millis (the testkit's is controlled)
     */
    public PartitionTask(Topology topology, TaskId id, RecordCollector collector, LongSupplier wallClock) {
        if (id.subTopology() >= topology.subTopologies().size()) {
            throw new IllegalArgumentException("Task " + id + ": the topology of app \"" + topology.appId() + "\" has only "
                    + topology.subTopologies().size() + " sub-topologies");
        }
        this.id = id;
        this.sub = topology.subTopologies().get(id.subTopology());
        this.wallClock = wallClock;
        this.state = new TaskState(topology.appId(), id, collector, wallClock);
        this.graph = TaskGraph.build(topology, sub, state);
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
        SourceRunner source = graph.source(topic);
        if (source == null) {
            throw new IllegalArgumentException("Task " + id + " does not read topic \"" + topic + "\"; it reads " + sub.sourceTopics());
        }
        if (partition != id.partition()) {
            throw new IllegalArgumentException("Task " + id + " reads partition " + id.partition() + ", got " + topic + "-" + partition);
        }
        state.enter(topic, partition, offset, timestamp);
        try {
            source.process(topic, timestamp, headers == null ? Headers.create() : headers, key, value);
            nextOffsets.put(topic, offset + 1);
        } finally {
            state.leave();
        }
    }

    /** Marks a record the host's error policy skipped (or dead-lettered) as consumed. */
    public void skip(String topic, long offset) {
        nextOffsets.merge(topic, offset + 1, Math::max);
    }

    /**
     * Runs the scheduled callbacks due at the host's wall-clock time (for example
     * {@code take(n, within)} emitting a partial batch). Returns how many ran.
     */
    public int punctuate() {
        checkOpen();
        return state.scheduler().run(wallClock.getAsLong());
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
        Map<String, Long> out = new HashMap<>(nextOffsets);
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
