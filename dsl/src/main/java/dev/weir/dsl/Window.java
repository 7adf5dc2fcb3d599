package dev.weir.dsl;

import java.time.Instant;

/**
 * A time window of a windowed table: from {@code start} (inclusive) to {@code end}
 * (exclusive), both in epoch milliseconds of event time.
 */
public record Window(long start, long end) {

    public Window {
        if (end <= start) {
            throw new IllegalArgumentException("A window must end after it starts, got [" + start + ", " + end + ")");
        }
    }

    /** Whether {@code timestamp} falls in this window. */
    public boolean contains(long timestamp) {
        return timestamp >= start && timestamp < end;
    }

    @Override
    public String toString() {
        return "[" + Instant.ofEpochMilli(start) + ", " + Instant.ofEpochMilli(end) + ")";
    }
}
