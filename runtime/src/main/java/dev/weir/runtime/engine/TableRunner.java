package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import dev.weir.dsl.Window;
import dev.weir.dsl.Windowed;
import dev.weir.dsl.Windowing;
import dev.weir.serdes.Headers;
import java.util.function.BiFunction;

/**
 * Runs a table node: aggregates each record into its key's value and forwards the new value.
 * For a windowed table it updates every window containing the record's timestamp and forwards
 * each window's new value under its {@link Windowed} key, or, when the table emits final
 * results, nothing until the window closes ({@link #emitFinal}). Records for windows already
 * closed (past end plus grace) are dropped and counted.
 */
final class TableRunner extends NodeRunner {

    private final TableRuntime table;
    private final Object defaultValue;
    private final BiFunction<Object, Object, Object> aggregator;
    private final Windowing windowing;
    private final boolean emitFinal;
    private final BiFunction<Object, Object, Object> merger;
    /** Sliding windows: each record's own aggregate, while a window may still take it. */
    private final JoinBuffer records;

    /**
     * @param merger  combines two aggregates of a key (sliding and session windows; else null)
     * @param records the records' own aggregates (sliding windows; else null)
     */
    TableRunner(String name, TaskState state, TableRuntime table, BiFunction<Object, Object, Object> aggregator,
                BiFunction<Object, Object, Object> merger, JoinBuffer records) {
        super(name, state);
        this.table = table;
        this.defaultValue = table.table().defaultValue();
        this.aggregator = aggregator;
        this.windowing = table.windowing();
        this.emitFinal = windowing != null && windowing.emitFinal();
        this.merger = merger;
        this.records = records;
    }

    /** How long a sliding table keeps a record's own aggregate past its time: while a window that holds it may still change. */
    static long recordsKeptFor(Windowing windowing) {
        return 2 * windowing.difference() + windowing.grace();
    }

    /** Whether this node forwards windows only when they close. */
    boolean emitsFinal() {
        return emitFinal;
    }

    /**
     * Forwards a closed window's final value under its windowed key, timestamped with the
     * window's last millisecond; called while the table advances its clock, outside any input record.
     */
    void emitFinal(Object key, Window window, Object value) {
        forwardAll(new Record<>(new Windowed<>(key, window), value, window.end() - 1, Headers.empty()));
    }

    /** Aggregates the record into its window starting at {@code start} and forwards the window's new value (unless emitting final). */
    private boolean aggregate(Record<Object, Object> record, long start) {
        Object updated = table.aggregateWindow(record.key(), start, aggregator, defaultValue, record.value(), record.timestamp());
        if (!emitFinal) {
            forwardAll(new Record<>(new Windowed<>(record.key(), new Window(start, start + windowing.size())), updated,
                    record.timestamp(), record.headers()));
        }
        return true;
    }

    @Override
    void handle(Record<Object, Object> record) {
        if (windowing == null) {
            Object updated = table.update(record.key(),
                    current -> aggregator.apply(current != null ? current : defaultValue, record.value()), record.timestamp());
            forwardAll(record.withValue(updated));
            return;
        }
        table.observe(record.timestamp());
        if (windowing.kind() == Windowing.Kind.SLIDING) {
            slide(record);
            return;
        }
        if (windowing.kind() == Windowing.Kind.SESSION) {
            sessionize(record);
            return;
        }
        boolean any = false;
        if (windowing.tumbling()) {
            // One window per record: no list of windows to build.
            long start = windowing.latestStart(record.timestamp());
            any = start >= 0 && table.accepts(start) && aggregate(record, start);
        } else {
            for (Window w : windowing.windowsFor(record.timestamp())) {
                if (table.accepts(w.start())) {
                    any |= aggregate(record, w.start());
                }
            }
        }
        if (!any) {
            lateDropped(table.table().name(), record.timestamp(), table.observedTime(), windowing.grace());
        }
    }

    /**
     * Sliding windows: keeps the record's own aggregate, then recomputes (merging the own
     * aggregates of the records each holds, earliest first) every open window the record changes
     * or creates: its window {@code [t - d, t]}, the windows ending at the later records within
     * {@code d}, the windows starting just after the earlier records within {@code d + 1}, and its
     * own window starting at {@code t + 1} when later records fall in it.
     */
    private void slide(Record<Object, Object> record) {
        long t = record.timestamp();
        long time = table.observedTime();
        long d = windowing.difference();
        if (t + d + windowing.grace() < time) {
            lateDropped(table.table().name(), t, time, windowing.grace());        // every window that could hold it has closed
            return;
        }
        java.nio.ByteBuffer key = table.keyBytes(record.key());
        records.expire(time, (k, v, ts) -> { });
        records.add(key, t, aggregator.apply(defaultValue, record.value()), false);
        java.util.TreeSet<Long> starts = new java.util.TreeSet<>();
        starts.add(Math.max(0, t - d));
        for (JoinBuffer.Slot s : records.range(key, t + 1, t + d)) {
            starts.add(Math.max(0, s.timestamp - d));
        }
        for (JoinBuffer.Slot s : records.range(key, t - d - 1, t - 1)) {
            starts.add(s.timestamp + 1);
        }
        if (!records.range(key, t + 1, t + 1 + d).isEmpty()) {
            starts.add(t + 1);
        }
        for (long start : starts) {
            if (!table.accepts(start)) {
                continue;                        // closed: its value is final
            }
            Object agg = null;
            boolean first = true;
            for (JoinBuffer.Slot s : records.range(key, start, start + d)) {
                Object own = records.value(s);
                agg = first ? own : merger.apply(agg, own);
                first = false;
            }
            table.putWindow(record.key(), start, agg, t);
            if (!emitFinal) {
                forwardAll(new Record<>(new Windowed<>(record.key(), new Window(start, start + d + 1)), agg, t, record.headers()));
            }
        }
    }

    /**
     * Session windows: the record's own aggregate merged (earliest first) with every session of
     * its key within the gap of it becomes one session; the sessions it replaces are deleted and
     * forwarded as tombstones before the merged one.
     */
    private void sessionize(Record<Object, Object> record) {
        long t = record.timestamp();
        long time = table.observedTime();
        long gap = windowing.gap();
        if (t + windowing.grace() < time) {
            lateDropped(table.table().name(), t, time, windowing.grace());
            return;
        }
        Object own = aggregator.apply(defaultValue, record.value());
        java.util.List<long[]> near = table.sessions(record.key(), t - gap, t + gap);
        long start = t;
        long end = t;
        Object merged = null;
        boolean first = true;
        boolean ownAdded = false;
        for (long[] s : near) {
            if (!ownAdded && s[0] > t) {
                merged = first ? own : merger.apply(merged, own);
                first = false;
                ownAdded = true;
            }
            Object v = table.getSession(record.key(), s[0], s[1]);
            merged = first ? v : merger.apply(merged, v);
            first = false;
            start = Math.min(start, s[0]);
            end = Math.max(end, s[1]);
        }
        if (!ownAdded) {
            merged = first ? own : merger.apply(merged, own);
        }
        for (long[] s : near) {
            if (s[0] != start || s[1] != end) {
                table.putSession(record.key(), s[0], s[1], null, t);
                if (!emitFinal) {
                    forwardAll(new Record<>(new Windowed<>(record.key(), new Window(s[0], s[1] + 1)), null, t, record.headers()));
                }
            }
        }
        table.putSession(record.key(), start, end, merged, t);
        if (!emitFinal) {
            forwardAll(new Record<>(new Windowed<>(record.key(), new Window(start, end + 1)), merged, t, record.headers()));
        }
    }
}
