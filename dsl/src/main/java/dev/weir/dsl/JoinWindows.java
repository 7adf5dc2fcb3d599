package dev.weir.dsl;

import java.time.Duration;
import java.util.Objects;

/**
 * Which records of two streams a windowed join pairs, as Kafka Streams' {@code JoinWindows}: a
 * record of this stream at time {@code t} joins every record of the other stream with the same
 * key and a timestamp in {@code [t - before, t + after]} (by default both are the time
 * difference given to {@link #of}). Times are event times (record timestamps).
 *
 * <p>Records arrive out of order. The join's stream time {@code T} is the highest timestamp either
 * side has seen. A record at {@code t} still joins with everything it would have joined in order
 * unless its window towards the other side closed, {@code t + after + grace < T} ({@code before}
 * for the other stream's records); then it is late, dropped and counted in
 * {@code weir.records.late.dropped}. Every record waits in its side's buffer until
 * {@code T > t + before + after + grace}, when no partner can still arrive: only then does a left
 * or outer join forward a record that found none, so that result is final. Immutable.
 *
 * <pre>{@code
 * JoinWindows.of(Duration.ofMinutes(5)).grace(Duration.ofSeconds(30))   // |t1 - t2| <= 5 min, 30 s late accepted
 * JoinWindows.of(Duration.ZERO).after(Duration.ofHours(1))              // the other record up to 1 h after this one
 * }</pre>
 */
public final class JoinWindows {

    private final long before;
    private final long after;
    private final long grace;

    private JoinWindows(long before, long after, long grace) {
        this.before = before;
        this.after = after;
        this.grace = grace;
    }

    /** Records join when their timestamps differ by at most {@code difference}, either way; no grace. */
    public static JoinWindows of(Duration difference) {
        long d = nonNegative(difference, "join window difference");
        return new JoinWindows(d, d, 0);
    }

    /** How much earlier than this stream's record the other stream's record may be. */
    public JoinWindows before(Duration before) {
        return new JoinWindows(nonNegative(before, "join window before"), after, grace);
    }

    /** How much later than this stream's record the other stream's record may be. */
    public JoinWindows after(Duration after) {
        return new JoinWindows(before, nonNegative(after, "join window after"), grace);
    }

    /** How far behind the join's stream time a record may arrive and still join (default 0). */
    public JoinWindows grace(Duration grace) {
        return new JoinWindows(before, after, nonNegative(grace, "join grace"));
    }

    private static long nonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
        return d.toMillis();
    }

    /** In milliseconds: how much earlier the other stream's record may be. */
    public long beforeMs() {
        return before;
    }

    /** In milliseconds: how much later the other stream's record may be. */
    public long afterMs() {
        return after;
    }

    /** In milliseconds: how late a record may arrive. */
    public long graceMs() {
        return grace;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JoinWindows w && w.before == before && w.after == after && w.grace == grace;
    }

    @Override
    public int hashCode() {
        return Objects.hash(before, after, grace);
    }

    @Override
    public String toString() {
        return "JoinWindows{before " + Duration.ofMillis(before) + ", after " + Duration.ofMillis(after) + ", grace "
                + Duration.ofMillis(grace) + "}";
    }
}
