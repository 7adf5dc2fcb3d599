package dev.weir.runtime.engine;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.LongSupplier;

/**
 * What every node of one task shares: where the current input record came from, stream time,
 * the clocks, the collector, the scheduler and where callback failures go. Single-threaded: a
 * task runs on one thread.
 */
final class TaskState {

    final String appId;
    final TaskId taskId;
    final RecordCollector collector;
    final LongSupplier wallClock;
    final TaskScheduler scheduler;
    final CallbackFailureHandler failures;
    /** Where late-record counters go; null when the host keeps no meters. */
    final MeterRegistry metrics;

    /** The input record being processed; null / -1 inside a scheduled callback. */
    String topic;
    int partition = -1;
    long offset = -1;
    long timestamp = -1;
    long streamTime = -1;
    /** Input records this task took, and records it wrote to sinks and repartition topics: read by meters, written here only. */
    long recordsIn;
    long recordsOut;

    TaskState(String appId, TaskId taskId, RecordCollector collector, LongSupplier wallClock, CallbackFailureHandler failures,
              MeterRegistry metrics) {
        this.appId = appId;
        this.taskId = taskId;
        this.collector = collector;
        this.wallClock = wallClock;
        this.failures = failures;
        this.metrics = metrics;
        this.scheduler = new TaskScheduler(this);
    }

    void enter(String topic, int partition, long offset, long timestamp) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        if (timestamp > streamTime) {
            streamTime = timestamp;
        }
    }

    void leave() {
        this.topic = null;
        this.partition = -1;
        this.offset = -1;
        this.timestamp = -1;
    }

    /** The current record's timestamp, or stream time inside a callback. */
    long eventTime() {
        return timestamp >= 0 ? timestamp : streamTime;
    }
}
