package dev.weir.testkit;

import dev.weir.dsl.Table;
import dev.weir.runtime.engine.PartitionTask;
import java.util.function.Function;

/**
 * Reads one table of a {@link TestDriver} by key, from the task that holds the key's partition.
 * Returns what the table holds now, changes not yet committed included.
 */
public final class TableReader<K, V> {

    private final Table<K, V> table;
    private final Function<K, PartitionTask> taskOf;

    TableReader(Table<K, V> table, Function<K, PartitionTask> taskOf) {
        this.table = table;
        this.taskOf = taskOf;
    }

    /** The stored value of {@code key}, or null (the table's default value is not applied). */
    @SuppressWarnings("unchecked")
    public V get(K key) {
        return (V) taskOf.apply(key).tableValue(table.name(), key);
    }

    /** The stored value of {@code key}, or the table's default value. */
    public V getOrDefault(K key) {
        V v = get(key);
        return v == null ? table.defaultValue() : v;
    }

    /**
     * The value of {@code key} in the window of a windowed table that starts at {@code windowStart}
     * (epoch millis), or null when the window has none or expired.
     */
    @SuppressWarnings("unchecked")
    public V window(K key, long windowStart) {
        return (V) taskOf.apply(key).tableWindowValue(table.name(), key, windowStart);
    }

    /** Every window of {@code key} a windowed table holds a value for (not expired), earliest first. */
    public java.util.Map<dev.weir.dsl.Window, V> windows(K key) {
        return windows(key, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** The windows of {@code key} whose start lies between {@code fromStart} and {@code toStart} (both included), earliest first. */
    public java.util.Map<dev.weir.dsl.Window, V> windows(K key, java.time.Instant fromStart, java.time.Instant toStart) {
        return windows(key, fromStart.toEpochMilli(), toStart.toEpochMilli());
    }

    @SuppressWarnings("unchecked")
    private java.util.Map<dev.weir.dsl.Window, V> windows(K key, long fromStart, long toStart) {
        return (java.util.Map<dev.weir.dsl.Window, V>) (java.util.Map<?, ?>) taskOf.apply(key).tableWindows(table.name(), key,
                fromStart, toStart);
    }

    /** Which task holds {@code key}, e.g. {@code 1_3}. */
    public String taskOf(K key) {
        return taskOf.apply(key).id().toString();
    }
}
