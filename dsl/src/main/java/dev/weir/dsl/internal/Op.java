package dev.weir.dsl.internal;

import dev.weir.dsl.Processor;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.topology.TopologyBuilder;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One operation recorded by the DSL, before names are resolved: one small record per kind,
 * each compiling itself into the {@link dev.weir.topology.Node} it stands for. A new kind of
 * operation is a new record here and a new node kind in the topology, nothing else.
 *
 * <p>Records compare by value; {@link StreamGraph} keys them by identity.
 */
sealed interface Op {

    /** The operations that feed this one, in order. */
    List<Op> parents();

    /** The word derived names use, e.g. {@code filter}, {@code to(popular)}, {@code count(uri-counts)}. */
    String operation();

    /**
     * Adds this operation's node, named {@code name}, below {@code parents}; {@code writers} gives
     * the names of the nodes that write a table (what a table-table join hangs below).
     */
    void compile(TopologyBuilder builder, String name, String[] parents, Function<Table<?, ?>, String[]> writers);

    /** Reads a topic; named after it. */
    record Source(Topic<?, ?> topic) implements Op {
        @Override
        public List<Op> parents() {
            return List.of();
        }

        @Override
        public String operation() {
            return topic.name();
        }

        @Override
        public void compile(TopologyBuilder b, String name, String[] parents, Function<Table<?, ?>, String[]> writers) {
            b.addSource(name, topic);
        }
    }

    /** {@code filter}, {@code filterNot} and their {@code WithKey} forms. */
    record Filter(Op parent, BiPredicate<Object, Object> predicate, boolean negated) implements Op {
        @Override
        public List<Op> parents() {
            return List.of(parent);
        }

        @Override
        public String operation() {
            return negated ? "filterNot" : "filter";
        }

        @Override
        public void compile(TopologyBuilder b, String name, String[] parents, Function<Table<?, ?>, String[]> writers) {
            b.addFilter(name, predicate, negated, parents);
        }
    }

    /** Built-in or user code in a {@link Processor}: map, peek, take, agent, process, merge, ... */
    record Process(List<Op> parents, String operation, Supplier<? extends Processor<Object, Object, Object, Object>> supplier,
                   boolean changesKey, List<Table<?, ?>> tables) implements Op {
        public Process {
            parents = List.copyOf(parents);
            tables = List.copyOf(tables);
        }

        /** A processor that keeps keys and uses no table. */
        Process(Op parent, String operation, Supplier<? extends Processor<Object, Object, Object, Object>> supplier) {
            this(List.of(parent), operation, supplier, false, List.of());
        }

        @Override
        public void compile(TopologyBuilder b, String name, String[] parents, Function<Table<?, ?>, String[]> writers) {
            b.addProcessor(name, operation, supplier, changesKey, tables, parents);
        }
    }

    /**
     * count, sum, reduce, aggregate, toTable into {@code table}: {@code aggregator} maps (current
     * value, record value) to the new value.
     */
    record Aggregate(Op parent, String kind, Table<?, ?> table, BiFunction<Object, Object, Object> aggregator,
                     BiFunction<Object, Object, Object> merger, Table<?, ?> records) implements Op {
        Aggregate(Op parent, String kind, Table<?, ?> table, BiFunction<Object, Object, Object> aggregator) {
            this(parent, kind, table, aggregator, null, null);
        }

        @Override
        public List<Op> parents() {
            return List.of(parent);
        }

        @Override
        public String operation() {
            return kind + "(" + table.name() + ")";
        }

        @Override
        public void compile(TopologyBuilder b, String name, String[] parents, Function<Table<?, ?>, String[]> writers) {
            if (merger == null) {
                b.addTable(name, table, kind, aggregator, parents);
            } else {
                b.addTable(name, table, kind, aggregator, merger, records, parents);
            }
        }
    }

    /** {@code join(table, joiner)} and {@code leftJoin(table, joiner)} of a stream. */
    record StreamTableJoin(Op parent, Table<?, ?> table, BiFunction<Object, Object, Object> joiner, boolean left) implements Op {
        @Override
        public List<Op> parents() {
            return List.of(parent);
        }

        @Override
        public String operation() {
            return (left ? "leftJoin(" : "join(") + table.name() + ")";
        }

        @Override
        public void compile(TopologyBuilder b, String name, String[] parents, Function<Table<?, ?>, String[]> writers) {
            b.addStreamTableJoin(name, table, joiner, left, parents);
        }
    }

