package dev.weir.dsl.internal;

import dev.weir.dsl.Processor;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * One operation recorded by the DSL, before names are resolved. Compiled into a
 * {@link dev.weir.topology.Node} by {@link StreamGraph#compile()}.
 */
final class OpNode {

    enum Kind { SOURCE, FILTER, PROCESSOR, REPARTITION, TABLE, SINK }

    final Kind kind;
    /** The word that derived names use, e.g. {@code filter}, {@code to(popular)}. */
    final String operation;
    final List<OpNode> parents;
    final Topic<?, ?> topic;
    final BiPredicate<Object, Object> predicate;
    final boolean negated;
    final Supplier<? extends Processor<Object, Object, Object, Object>> supplier;
    final BiFunction<Object, Object, Object> keySelector;
    final boolean changesKey;
    final List<Table<?, ?>> tables;
    String explicitName;

    private OpNode(Kind kind, String operation, List<OpNode> parents, Topic<?, ?> topic,
                   BiPredicate<Object, Object> predicate, boolean negated,
                   Supplier<? extends Processor<Object, Object, Object, Object>> supplier,
                   BiFunction<Object, Object, Object> keySelector) {
        this(kind, operation, parents, topic, predicate, negated, supplier, keySelector, false, List.of());
    }

    private OpNode(Kind kind, String operation, List<OpNode> parents, Topic<?, ?> topic,
                   BiPredicate<Object, Object> predicate, boolean negated,
                   Supplier<? extends Processor<Object, Object, Object, Object>> supplier,
                   BiFunction<Object, Object, Object> keySelector, boolean changesKey, List<Table<?, ?>> tables) {
        this.changesKey = changesKey;
        this.tables = List.copyOf(tables);
        this.kind = kind;
        this.operation = operation;
        this.parents = List.copyOf(parents);
        this.topic = topic;
        this.predicate = predicate;
        this.negated = negated;
        this.supplier = supplier;
        this.keySelector = keySelector;
    }

    static OpNode source(Topic<?, ?> topic) {
        OpNode n = new OpNode(Kind.SOURCE, topic.name(), List.of(), topic, null, false, null, null);
        n.explicitName = topic.name();
        return n;
    }

    static OpNode filter(OpNode parent, BiPredicate<Object, Object> predicate, boolean negated) {
        return new OpNode(Kind.FILTER, negated ? "filterNot" : "filter", List.of(parent), null, predicate, negated, null, null);
    }

    /** A processor that keeps keys and uses no table. */
    static OpNode processor(List<OpNode> parents, String operation,
                            Supplier<? extends Processor<Object, Object, Object, Object>> supplier) {
        return processor(parents, operation, supplier, false, List.of());
    }

    static OpNode processor(List<OpNode> parents, String operation,
                            Supplier<? extends Processor<Object, Object, Object, Object>> supplier,
                            boolean changesKey, List<Table<?, ?>> tables) {
        return new OpNode(Kind.PROCESSOR, operation, parents, null, null, false, supplier, null, changesKey, tables);
    }

    /** {@code aggregator} is kept in keySelector's slot: (current value, record value) -> new value. */
    static OpNode table(OpNode parent, String operation, Table<?, ?> table, BiFunction<Object, Object, Object> aggregator) {
        return new OpNode(Kind.TABLE, operation, List.of(parent), null, null, false, null, aggregator, false, List.of(table));
    }

    static OpNode repartition(OpNode parent, String name, Topic<?, ?> topic, BiFunction<Object, Object, Object> keySelector) {
        OpNode n = new OpNode(Kind.REPARTITION, "groupBy", List.of(parent), topic, null, false, null, keySelector);
        n.explicitName = name;
        return n;
    }

    static OpNode sink(OpNode parent, Topic<?, ?> topic, BiFunction<Object, Object, Object> keySelector) {
        return new OpNode(Kind.SINK, "to(" + topic.name() + ")", List.of(parent), topic, null, false, null, keySelector);
    }
}
