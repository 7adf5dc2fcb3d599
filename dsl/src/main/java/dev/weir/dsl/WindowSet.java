package dev.weir.dsl;

import java.time.Duration;

/**
 * The windows of one key of a {@link WindowedTable}, as Faust's {@code table[key]} on a windowed
 * table: pick a window by time. Values of windows without one are the table's default.
 */
public interface WindowSet<V> {

    /** The value of the (latest) window containing the current record's timestamp. */
    V current();

    /** The value of the (latest) window containing the task's wall-clock time. */
    V now();

    /** The value relative to the table's reference time: the current record's by default, see {@link WindowedTable#relativeToNow()}. */
    V value();

    /** The value of the window containing the reference time minus {@code delta}, e.g. the previous window. */
    V delta(Duration delta);

    /** The value of the window starting at {@code windowStart} (epoch millis). */
    V at(long windowStart);

    /**
     * Every window of the key the table holds a value for (not expired yet), earliest first, with
     * its value; windows the key never reached are not listed (their value is the default).
     */
    java.util.Map<Window, V> all();

    /** The windows of the key whose start lies between {@code fromStart} and {@code toStart} (both included), earliest first. */
    java.util.Map<Window, V> range(java.time.Instant fromStart, java.time.Instant toStart);
}
