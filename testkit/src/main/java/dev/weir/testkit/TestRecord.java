package dev.weir.testkit;

import dev.weir.serdes.Headers;

/**
 * A record read from (or written to) an in-memory topic, with where it landed.
 *
 * @param topic     the topic
 * @param partition the partition Kafka's default partitioner chose (murmur2 of the key bytes)
 * @param offset    the offset within that partition
 */
public record TestRecord<K, V>(String topic, int partition, long offset, K key, V value, long timestamp, Headers headers) {
}
