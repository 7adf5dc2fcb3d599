package dev.weir.testkit;

import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Headers;
import java.time.Instant;
import java.util.Objects;

/**
 * Sends records to one topic of a {@link TestDriver}, serialized with the topic's serdes.
 * Records without a timestamp get the driver's wall-clock time. Each send processes the
 * record (and what it causes) before it returns.
 */
public final class TestInput<K, V> {

    private final TestDriver driver;
    private final Topic<K, V> topic;

    TestInput(TestDriver driver, Topic<K, V> topic) {
        this.driver = driver;
        this.topic = topic;
    }

    public TestInput<K, V> send(K key, V value) {
        return send(key, value, driver.wallClock(), Headers.create());
    }

    public TestInput<K, V> send(K key, V value, Instant timestamp) {
        return send(key, value, timestamp.toEpochMilli(), Headers.create());
    }

    public TestInput<K, V> send(K key, V value, long timestamp) {
        return send(key, value, timestamp, Headers.create());
    }

    /** Sends with a timestamp (epoch millis) and headers. */
    public TestInput<K, V> send(K key, V value, long timestamp, Headers headers) {
        Objects.requireNonNull(headers, "headers");
        byte[] k = topic.keySerde().serialize(topic.name(), headers, key);
        byte[] v = topic.valueSerde().serialize(topic.name(), headers, value);
        driver.append(topic.name(), -1, k, v, timestamp, headers);
        return this;
    }

    /** Sends a value with a null key (spread round-robin over partitions). */
    public TestInput<K, V> sendValue(V value) {
        return send(null, value);
    }

    /** Sends each pair in order. */
    public TestInput<K, V> sendAll(Iterable<KeyValue<K, V>> records) {
        for (KeyValue<K, V> kv : records) {
            send(kv.key(), kv.value());
        }
        return this;
    }

    /**
     * Sends bytes as they are, bypassing the serdes: the way to feed malformed input. The
     * partition is chosen from the key bytes, as Kafka's producer would.
     */
    public TestInput<K, V> sendRaw(byte[] key, byte[] value) {
        driver.append(topic.name(), -1, key, value, driver.wallClock(), Headers.create());
        return this;
    }

    /** Sends to an explicit partition. */
    public TestInput<K, V> sendToPartition(int partition, K key, V value) {
        Headers headers = Headers.create();
        byte[] k = topic.keySerde().serialize(topic.name(), headers, key);
        byte[] v = topic.valueSerde().serialize(topic.name(), headers, value);
        driver.append(topic.name(), partition, k, v, driver.wallClock(), headers);
        return this;
    }
}
