package dev.weir.runtime.engine;

import dev.weir.serdes.Headers;

/**
 * Where a task's output goes: the Kafka producer in a worker, in-memory topics in the
 * testkit. With partition -1 the collector places the record as Kafka's default partitioner
 * does (murmur2 of the key bytes), so a repartition topic spreads keys the same way in both.
 */
public interface RecordCollector {

    /**
     * Where an output record comes from: the node that sends it and the input record the task is
     * processing. Read during {@link #send}; a collector that reports a failure later copies what
     * it needs.
     */
    interface Origin {

        /** The node that sends the record (a sink, a repartition, a processor, a table's changelog). */
        String node();

        /** The topic of the input record being processed, or null in a callback or a commit. */
        String inputTopic();

        /** The partition of the input record, or -1. */
        int inputPartition();

        /** The offset of the input record, or -1. */
        long inputOffset();
    }

    /**
     * Sends one serialized record to {@code partition}, or to the partition the default
     * partitioner picks when it is -1 (changelogs name their task's partition). Implementations
     * may buffer; the host makes everything sent durable before it commits input offsets.
     *
     * @throws RecordProcessingException with stage {@link RecordProcessingException.Stage#PRODUCTION}
     *                                   when the record can never be written (larger than the
     *                                   producer may send); the input record is then a bad record
     */
    void send(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers, Origin origin);
}
