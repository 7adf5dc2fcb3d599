package dev.weir.dsl;

import dev.weir.serdes.Headers;
import java.util.Objects;

/**
 * One event as it flows between nodes: key, value, event-time timestamp (epoch milliseconds)
 * and headers. Records are immutable apart from their headers; derive new ones with the
 * {@code with*} methods.
 *
 * <p>The topic, partition and offset the event was read from are on the
 * {@link ProcessorContext}, not on the record, because records built by a processor have none.
 */
public record Record<K, V>(K key, V value, long timestamp, Headers headers) {

    public Record {
        Objects.requireNonNull(headers, "headers (use Headers.create() for none)");
        if (timestamp < 0) {
            throw new IllegalArgumentException("Record timestamp must be >= 0 (epoch millis), got " + timestamp);
        }
    }

    /** A record with empty headers. */
    public Record(K key, V value, long timestamp) {
        this(key, value, timestamp, Headers.create());
    }

    public <K2> Record<K2, V> withKey(K2 newKey) {
        return new Record<>(newKey, value, timestamp, headers);
    }

    public <V2> Record<K, V2> withValue(V2 newValue) {
        return new Record<>(key, newValue, timestamp, headers);
    }

    public Record<K, V> withTimestamp(long newTimestamp) {
        return new Record<>(key, value, newTimestamp, headers);
    }

    public Record<K, V> withHeaders(Headers newHeaders) {
        return new Record<>(key, value, timestamp, newHeaders);
    }
}
