package dev.weir.dsl;

import dev.weir.serdes.Serde;
import java.util.Objects;

/**
 * The name and the buffers of a stream-stream join ({@link Stream#join(Stream, JoinWindows,
 * java.util.function.BiFunction, StreamJoined)}): each side's records wait in a table of their own,
 * {@code <name>-left} and {@code <name>-right}, changelogged to {@code <app>-<name>-left-changelog}
 * and {@code <app>-<name>-right-changelog} (compacted and deleted by time) and restored when a task
 * moves. The name names that state: it must be a legal part of a topic name and must not change
 * once the app runs. The serdes default to the streams' own where those are known (a stream read
 * from a topic keeps its topic's serdes until an operation changes the type). Immutable.
 *
 * <pre>{@code
 * StreamJoined.<String, Order, Payment>as("order-payments")
 *         .withValueSerde(Serdes.json(Order.class))      // after a mapValues, say
 *         .withStore(TableOptions.inMemory());
 * }</pre>
 */
public final class StreamJoined<K, V, VO> {

    private final String name;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final Serde<VO> otherValueSerde;
    private final TableOptions store;

    private StreamJoined(String name, Serde<K> keySerde, Serde<V> valueSerde, Serde<VO> otherValueSerde, TableOptions store) {
        this.name = name;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.otherValueSerde = otherValueSerde;
        this.store = store;
    }

    /** A join named {@code name}, with the streams' serdes and RocksDB buffers. */
    public static <K, V, VO> StreamJoined<K, V, VO> as(String name) {
        return new StreamJoined<>(Names.requireLegal(name, "Join name"), null, null, null, TableOptions.defaults());
    }

    /** The serde of the keys both streams share. */
    public StreamJoined<K, V, VO> withKeySerde(Serde<K> serde) {
        return new StreamJoined<>(name, Objects.requireNonNull(serde, "key serde"), valueSerde, otherValueSerde, store);
    }

    /** The serde of this stream's values. */
    public StreamJoined<K, V, VO> withValueSerde(Serde<V> serde) {
        return new StreamJoined<>(name, keySerde, Objects.requireNonNull(serde, "value serde"), otherValueSerde, store);
    }

    /** The serde of the other stream's values. */
    public StreamJoined<K, V, VO> withOtherValueSerde(Serde<VO> serde) {
        return new StreamJoined<>(name, keySerde, valueSerde, Objects.requireNonNull(serde, "other value serde"), store);
    }

    /** Where both buffers live (RocksDB by default, or {@link TableOptions#inMemory()}). */
    public StreamJoined<K, V, VO> withStore(TableOptions options) {
        return new StreamJoined<>(name, keySerde, valueSerde, otherValueSerde, Objects.requireNonNull(options, "store options"));
    }

    public String name() {
        return name;
    }

    /** The key serde, or null for the stream's. */
    public Serde<K> keySerde() {
        return keySerde;
    }

    /** This stream's value serde, or null for the stream's. */
    public Serde<V> valueSerde() {
        return valueSerde;
    }

    /** The other stream's value serde, or null for that stream's. */
    public Serde<VO> otherValueSerde() {
        return otherValueSerde;
    }

    public TableOptions store() {
        return store;
    }
}
