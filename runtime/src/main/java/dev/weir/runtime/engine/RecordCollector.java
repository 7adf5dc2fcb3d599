package dev.weir.runtime.engine;

import dev.weir.serdes.Headers;

/**
 * Where a task's output goes: the Kafka producer in a worker, in-memory topics in the
 * testkit. The collector chooses the partition as Kafka's default partitioner does (murmur2
 * of the key bytes), so a repartition topic spreads keys the same way in both.
 */
public interface RecordCollector {

    /**
     * Sends one serialized record to the partition the default partitioner picks. Implementations
     * may buffer; the host flushes before it commits input offsets.
     */
    default void send(String topic, byte[] key, byte[] value, long timestamp, Headers headers) {
        send(topic, -1, key, value, timestamp, headers);
    }

    /**
     * Sends one serialized record to {@code partition}, or to the partition the default
     * partitioner picks when it is -1 (changelogs name their task's partition).
     */
    void send(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers);
}
