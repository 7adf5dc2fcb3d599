package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import java.util.function.BiFunction;

/**
 * Runs a stream-table join: looks the record's key up in the task's partition of the table
 * (its write cache first, so a change made earlier in the same task and transaction is seen)
 * and forwards the joined value under the record's key, timestamp and headers.
 */
final class JoinRunner extends NodeRunner {

    private final TableRuntime table;
    private final BiFunction<Object, Object, Object> joiner;
    private final boolean left;

    JoinRunner(String name, TaskState state, TableRuntime table, BiFunction<Object, Object, Object> joiner, boolean left) {
        super(name, state);
        this.table = table;
        this.joiner = joiner;
        this.left = left;
    }

    @Override
    void handle(Record<Object, Object> record) {
        Object other = table.get(record.key());
        if (other == null && !left) {
            return;
        }
        forwardAll(record.withValue(joiner.apply(record.value(), other)));
    }
}
