package dev.weir.dsl;

import java.time.Duration;

/**
 * What a processor, agent or stream function can see and do besides its input record: where
 * the current record came from, the task's clocks, forwarding downstream, sending to any
 * topic (Faust's {@code topic.send}) and scheduling callbacks.
 *
 * @param <K> the key type this node forwards
 * @param <V> the value type this node forwards
 */
public interface ProcessorContext<K, V> {

    /** The application id (consumer group id, prefix of internal topics). */
    String appId();

    /** The task running this node, e.g. {@code 0_3} for sub-topology 0, partition 3. */
    String taskId();

    /** The name of the node this context belongs to. */
    String nodeName();

    /** The topic of the record being processed, or null inside a scheduled callback. */
    String topic();

    /** The partition of the record being processed, or -1 inside a scheduled callback. */
    int partition();

    /** The offset of the record being processed, or -1 inside a scheduled callback. */
    long offset();

    /** The highest record timestamp this task has seen (stream time), or -1 before the first record. */
    long currentStreamTime();

    /** The task's wall-clock time in epoch millis; the testkit controls it. */
    long currentWallClockTime();

    /** Sends {@code record} to every child of this node. */
    void forward(Record<? extends K, ? extends V> record);

    /**
     * Sends {@code record} to the child node named {@code childName} only.
     *
     * @throws IllegalArgumentException naming this node's children when there is no such child
     */
    void forward(Record<? extends K, ? extends V> record, String childName);

    /**
     * Sends a record to {@code topic} with the topic's serdes, outside the topology's edges,
     * as Faust's {@code topic.send(key=..., value=...)}. The record keeps the current
     * record's timestamp and a copy of its headers (wall-clock time inside a callback).
     */
    <K2, V2> void send(Topic<K2, V2> topic, K2 key, V2 value);

    /** Sends {@code record} to {@code topic} with the topic's serdes. */
    <K2, V2> void send(Topic<K2, V2> topic, Record<K2, V2> record);

    /**
     * Calls {@code punctuator} every {@code interval} of wall-clock time, first one interval
     * from now. Missed calls are not replayed: after a long pause it runs once.
     *
     * @throws IllegalArgumentException when the interval is shorter than 1 ms
     */
    Cancellable schedule(Duration interval, Punctuator punctuator);
}
