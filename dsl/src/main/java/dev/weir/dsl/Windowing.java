package dev.weir.dsl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The windows of a {@link WindowedTable}: tumbling or hopping windows of a fixed size on a grid,
 * sliding windows (one per record, spanning a time difference, as Kafka Streams'
 * {@code SlidingWindows}) or session windows (a key's records with no gap longer than the
 * inactivity gap, as {@code SessionWindows}); how late a record may arrive (grace) and how long
 * a window is kept after it closes or ends (expires). All durations are of event time, measured
 * against the table's event time (the highest record timestamp it has seen), never the wall
 * clock. Immutable.
 */
public final class Windowing {

    /** How windows are laid out in time. */
    public enum Kind {
        /** Tumbling or hopping windows of {@link #size()} starting every {@link #step()}, aligned to the epoch. */
        FIXED,
        /**
         * Sliding windows: for each record at {@code t} the window {@code [t - difference, t]} ending at it, and for
         * each record a window starting just after it ({@code [t + 1, t + 1 + difference]}) once a later record falls in
         * it, so every distinct set of a key's records within {@code difference} of each other has its window (windows
         * of records earlier than {@code difference} start at 0).
         */
        SLIDING,
        /**
         * Session windows: a key's records whose successive times differ by at most {@link #gap()} form one session
         * {@code [first, last]}; a record that bridges two sessions merges them.
         */
        SESSION
    }

    private final Kind kind;
    private final long size;
    private final long step;
    private final long grace;
    private final long expires;
    private final WindowCloseHandler<Object, Object> onClose;
    private final boolean emitFinal;

    private Windowing(Kind kind, long size, long step, long grace, long expires, WindowCloseHandler<Object, Object> onClose,
                      boolean emitFinal) {
        this.kind = kind;
        this.emitFinal = emitFinal;
        this.size = size;
        this.step = step;
        this.grace = grace;
        this.expires = expires;
        this.onClose = onClose;
    }

    static Windowing of(Duration size, Duration step) {
        long s = requirePositive(size, "window size");
        long st = requirePositive(step, "window step");
        if (st > s) {
            throw new IllegalArgumentException("A hopping window's step (" + step + ") must not exceed its size (" + size + ")");
        }
        return new Windowing(Kind.FIXED, s, st, 0, 0, null, false);
    }

    /** Sliding windows of {@code difference}: each spans {@code difference + 1} ms, both ends included. */
    static Windowing sliding(Duration difference) {
        long d = requirePositive(difference, "sliding window difference");
        return new Windowing(Kind.SLIDING, d + 1, 1, 0, 0, null, false);
    }

    /** Session windows with an inactivity gap. */
    static Windowing session(Duration gap) {
        long g = requirePositive(gap, "session inactivity gap");
        return new Windowing(Kind.SESSION, g, 1, 0, 0, null, false);
    }

    static long requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException(what + " must be at least 1 ms, got " + d);
        }
        return d.toMillis();
    }

    Windowing withGrace(long g) {
        return new Windowing(kind, size, step, g, Math.max(expires, g), onClose, emitFinal);
    }

    Windowing withExpires(long e) {
        if (e < grace) {
            throw new IllegalArgumentException("expires (" + Duration.ofMillis(e) + ") must not be shorter than the grace period ("
                    + Duration.ofMillis(grace) + "): a window must be kept while late records may still change it");
        }
        return new Windowing(kind, size, step, grace, e, onClose, emitFinal);
    }

    @SuppressWarnings("unchecked")
    Windowing withOnClose(WindowCloseHandler<?, ?> handler) {
        return new Windowing(kind, size, step, grace, expires, (WindowCloseHandler<Object, Object>) handler, emitFinal);
    }

    Windowing withEmitFinal() {
        return new Windowing(kind, size, step, grace, expires, onClose, true);
    }

    /** Whether aggregates into the table emit one record per window when it closes, and nothing before. */
    public boolean emitFinal() {
        return emitFinal;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Window size in milliseconds: of every window ({@code end - start}) for fixed windows, and
     * {@code difference + 1} for sliding ones; for sessions, whose sizes vary, the gap.
     */
    public long size() {
        return size;
    }

    /** A sliding window's time difference in milliseconds. @throws IllegalStateException for other kinds */
    public long difference() {
        require(Kind.SLIDING, "a time difference");
        return size - 1;
    }

    /** A session's inactivity gap in milliseconds. @throws IllegalStateException for other kinds */
    public long gap() {
        require(Kind.SESSION, "an inactivity gap");
        return size;
    }

    /**
     * How long after its anchor (the start of a fixed or sliding window, the last record of a
     * session) a window closes before grace counts: {@code size} for fixed and sliding windows
     * (their end), {@code gap + 1} for sessions (no record within the gap can join it any more).
     */
    public long closeAfter() {
        return kind == Kind.SESSION ? size + 1 : size;
    }

    private void require(Kind k, String what) {
        if (kind != k) {
            throw new IllegalStateException(this + " has no " + what);
        }
    }

    private void requireFixed(String what) {
        if (kind != Kind.FIXED) {
            throw new IllegalStateException(what + " needs tumbling or hopping windows; " + this + " has no window at a given"
                    + " time (its windows depend on the records): read them with all() or range(from, to)");
        }
    }

    /** Distance between window starts in milliseconds; equals {@link #size()} for tumbling windows. */
    public long step() {
        return step;
    }

    /** How long after a window's end records for it are still accepted, in milliseconds. */
    public long grace() {
        return grace;
    }

    /** How long after a window's end it is kept in the table (and readable), in milliseconds; at least the grace. */
    public long expires() {
        return expires;
    }

    /** The close callback, or null. */
    public WindowCloseHandler<Object, Object> onClose() {
        return onClose;
    }

    /** Whether windows tumble (do not overlap). */
    public boolean tumbling() {
        return kind == Kind.FIXED && step == size;
    }

    /** The start of the latest window containing {@code timestamp}. @throws IllegalStateException for sliding and session windows */
    public long latestStart(long timestamp) {
        requireFixed("The window of a time");
        return Math.floorDiv(timestamp, step) * step;
    }

    /** Every window containing {@code timestamp}, earliest first (one for tumbling windows). */
    public List<Window> windowsFor(long timestamp) {
        requireFixed("The windows of a time");
        List<Window> out = new ArrayList<>();
        long latest = latestStart(timestamp);
        for (long start = latest - ((size - 1) / step) * step; start <= latest; start += step) {
            if (timestamp >= start && timestamp < start + size && start >= 0) {
                out.add(new Window(start, start + size));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        String layout = switch (kind) {
            case FIXED -> tumbling() ? "tumbling(" + Duration.ofMillis(size) : "hopping(" + Duration.ofMillis(size) + ", "
                    + Duration.ofMillis(step);
            case SLIDING -> "sliding(" + Duration.ofMillis(size - 1);
            case SESSION -> "session(gap " + Duration.ofMillis(size);
        };
        return layout + ", grace " + Duration.ofMillis(grace) + ", expires " + Duration.ofMillis(expires) + (emitFinal ? ", emit final" : "") + ")";
    }
}
