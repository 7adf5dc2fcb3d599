package dev.weir.runtime.internal;

import dev.weir.dsl.Record;
import java.util.function.BiFunction;

/** Runs a table node: aggregates each record into its key's value and forwards the new value. */
final class TableRunner extends NodeRunner {

    private final TableRuntime table;
    private final Object defaultValue;
    private final BiFunction<Object, Object, Object> aggregator;

    TableRunner(String name, TaskState state, TableRuntime table, BiFunction<Object, Object, Object> aggregator) {
        super(name, state);
        this.table = table;
        this.defaultValue = table.table().defaultValue();
        this.aggregator = aggregator;
    }

    @Override
    void handle(Record<Object, Object> record) {
        Object current = table.get(record.key());
        Object updated = aggregator.apply(current != null ? current : defaultValue, record.value());
        table.put(record.key(), updated, record.timestamp());
        forwardAll(record.withValue(updated));
    }
}
