package dev.weir.dsl;

import dev.weir.dsl.spi.TableAccess;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A table whose values are kept per key and time window, as Faust's
 * {@code app.table(...).tumbling(...)} / {@code .hopping(...)}. Build one from a table and keep
 * it in a variable; every call returns a new, immutable instance.
 *
 * <pre>{@code
 * WindowedTable<String, Long> perMinute = app.table("clicks-per-minute", Serdes.string(), Serdes.longs(), 0L)
 *         .tumbling(Duration.ofMinutes(1))
 *         .grace(Duration.ofSeconds(10))         // late records accepted this long after a window ends
 *         .expires(Duration.ofHours(1))          // windows kept this long after they end
 *         .onWindowClose((uri, window, count) -> log.info("{} {} {}", uri, window, count));
 * app.stream(clicks).groupBy(ClickEvent::uri, Serdes.string(), "by-uri").count(perMinute);
 * }</pre>
 *
 * <p>Windows follow event time (record timestamps; set them from a field with
 * {@link Stream#withTimestamps}) and the task's stream time, never the wall clock: a window
 * closes when stream time passes its end plus the grace period, and is removed from the store
 * (and its changelog) when stream time passes its end plus {@code expires}.
 */
public final class WindowedTable<K, V> implements TableHandle {

    /** What {@link WindowSet#value()} is relative to. */
    public enum RelativeTo {
        /** The current record's timestamp (the default). */
        EVENT,
        /** The task's stream time. */
        STREAM,
        /** The task's wall clock. */
        NOW
    }

    private final Table<K, V> table;
    private final Windowing windowing;
    private final RelativeTo relativeTo;

    WindowedTable(Table<K, V> table, Windowing windowing, RelativeTo relativeTo) {
        this.table = table;
        this.windowing = windowing;
        this.relativeTo = relativeTo;
    }

    /** The windowed table as the topology sees it (name, serdes, default, changelog). */
    @Override
    public Table<K, V> table() {
        return table;
    }

    public Windowing windowing() {
        return windowing;
    }

    public RelativeTo relativeTo() {
        return relativeTo;
    }

    /** Accept records this long after their window ended (default 0). */
    public WindowedTable<K, V> grace(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        return with(windowing.withGrace(grace.toMillis()), relativeTo);
    }

    /** Keep windows this long after they end (default: the grace period). */
    public WindowedTable<K, V> expires(Duration expires) {
        Objects.requireNonNull(expires, "expires");
        return with(windowing.withExpires(expires.toMillis()), relativeTo);
    }

    /** Call {@code callback} with each window's final value once it closes. */
    public WindowedTable<K, V> onWindowClose(WindowCloseCallback<K, V> callback) {
        Objects.requireNonNull(callback, "callback");
        WindowCloseHandler<K, V> handler = (key, window, value, context) -> callback.onWindowClose(key, window, value);
        return with(windowing.withOnClose(handler), relativeTo);
    }

    /**
     * Call {@code handler} with each window's final value once it closes, and a context that
     * sends records: {@code .onWindowClose((uri, window, count, ctx) -> ctx.send(alerts, uri, count))}.
     */
    public WindowedTable<K, V> onWindowClose(WindowCloseHandler<K, V> handler) {
        Objects.requireNonNull(handler, "handler");
        return with(windowing.withOnClose(handler), relativeTo);
    }

    /**
     * Kafka Streams' emit-final: the aggregates into this table ({@code count}, {@code sum},
     * {@code reduce}, {@code aggregate}) forward one record per key and window when the window
     * closes (its end plus the grace period passed, by the table's event-time clock), with the
     * window's final value, and nothing before. The record's key is the {@link Windowed} key, its
     * timestamp the window's last millisecond. Closed windows are changelogged, so a restarted or
     * moved task does not emit them again (at-least-once: a crash between the emit and its commit
     * may emit a window twice; exactly-once: exactly once).
     */
    public WindowedTable<K, V> emitFinal() {
        return with(windowing.withEmitFinal(), relativeTo);
    }

    /** Make {@link WindowSet#value()} use the wall clock, as Faust's {@code relative_to_now()}. */
    public WindowedTable<K, V> relativeToNow() {
        return with(windowing, RelativeTo.NOW);
    }

    /** Make {@link WindowSet#value()} use the stream time, as Faust's {@code relative_to_stream()}. */
    public WindowedTable<K, V> relativeToStream() {
        return with(windowing, RelativeTo.STREAM);
    }

    private WindowedTable<K, V> with(Windowing w, RelativeTo r) {
        return new WindowedTable<>(table.withWindowing(w), w, r);
    }

    /** The windows of {@code key}, inside a running task (an agent or processor that declares this table). */
    public WindowSet<V> get(K key) {
        TableAccess access = table.access();
        return new WindowSet<>() {
            @Override
            public V current() {
                return at(windowing.latestStart(access.eventTime()));
            }

            @Override
            public V now() {
                return at(windowing.latestStart(access.wallClockTime()));
            }

            @Override
            public V value() {
                return at(windowing.latestStart(reference()));
            }

            @Override
            public V delta(Duration delta) {
                return at(windowing.latestStart(reference() - delta.toMillis()));
            }

            @Override
            public V at(long windowStart) {
                V v = access.getWindow(table, key, windowStart);
                return v == null ? table.defaultValue() : v;
            }

            @Override
            public java.util.Map<Window, V> all() {
                return access.windows(table, key, Long.MIN_VALUE, Long.MAX_VALUE);
            }

            @Override
            public java.util.Map<Window, V> range(java.time.Instant fromStart, java.time.Instant toStart) {
                return access.windows(table, key, fromStart.toEpochMilli(), toStart.toEpochMilli());
            }

            private long reference() {
                return switch (relativeTo) {
                    case EVENT -> access.eventTime();
                    case STREAM -> access.streamTime();
                    case NOW -> access.wallClockTime();
                };
            }
        };
    }

    /**
     * Updates every window of {@code key} that contains the current record's timestamp (one for
     * tumbling windows, size/step for hopping ones), as Faust's {@code table[key] += 1}. Windows
     * already closed (end plus grace passed) are final and stay as they are.
     */
    public void update(K key, UnaryOperator<V> update) {
        TableAccess access = table.access();
        for (Window w : windowing.windowsFor(access.eventTime())) {
            V current = access.getWindow(table, key, w.start());
            access.putWindow(table, key, w.start(), update.apply(current == null ? table.defaultValue() : current));
        }
    }

    @Override
    public String toString() {
        return "WindowedTable{" + table.name() + ", " + windowing + "}";
    }
}