    /**
     * A foreign-key join named {@code name}: its subscribe part below the left table's writers, its
     * right-change part below the right table's, the subscription and response topics between
     * them, and a node named {@code name} that merges the results.
     */
    record ForeignKeyJoin(String name, Table<?, ?> left, Table<?, ?> right, Table<?, ?> foreignKeys, Table<?, ?> subscriptions,
                          dev.weir.dsl.Topic<?, ?> subscriptionTopic, dev.weir.dsl.Topic<?, ?> responseTopic,
                          Function<Object, Object> foreignKey, BiFunction<Object, Object, Object> joiner, boolean leftJoin)
            implements Op {
        @Override
        public List<Op> parents() {
            return List.of();
        }

        @Override
        public String operation() {
            return (leftJoin ? "leftJoin(" : "join(") + left.name() + ", " + right.name() + ", foreign key)";
        }

        @Override
        public void compile(TopologyBuilder b, String nodeName, String[] parents, Function<Table<?, ?>, String[]> writers) {
            b.addForeignKeyJoin(nodeName + ".subscribe", dev.weir.topology.Node.ForeignKeyRole.SUBSCRIBE, left, right, foreignKeys,
                    subscriptions, foreignKey, joiner, leftJoin, writers.apply(left));
            b.addRepartition(nodeName + ".subscription", subscriptionTopic, null, nodeName + ".subscribe");
            b.addForeignKeyJoin(nodeName + ".lookup", dev.weir.topology.Node.ForeignKeyRole.LOOKUP, left, right, foreignKeys,
                    subscriptions, foreignKey, joiner, leftJoin, nodeName + ".subscription");
            b.addForeignKeyJoin(nodeName + ".right", dev.weir.topology.Node.ForeignKeyRole.RIGHT_CHANGE, left, right, foreignKeys,
                    subscriptions, foreignKey, joiner, leftJoin, writers.apply(right));
            b.addRepartition(nodeName + ".response", responseTopic, null, nodeName + ".lookup", nodeName + ".right");
            b.addForeignKeyJoin(nodeName + ".join", dev.weir.topology.Node.ForeignKeyRole.RESULT, left, right, foreignKeys,
                    subscriptions, foreignKey, joiner, leftJoin, nodeName + ".response");
            b.addProcessor(nodeName, operation(), Processors.PassThrough::new, false, List.of(), nodeName + ".subscribe",
                    nodeName + ".join");
        }
    }

    /** A join of each record with the value its key selector names in a global table. */
    record GlobalJoin(Op parent, dev.weir.dsl.GlobalTable<?, ?> table, BiFunction<Object, Object, Object> keySelector,
                      BiFunction<Object, Object, Object> joiner, boolean left) implements Op {
        @Override
        public List<Op> parents() {
            return List.of(parent);
        }

        @Override
        public String operation() {
            return (left ? "leftJoin(" : "join(") + table.name() + ")";
        }

        @Override
        public void compile(TopologyBuilder b, String name, String[] parents, Function<Table<?, ?>, String[]> writers) {
            b.addGlobalTableJoin(name, table, keySelector, joiner, left, parents);
        }
    }

    /**
     * A table-table join named {@code name}: one join side below the writers of each table
     * (found when the graph compiles, so the tables may be fed after the join is declared) and a
     * node named {@code name} that merges both sides' results.
     */
    record TableJoin(String name, Table<?, ?> left, Table<?, ?> right, BiFunction<Object, Object, Object> joiner,
                     dev.weir.topology.Node.JoinKind kind) implements Op {
        @Override
        public List<Op> parents() {
            return List.of();
        }

        @Override
        public String operation() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + "Join(" + left.name() + ", " + right.name() + ")";
        }

        /** One join side below the writers of each table, both merged into the node named {@code nodeName}. */
        @Override
        public void compile(TopologyBuilder b, String nodeName, String[] parents, Function<Table<?, ?>, String[]> writers) {
            b.addTableTableJoin(nodeName + ".left", left, right, joiner, kind, true, writers.apply(left));
            b.addTableTableJoin(nodeName + ".right", right, left, joiner, kind, false, writers.apply(right));
            b.addProcessor(nodeName, operation(), Processors.PassThrough::new, false, List.of(), nodeName + ".left",
                    nodeName + ".right");
        }
    }

    /**
     * A windowed stream-stream join named {@code name}: one join side below each stream, each
     * with its own buffer table, and a node named {@code name} that merges both sides' results.
     */
    record StreamJoin(String name, Op left, Op right, Table<?, ?> leftBuffer, Table<?, ?> rightBuffer,
                      dev.weir.dsl.JoinWindows windows, BiFunction<Object, Object, Object> joiner,
                      dev.weir.topology.Node.JoinKind kind) implements Op {
        @Override
        public List<Op> parents() {
            return List.of(left, right);
        }

        @Override
        public String operation() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + "Join(" + name + ")";
        }

        @Override
        public void compile(TopologyBuilder b, String nodeName, String[] parents, Function<Table<?, ?>, String[]> writers) {
            b.addStreamStreamJoin(nodeName + ".left", leftBuffer, rightBuffer, windows, joiner, kind, true, parents[0]);
            b.addStreamStreamJoin(nodeName + ".right", rightBuffer, leftBuffer, windows, joiner, kind, false, parents[1]);
            b.addProcessor(nodeName, operation(), Processors.PassThrough::new, false, List.of(), nodeName + ".left",
                    nodeName + ".right");
        }
    }

    /** {@code groupBy}: re-keys and moves records through an internal topic; named by the user. */
    record Repartition(Op parent, String name, Topic<?, ?> topic, BiFunction<Object, Object, Object> keySelector) implements Op {
        public Repartition {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public List<Op> parents() {
            return List.of(parent);
        }

        @Override
        public String operation() {
            return "groupBy";
        }

        @Override
        public void compile(TopologyBuilder b, String nodeName, String[] parents, Function<Table<?, ?>, String[]> writers) {
            b.addRepartition(nodeName, topic, keySelector, parents);
        }
    }

    /** {@code to(topic)}, with a key function or keeping keys ({@code keySelector} null). */
    record Sink(Op parent, Topic<?, ?> topic, BiFunction<Object, Object, Object> keySelector) implements Op {
        @Override
        public List<Op> parents() {
            return List.of(parent);
        }

        @Override
        public String operation() {
            return "to(" + topic.name() + ")";
        }

        @Override
        public void compile(TopologyBuilder b, String name, String[] parents, Function<Table<?, ?>, String[]> writers) {
            b.addSink(name, topic, keySelector, parents);
        }
    }
}
