package dev.weir.runtime.kafka;

import dev.weir.runtime.engine.PartitionTask;
import dev.weir.runtime.engine.TaskId;
import dev.weir.runtime.state.StateManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A task as its stream thread's task manager holds it: the engine that processes it, the
 * stores it owns, and where it is in its life.
 */
final class Task {

    /**
     * A task's life: created with the assignment; restoring while the state updater brings its
     * stores up to their changelogs (its input partitions paused); running; suspended when a
     * rebalance takes it after a commit (kept, with its stores open, in case the same rebalance
     * hands it back); closed.
     */
    enum State {
        CREATED, RESTORING, RUNNING, SUSPENDED, CLOSED
    }

    final TaskId id;
    final List<TopicPartition> inputs;
    final StateManager stateManager;
    State state = State.CREATED;
    PartitionTask engine;
    /** After a reset, the input is read again from the last committed offsets before the task runs. */
    boolean seekToCommitted;
    /** Exactly-once: the task restores only once its input's committed offsets are stable (no transaction pending). */
    boolean awaitingStableOffsets;
    /** The first offset delivered per input partition since the task was assigned: where to go back to when nothing was committed. */
    final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    /**
     * Per input partition, after the last batch of records the consumer returned: one past the
     * last record of it, and the consumer's position then, which may be further (transaction
     * markers take offsets). When the task processed up to the first, the second is what it has
     * consumed, and what a commit should say: a consumer's lag then ends at zero.
     */
    final Map<TopicPartition, long[]> positions = new HashMap<>();
    /** Changelog offsets acknowledged by commits whose changes are not in the stores yet. */
    final Map<TopicPartition, Long> unwrittenAcked = new HashMap<>();
    /** Records fetched but not processed yet, taken in time order; null for a task that reads one partition. */
    final InputQueues queues;
    /** Where to read again, per partition, after a suspension dropped buffered records: set while suspended. */
    final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    long lastStoreWrite = System.nanoTime();

    /** The partition {@link #noteFirstOffset} saw last, so that a run of its records looks nothing up. */
    private String lastNotedTopic;
    private int lastNotedPartition = -1;

    Task(TaskId id, List<TopicPartition> inputs, StateManager stateManager, java.time.Duration maxTaskIdle) {
        this.queues = inputs.size() > 1 ? new InputQueues(inputs, maxTaskIdle) : null;
        this.id = id;
        this.inputs = inputs;
        this.stateManager = stateManager;
    }

    /** Records {@code offset} as the first of its partition when none is recorded (the host's record-at-a-time path). */
    void noteFirstOffset(String topic, int partition, long offset) {
        if (partition == lastNotedPartition && topic.equals(lastNotedTopic)) {
            return;
        }
        firstOffsets.putIfAbsent(new TopicPartition(topic, partition), offset);
        lastNotedTopic = topic;
        lastNotedPartition = partition;
    }

    boolean stateful() {
        return stateManager != null;
    }

    @Override
    public String toString() {
        return id + " (" + state + ")";
    }
}
