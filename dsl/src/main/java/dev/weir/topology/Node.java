package dev.weir.topology;

import dev.weir.dsl.Processor;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * A node of a {@link Topology}. The family is closed: the runtime handles each kind, and
 * edges live in the topology, not in the nodes.
 */
public sealed interface Node permits Node.Source, Node.Filter, Node.ProcessorNode, Node.Repartition, Node.TableNode,
        Node.StreamTableJoin, Node.TableTableJoin, Node.StreamStreamJoin, Node.GlobalTableJoin, Node.ForeignKeyJoin, Node.Sink {

    /** The node's name, unique in its topology and stable across builds of the same program. */
    String name();

    /** A one-word kind used by {@code describe()}: Source, Filter, Processor, Repartition, Sink. */
    String kind();

    /** Reads one topic and deserializes its records with the topic's serdes. */
    record Source(String name, Topic<?, ?> topic) implements Node {
        public Source {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topic, "topic");
        }

        @Override
        public String kind() {
            return "Source";
        }
    }

    /**
     * Forwards the records for which {@code predicate} holds (does not hold when {@code negated}).
     */
    record Filter(String name, BiPredicate<Object, Object> predicate, boolean negated) implements Node {
        public Filter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(predicate, "predicate");
        }

        @Override
        public String kind() {
            return "Filter";
        }
    }

    /**
     * Runs user or built-in code: a new {@link Processor} per task from {@code supplier}.
     * {@code operation} names what the DSL asked for (map, mapValues, take, agent, ...);
     * {@code changesKey} says whether it may forward records under other keys than it got (then
     * a table below it needs a repartition first); {@code tables} are the tables its code uses.
     */
    record ProcessorNode(String name, String operation,
                         Supplier<? extends Processor<Object, Object, Object, Object>> supplier,
                         boolean changesKey, java.util.List<Table<?, ?>> tables) implements Node {
        public ProcessorNode {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(supplier, "supplier");
            tables = java.util.List.copyOf(tables);
        }

        @Override
        public String kind() {
            return "Processor";
        }
    }

    /**
     * Re-keys records (with {@code keySelector}, or keeps their key when it is null) and sends
     * them through the internal {@code topic}, so that equal keys meet in one partition. It
     * ends one sub-topology and starts another: in the upstream one it writes the topic, in
     * the downstream one it reads it.
     */
    record Repartition(String name, Topic<?, ?> topic, BiFunction<Object, Object, Object> keySelector) implements Node {
        public Repartition {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topic, "topic");
        }

        @Override
        public String kind() {
            return "Repartition";
        }
    }

    /**
     * Updates {@code table}: for each record, {@code aggregator} computes the key's new value from
     * its current value (the table's default when it has none) and the record's value; the
     * node stores it and forwards a record with the new value (count, sum, reduce, aggregate).
     * Sliding and session windows also need {@code merger}, which combines two aggregates of one
     * key (of sessions that merge, of the records of a sliding window); sliding windows keep each
     * record's own aggregate in {@code records} while windows may still take it. Both are null
     * otherwise.
     */
    record TableNode(String name, Table<?, ?> table, String operation,
                     java.util.function.BiFunction<Object, Object, Object> aggregator,
                     java.util.function.BiFunction<Object, Object, Object> merger, Table<?, ?> records) implements Node {
        public TableNode {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(aggregator, "aggregator");
        }

        /** A table node of a plain or fixed-window table. */
        public TableNode(String name, Table<?, ?> table, String operation,
                         java.util.function.BiFunction<Object, Object, Object> aggregator) {
            this(name, table, operation, aggregator, null, null);
        }

        @Override
        public String kind() {
            return "Table";
        }
    }

    /**
     * Joins each stream record with its key's current value in {@code table} and forwards
     * {@code joiner(record value, table value)} under the record's key. A key without a value
     * forwards nothing, or with {@code left}, {@code joiner(record value, null)}. The stream must
     * be partitioned as the table is (the builder checks it), so the lookup is local to the task.
     */
    record StreamTableJoin(String name, Table<?, ?> table, BiFunction<Object, Object, Object> joiner, boolean left)
            implements Node {
        public StreamTableJoin {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(joiner, "joiner");
        }

        @Override
        public String kind() {
            return "Join";
        }
    }

    /** Which keys a join forwards: present on both sides, on the left one, or on either. */
    enum JoinKind { INNER, LEFT, OUTER }

    /**
     * One side of a table-table join: its parents are the nodes that write {@code table} (aggregates,
     * {@code toTable}) and forward each change; for each change it looks the key up in
     * {@code other} and forwards {@code joiner(left value, right value)} under the key, or a
     * tombstone (null value) when a joined key stops joining; {@code left} says whether its
     * parents write the join's left table. {@code joinKind} decides which keys join.
     */
    record TableTableJoin(String name, Table<?, ?> table, Table<?, ?> other, BiFunction<Object, Object, Object> joiner, JoinKind joinKind,
                          boolean left)
            implements Node {
        public TableTableJoin {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(other, "other");
            Objects.requireNonNull(joiner, "joiner");
            Objects.requireNonNull(joinKind, "joinKind");
        }

        @Override
        public String kind() {
            return "Join";
        }
    }

    /**
     * One side of a windowed stream-stream join: its parent is this side's stream. Each record
     * waits in {@code table} (this side's buffer) while a partner may still arrive, and joins every
     * record of {@code other} (the other side's buffer) with its key whose timestamp lies within
     * {@code windows} of its own: {@code joiner(left value, right value)}, timestamped with the later
     * of the two. With {@code joinKind} LEFT (left side) or OUTER (both), a record that found no
     * partner by the time its window closed is forwarded with null for the missing side.
     * {@code left} says whether this is the join's left side; both sides share the join's clock.
     */
    record StreamStreamJoin(String name, Table<?, ?> table, Table<?, ?> other, dev.weir.dsl.JoinWindows windows,
                            BiFunction<Object, Object, Object> joiner, JoinKind joinKind, boolean left) implements Node {
        public StreamStreamJoin {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(other, "other");
            Objects.requireNonNull(windows, "windows");
            Objects.requireNonNull(joiner, "joiner");
            Objects.requireNonNull(joinKind, "joinKind");
        }

        /** Whether this side forwards its records that found no partner (left side of a left join, either side of an outer one). */
        public boolean keepsUnmatched() {
            return joinKind == JoinKind.OUTER || (joinKind == JoinKind.LEFT && left);
        }

        @Override
        public String kind() {
            return "Join";
        }
    }

    /**
     * Joins each record with the value in global table {@code table} of the key
     * {@code keySelector(key, value)} and forwards {@code joiner(record value, table value)} under the
     * record's own key. A null selected key or a key without a value forwards nothing, or with
     * {@code left}, {@code joiner(record value, null)}. Every worker holds all of the table, so the
     * stream may be partitioned in any way.
     */
    record GlobalTableJoin(String name, dev.weir.dsl.GlobalTable<?, ?> table, BiFunction<Object, Object, Object> keySelector,
                           BiFunction<Object, Object, Object> joiner, boolean left) implements Node {
        public GlobalTableJoin {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(keySelector, "keySelector");
            Objects.requireNonNull(joiner, "joiner");
        }

        @Override
        public String kind() {
            return "Join";
        }
    }

    /** The four parts of a foreign-key join, in the order a left change passes them. */
    enum ForeignKeyRole {
        /**
         * Below the left table's writers: for each change of a left key, an unsubscribe to its old foreign key
         * and a subscription to its new one, to the subscription topic; a tombstone (or, for a left join with no
         * foreign key, the joiner's value with null) straight to the result. Keeps each left key's foreign key in
         * {@code foreignKeys}.
         */
        SUBSCRIBE,
        /** Reads the subscription topic: keeps the subscriptions in {@code subscriptions} and answers each with the right value. */
        LOOKUP,
        /** Below the right table's writers: answers every subscription of a changed right key with its new value. */
        RIGHT_CHANGE,
        /** Reads the response topic: joins an answer with the left value it was asked for, unless that value changed since. */
        RESULT
    }

    /**
     * One part of a foreign-key table-table join, as Kafka Streams' {@code KTable.join(other,
     * foreignKeyExtractor, joiner)}: the left table's value names a key of the right table
     * ({@code foreignKey}), and the result, keyed by the left key, is {@code joiner(left value,
     * right value)}, kept up to date under changes and deletes of either side. The tables need not
     * be co-partitioned: subscriptions travel to the right table's tasks through one internal
     * topic and answers come back through another. {@code role} says which part this node is.
     */
    record ForeignKeyJoin(String name, ForeignKeyRole role, Table<?, ?> left, Table<?, ?> right, Table<?, ?> foreignKeys,
                          Table<?, ?> subscriptions, java.util.function.Function<Object, Object> foreignKey,
                          BiFunction<Object, Object, Object> joiner, boolean leftJoin) implements Node {
        public ForeignKeyJoin {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
            Objects.requireNonNull(foreignKeys, "foreignKeys");
            Objects.requireNonNull(subscriptions, "subscriptions");
            Objects.requireNonNull(foreignKey, "foreignKey");
            Objects.requireNonNull(joiner, "joiner");
        }

        /** The tables this part uses (so its sub-topology holds them). */
        public java.util.List<Table<?, ?>> tables() {
            return switch (role) {
                case SUBSCRIBE -> java.util.List.of(foreignKeys);
                case LOOKUP -> java.util.List.of(subscriptions, right);
                case RIGHT_CHANGE -> java.util.List.of(subscriptions);
                case RESULT -> java.util.List.of(left);
            };
        }

        @Override
        public String kind() {
            return "Join";
        }
    }

    /**
     * Writes records to {@code topic} with the topic's serdes, re-keyed by {@code keySelector}
     * when it is not null.
     */
    record Sink(String name, Topic<?, ?> topic, BiFunction<Object, Object, Object> keySelector) implements Node {
        public Sink {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topic, "topic");
        }

        @Override
        public String kind() {
            return "Sink";
        }
    }
}
