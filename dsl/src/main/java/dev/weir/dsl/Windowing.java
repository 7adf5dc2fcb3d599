package dev.weir.dsl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The windows of a {@link WindowedTable}: their size and step (equal for tumbling windows),
 * how late a record may arrive (grace) and how long a window is kept after it ends (expires).
 * All durations are of event time, measured against the task's stream time (the highest record
 * timestamp it has seen), never the wall clock. Immutable.
 */
public final class Windowing {

    private final long size;
    private final long step;
    private final long grace;
    private final long expires;
    private final WindowCloseHandler<Object, Object> onClose;
    private final boolean emitFinal;

    Windowing(long size, long step, long grace, long expires, WindowCloseHandler<Object, Object> onClose, boolean emitFinal) {
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
        return new Windowing(s, st, 0, 0, null, false);
    }

    static long requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException(what + " must be at least 1 ms, got " + d);
        }
        return d.toMillis();
    }

    Windowing withGrace(long g) {
        return new Windowing(size, step, g, Math.max(expires, g), onClose, emitFinal);
    }

    Windowing withExpires(long e) {
        if (e < grace) {
            throw new IllegalArgumentException("expires (" + Duration.ofMillis(e) + ") must not be shorter than the grace period ("
                    + Duration.ofMillis(grace) + "): a window must be kept while late records may still change it");
        }
        return new Windowing(size, step, grace, e, onClose, emitFinal);
    }

    @SuppressWarnings("unchecked")
    Windowing withOnClose(WindowCloseHandler<?, ?> handler) {
        return new Windowing(size, step, grace, expires, (WindowCloseHandler<Object, Object>) handler, emitFinal);
    }

    Windowing withEmitFinal() {
        return new Windowing(size, step, grace, expires, onClose, true);
    }

    /** Whether aggregates into the table emit one record per window when it closes, and nothing before. */
    public boolean emitFinal() {
        return emitFinal;
    }

    /** Window size in milliseconds. */
    public long size() {
        return size;
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
        return step == size;
    }

    /** The start of the latest window containing {@code timestamp}. */
    public long latestStart(long timestamp) {
        return Math.floorDiv(timestamp, step) * step;
    }

    /** Every window containing {@code timestamp}, earliest first (one for tumbling windows). */
    public List<Window> windowsFor(long timestamp) {
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
        return (tumbling() ? "tumbling(" + Duration.ofMillis(size) : "hopping(" + Duration.ofMillis(size) + ", " + Duration.ofMillis(step))
                + ", grace " + Duration.ofMillis(grace) + ", expires " + Duration.ofMillis(expires) + (emitFinal ? ", emit final" : "") + ")";
    }
}
