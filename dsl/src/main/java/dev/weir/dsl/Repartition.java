package dev.weir.dsl;

import dev.weir.serdes.Serde;

/**
 * Options of {@link Stream#groupBy(java.util.function.Function, Repartition)}: the name (which
 * names the internal topic {@code <app>-<name>-repartition}), the serdes used on that topic
 * and its partition count. Immutable.
 *
 * <pre>{@code
 * stream.groupBy(Order::customer, Repartition.<String, Order>as("by-customer")
 *         .withKeySerde(Serdes.string()).withPartitions(8));
 * }</pre>
 */
public final class Repartition<K, V> {

    private final String name;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final Integer partitions;

    private Repartition(String name, Serde<K> keySerde, Serde<V> valueSerde, Integer partitions) {
        this.name = name;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.partitions = partitions;
    }

    /**
     * Options named {@code name}; the name must be a legal part of a Kafka topic name and
     * should not change once the app runs (it names the repartition topic).
     */
    public static <K, V> Repartition<K, V> as(String name) {
        return new Repartition<>(Names.requireLegal(name, "Repartition name"), null, null, null);
    }

    /** The serde of the new keys; needed because the key function's type is not known at run time. */
    public Repartition<K, V> withKeySerde(Serde<K> serde) {
        return new Repartition<>(name, java.util.Objects.requireNonNull(serde, "key serde"), valueSerde, partitions);
    }

    /** The serde of the values; defaults to the stream's value serde when that is known. */
    public Repartition<K, V> withValueSerde(Serde<V> serde) {
        return new Repartition<>(name, keySerde, java.util.Objects.requireNonNull(serde, "value serde"), partitions);
    }

    /** The partition count of the repartition topic; defaults to the upstream source topics' count. */
    public Repartition<K, V> withPartitions(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("Repartition \"" + name + "\" needs at least 1 partition, got " + count);
        }
        return new Repartition<>(name, keySerde, valueSerde, count);
    }

    public String name() {
        return name;
    }

    public Serde<K> keySerde() {
        return keySerde;
    }

    public Serde<V> valueSerde() {
        return valueSerde;
    }

    /** The partition count, or null for the default. */
    public Integer partitions() {
        return partitions;
    }
}
