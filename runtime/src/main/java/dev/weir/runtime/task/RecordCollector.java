package dev.weir.runtime.task;

import dev.weir.serdes.Headers;

/**
 * Where a task's output goes: the Kafka producer in a worker, in-memory topics in the
 * testkit. The collector chooses the partition as Kafka's default partitioner does (murmur2
 * of the key bytes), so a repartition topic spreads keys the same way in both.
 */
@FunctionalInterface
public interface RecordCollector {

    /**
     * Sends one serialized record. Implementations may buffer; the host flushes before it
     * commits input offsets.
     */
    void send(String topic, byte[] key, byte[] value, long timestamp, Headers headers);
}
