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

    TableRunner(String name, TaskState state, TableRuntime table, BiFunction<Object, Object, Object> aggregator) {
        super(name, state);
        this.table = table;
        this.defaultValue = table.table().defaultValue();
        this.aggregator = aggregator;
        this.windowing = table.windowing();
        this.emitFinal = windowing != null && windowing.emitFinal();
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
            Object current = table.get(record.key());
            Object updated = aggregator.apply(current != null ? current : defaultValue, record.value());
            table.put(record.key(), updated, record.timestamp());
            forwardAll(record.withValue(updated));
            return;
        }
        table.observe(record.timestamp());
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
}
