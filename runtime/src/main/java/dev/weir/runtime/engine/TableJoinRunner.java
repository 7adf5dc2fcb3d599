package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import dev.weir.topology.Node.JoinKind;
import java.util.function.BiFunction;

/**
 * Runs one side of a table-table join: each record is a change of this side's table (its new
 * value, null when deleted); the runner looks the key up in the other table and forwards the
 * join's new result for the key, or a tombstone when the key no longer joins.
 */
final class TableJoinRunner extends NodeRunner {

    private final TableRuntime other;
    private final BiFunction<Object, Object, Object> joiner;
    private final JoinKind kind;
    private final boolean left;

    TableJoinRunner(String name, TaskState state, TableRuntime other, BiFunction<Object, Object, Object> joiner, JoinKind kind,
                    boolean left) {
        super(name, state);
        this.other = other;
        this.joiner = joiner;
        this.kind = kind;
        this.left = left;
    }

    @Override
    void handle(Record<Object, Object> record) {
        Object mine = record.value();
        Object theirs = other.get(record.key());
        Object l = left ? mine : theirs;
        Object r = left ? theirs : mine;
        boolean joins = switch (kind) {
            case INNER -> l != null && r != null;
            case LEFT -> l != null;
            case OUTER -> l != null || r != null;
        };
        if (joins) {
            forwardAll(record.withValue(joiner.apply(l, r)));
        } else if (mine == null && joinedBefore(theirs)) {
            forwardAll(record.withValue(null));
        }
    }

    /** Whether the key joined before this side deleted it, given the other side's value. */
    private boolean joinedBefore(Object theirs) {
        return switch (kind) {
            case INNER -> theirs != null;
            case LEFT -> left;              // a left key always joined; a right delete with no left key had nothing
            case OUTER -> true;             // both sides are empty now; this side's value joined
        };
    }
}
