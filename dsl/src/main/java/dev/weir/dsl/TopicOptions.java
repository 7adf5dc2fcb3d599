package dev.weir.dsl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * How Weir creates a topic that does not exist yet: its partition count and topic-level
 * configs. Immutable; each method returns a new instance.
 *
 * <pre>{@code
 * app.topic("orders", Serdes.string(), Serdes.json(Order.class), TopicOptions.partitions(4));
 * }</pre>
 */
public final class TopicOptions {

    private static final TopicOptions DEFAULTS = new TopicOptions(OptionalInt.empty(), Map.of());

    private final OptionalInt partitions;
    private final Map<String, String> configs;

    private TopicOptions(OptionalInt partitions, Map<String, String> configs) {
        this.partitions = partitions;
        this.configs = configs;
    }

    /** No partition count (the broker's or the source's) and no configs. */
    public static TopicOptions defaults() {
        return DEFAULTS;
    }

    /** Options with this partition count. */
    public static TopicOptions partitions(int partitions) {
        return DEFAULTS.withPartitions(partitions);
    }

    /** A copy with this partition count. @throws IllegalArgumentException when not positive */
    public TopicOptions withPartitions(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("A topic needs at least 1 partition, got " + count);
        }
        return new TopicOptions(OptionalInt.of(count), configs);
    }

    /** A copy with one more topic-level config, e.g. {@code config("retention.ms", "86400000")}. */
    public TopicOptions config(String key, String value) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("Topic config key must not be blank");
        }
        Map<String, String> copy = new LinkedHashMap<>(configs);
        copy.put(key, value);
        return new TopicOptions(partitions, Collections.unmodifiableMap(copy));
    }

    public OptionalInt partitionCount() {
        return partitions;
    }

    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicOptions t && partitions.equals(t.partitions) && configs.equals(t.configs);
    }

    @Override
    public int hashCode() {
        return 31 * partitions.hashCode() + configs.hashCode();
    }

    @Override
    public String toString() {
        return "TopicOptions{partitions=" + (partitions.isPresent() ? partitions.getAsInt() : "default")
                + ", configs=" + configs + "}";
    }
}
