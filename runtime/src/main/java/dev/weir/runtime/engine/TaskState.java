package dev.weir.runtime.engine;

import dev.weir.runtime.engine.RecordCollector;
import dev.weir.runtime.engine.TaskId;
import java.util.function.LongSupplier;

/**
 * What every node of one task shares: where the current input record came from, stream time,
 * the clocks, the collector and the scheduler. Single-threaded: a task runs on one thread.
 */
final class TaskState {

    final String appId;
    final TaskId taskId;
    final RecordCollector collector;
    final LongSupplier wallClock;
    final TaskScheduler scheduler;
    /** Where late-record counters go; null in the testkit. */
    io.micrometer.core.instrument.MeterRegistry metrics;

    /** The input record being processed; null / -1 inside a scheduled callback. */
    String topic;
    int partition = -1;
    long offset = -1;
    long timestamp = -1;
    long streamTime = -1;

    public TaskState(String appId, TaskId taskId, RecordCollector collector, LongSupplier wallClock) {
        this.appId = appId;
        this.taskId = taskId;
        this.collector = collector;
        this.wallClock = wallClock;
        this.scheduler = new TaskScheduler(this);
    }

    public void enter(String topic, int partition, long offset, long timestamp) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        if (timestamp > streamTime) {
            streamTime = timestamp;
        }
    }

    public void leave() {
        this.topic = null;
        this.partition = -1;
        this.offset = -1;
        this.timestamp = -1;
    }

    public String currentTopic() {
        return topic;
    }

    public int partitionOrMinus() {
        return partition;
    }

    public long offsetOrMinus() {
        return offset;
    }

    public void metrics(io.micrometer.core.instrument.MeterRegistry registry) {
        this.metrics = registry;
    }

    /** The current record's timestamp, or stream time inside a callback. */
    public long eventTime() {
        return timestamp >= 0 ? timestamp : streamTime;
    }

    public long streamTime() {
        return streamTime;
    }

    public TaskScheduler scheduler() {
        return scheduler;
    }
}
