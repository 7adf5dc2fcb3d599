package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import java.util.function.BiPredicate;

final class FilterRunner extends NodeRunner {

    private final BiPredicate<Object, Object> predicate;
    private final boolean negated;

    FilterRunner(String name, TaskState state, BiPredicate<Object, Object> predicate, boolean negated) {
        super(name, state);
        this.predicate = predicate;
        this.negated = negated;
    }

    @Override
    void handle(Record<Object, Object> record) {
        if (predicate.test(record.key(), record.value()) != negated) {
            forwardAll(record);
        }
    }
}
