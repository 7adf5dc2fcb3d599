package dev.weir.dsl;

import dev.weir.serdes.Serde;
import java.util.Objects;

/**
 * A Kafka topic with the serdes of its keys and values, as Faust's {@code app.topic(...)}.
 * Declare topics with {@link App#topic}; the same instance is used to read
 * ({@link App#stream}), write ({@link Stream#to}) and in tests
 * ({@code driver.input(topic)}).
 *
 * <p>Immutable. Topics are equal when their names are equal.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class Topic<K, V> {

    private final String name;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final TopicOptions options;
    private final boolean internal;

    private Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, TopicOptions options, boolean internal) {
        this.name = Names.requireTopicName(name);
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.options = Objects.requireNonNull(options, "options");
        this.internal = internal;
    }

    /**
     * A topic outside any app; prefer {@link App#topic}, which also checks that one name is
     * not declared twice with different serdes.
     *
     * @throws IllegalArgumentException when the name is not a legal Kafka topic name
     */
    public static <K, V> Topic<K, V> of(String name, Serde<K> keySerde, Serde<V> valueSerde, TopicOptions options) {
        return new Topic<>(name, keySerde, valueSerde, options, false);
    }

    /**
     * A topic Weir manages for an app (repartition and changelog topics); the runtime creates
     * it and may delete it when the app is reset. Not for application code.
     */
    public static <K, V> Topic<K, V> internal(String name, Serde<K> keySerde, Serde<V> valueSerde, TopicOptions options) {
        return new Topic<>(name, keySerde, valueSerde, options, true);
    }

    public String name() {
        return name;
    }

    /** The key serde; null only while a topology is being validated (reported as an error). */
    public Serde<K> keySerde() {
        return keySerde;
    }

    /** The value serde; null only while a topology is being validated (reported as an error). */
    public Serde<V> valueSerde() {
        return valueSerde;
    }

    public TopicOptions options() {
        return options;
    }

    /** Whether Weir owns this topic (repartition, changelog). */
    public boolean isInternal() {
        return internal;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topic<?, ?> t && name.equals(t.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "Topic{" + name + ", key: " + describe(keySerde) + ", value: " + describe(valueSerde) + "}";
    }

    static String describe(Serde<?> serde) {
        return serde == null ? "<no serde>" : serde.describe();
    }
}
