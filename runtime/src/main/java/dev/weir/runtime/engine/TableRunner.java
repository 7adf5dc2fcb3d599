package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import dev.weir.dsl.Window;
import dev.weir.dsl.Windowing;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a table node: aggregates each record into its key's value (in every window containing
 * the record's timestamp, for a windowed table) and forwards the new value (of the latest such
 * window). Records for windows already closed (past end plus grace) are dropped and counted.
 */
final class TableRunner extends NodeRunner {

    private static final Logger log = LoggerFactory.getLogger(TableRunner.class);

    private final TableRuntime table;
    private final Object defaultValue;
    private final BiFunction<Object, Object, Object> aggregator;
    private final Windowing windowing;

    TableRunner(String name, TaskState state, TableRuntime table, BiFunction<Object, Object, Object> aggregator) {
        super(name, state);
        this.table = table;
        this.defaultValue = table.table().defaultValue();
        this.aggregator = aggregator;
        this.windowing = table.windowing();
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
        List<Window> windows = windowing.windowsFor(record.timestamp());
        Object latest = null;
        boolean any = false;
        for (Window w : windows) {
            if (!table.accepts(w.start())) {
                continue;
            }
            Object current = table.getWindow(record.key(), w.start());
            latest = aggregator.apply(current != null ? current : defaultValue, record.value());
            table.putWindow(record.key(), w.start(), latest, record.timestamp());
            any = true;
        }
        if (!any) {
            if (state.metrics != null) {
                Counter.builder("weir.records.late.dropped").tag("app", state.appId).tag("table", table.table().name())
                        .register(state.metrics).increment();
            }
            log.debug("Dropped a record at {}-{}@{} with timestamp {}: its windows of table {} closed (table time {}, grace {} ms)",
                    state.topic, state.partition, state.offset, record.timestamp(), table.table().name(), table.observedTime(),
                    windowing.grace());
            return;
        }
        forwardAll(record.withValue(latest));
    }
}
