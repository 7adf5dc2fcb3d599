package dev.weir.dsl.spi;

import dev.weir.dsl.Table;

/**
 * How a {@link Table}'s methods reach the store of the task running on the current thread.
 * The runtime binds one per task while it processes a record or runs a callback
 * ({@link #bind}); application code never implements or calls this.
 */
public interface TableAccess {

    /** The stored value, or null. */
    <K, V> V get(Table<K, V> table, K key);

    <K, V> void put(Table<K, V> table, K key, V value);

    <K, V> void delete(Table<K, V> table, K key);

    /** The value of {@code key} in the window starting at {@code windowStart} of a windowed table, or null. */
    <K, V> V getWindow(Table<K, V> table, K key, long windowStart);

    /** Sets the value of {@code key} in the window starting at {@code windowStart}. */
    <K, V> void putWindow(Table<K, V> table, K key, long windowStart, V value);

    /** The windows of {@code key} whose start lies in {@code [fromStart, toStart]} and that hold a value, earliest first. */
    <K, V> java.util.Map<dev.weir.dsl.Window, V> windows(Table<K, V> table, K key, long fromStart, long toStart);

    /** The timestamp of the record being processed (stream time inside a callback). */
    long eventTime();

    /** The task's stream time: the highest record timestamp it has seen. */
    long streamTime();

    /** The task's wall-clock time. */
    long wallClockTime();

    /** Binds {@code access} to the current thread; returns what was bound before (restore it after). */
    static TableAccess bind(TableAccess access) {
        TableAccess previous = Holder.CURRENT.get();
        // set(null) rather than remove(): the runtime binds and unbinds around every record, and a
        // removed entry is allocated again at the next bind.
        Holder.CURRENT.set(access);
        return previous;
    }

    /** What is bound to the current thread, or null. */
    static TableAccess current() {
        return Holder.CURRENT.get();
    }

    /** Keeps the thread-local out of the interface's public constants. */
    final class Holder {
        private static final ThreadLocal<TableAccess> CURRENT = new ThreadLocal<>();

        private Holder() {
        }
    }
}
