package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import java.util.function.BiFunction;

/**
 * Runs a join with a global table: looks up the key the selector computes from each record in
 * the worker's copy of the table and forwards the joined value under the record's own key,
 * timestamp and headers.
 */
final class GlobalJoinRunner extends NodeRunner {

    private final GlobalStore table;
    private final BiFunction<Object, Object, Object> keySelector;
    private final BiFunction<Object, Object, Object> joiner;
    private final boolean left;

    GlobalJoinRunner(String name, TaskState state, GlobalStore table, BiFunction<Object, Object, Object> keySelector,
                     BiFunction<Object, Object, Object> joiner, boolean left) {
        super(name, state);
        this.table = table;
        this.keySelector = keySelector;
        this.joiner = joiner;
        this.left = left;
    }

    @Override
    void handle(Record<Object, Object> record) {
        Object key = keySelector.apply(record.key(), record.value());
        Object other = key == null ? null : table.get(key);
        if (other == null && !left) {
            return;
        }
        forwardAll(record.withValue(joiner.apply(record.value(), other)));
    }
}
