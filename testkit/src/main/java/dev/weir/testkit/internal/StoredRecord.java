package dev.weir.testkit.internal;

import dev.weir.serdes.Headers;

/** A record as the in-memory broker keeps it: bytes, like Kafka. */
public record StoredRecord(String topic, int partition, long offset, long timestamp, Headers headers, byte[] key, byte[] value) {
}
