package dev.weir.dsl.internal;

import dev.weir.dsl.Agent;
import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Processor;
import dev.weir.dsl.Repartition;
import dev.weir.dsl.Split;
import dev.weir.dsl.Table;
import dev.weir.dsl.TableHandle;
import dev.weir.dsl.WindowedTable;
import dev.weir.dsl.Windowed;
import dev.weir.dsl.Stream;
import dev.weir.dsl.Topic;
import dev.weir.dsl.TopicOptions;
import dev.weir.serdes.Serde;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A handle on one recorded node plus what is known of its output serdes (known after a
 * source, lost after an operation that changes the type), so that {@code groupBy} can reuse
 * them for its internal topic.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class StreamImpl<K, V> implements Stream<K, V> {

    private final StreamGraph graph;
    private final Op node;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;

    StreamImpl(StreamGraph graph, Op node, Serde<K> keySerde, Serde<V> valueSerde) {
        this.graph = graph;
        this.node = node;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    /** The stream of {@code topic} in {@code graph}. */
    public static <K, V> Stream<K, V> of(StreamGraph graph, Topic<K, V> topic) {
        return new StreamImpl<>(graph, graph.source(topic), topic.keySerde(), topic.valueSerde());
    }

    /** Registers {@code agent} on {@code topic}, named {@code name} or derived when null. */
    public static <K, V> void agent(StreamGraph graph, Topic<K, V> topic, String name, Agent<K, V> agent, TableHandle... tables) {
        Objects.requireNonNull(agent, "agent");
        Agent<Object, Object> erased = (Agent) agent;
        List<Table<?, ?>> used = new java.util.ArrayList<>();
        for (TableHandle t : tables) {
            Table<?, ?> table = Objects.requireNonNull(t, "table").table();
            graph.checkDeclared(table);
            used.add(table);
        }
        graph.add(new Op.Process(List.of(graph.source(topic)), "agent", () -> new Processors.AgentProcessor(erased),
                false, used), name);
    }

    /** A table-table join named {@code name}: the stream of its results (null values when a key stops joining). */
    /** Two plain, declared, different tables. */
    private static void checkJoinable(StreamGraph graph, String name, Table<?, ?> left, Table<?, ?> right, String operation) {
        checkPlain(left, operation);
        checkPlain(right, operation);
        graph.checkDeclared(left);
        graph.checkDeclared(right);
        if (left.name().equals(right.name())) {
            throw new IllegalArgumentException(operation + " \"" + name + "\" joins table \"" + left.name() + "\" with itself;"
                    + " join two different tables");
        }
    }

    /** A foreign-key join of two tables of the app (see {@link dev.weir.topology.Node.ForeignKeyJoin}). */
    public static <K1, V1, K2, V2, VR> Stream<K1, VR> foreignKeyJoin(StreamGraph graph, String name, Table<K1, V1> left,
                                                                     Table<K2, V2> right,
                                                                     java.util.function.Function<? super V1, ? extends K2> foreignKey,
                                                                     BiFunction<? super V1, ? super V2, ? extends VR> joiner,
                                                                     boolean leftJoin) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(foreignKey, "foreignKey");
        Objects.requireNonNull(joiner, "joiner");
        checkJoinable(graph, name, left, right, leftJoin ? "leftJoin" : "join");
        Table<?, ?> foreignKeys = graph.internalTable(name + "-foreign-keys", left.keySerde(), dev.weir.serdes.Serdes.bytes(),
                left.options());
        Table<?, ?> subscriptions = graph.internalTable(name + "-subscriptions", dev.weir.serdes.Serdes.bytes(),
                dev.weir.serdes.Serdes.bytes(), right.options());
        dev.weir.dsl.Topic<?, ?> subscriptionTopic = dev.weir.dsl.Topic.internal(graph.appId() + "-" + name + "-subscription",
                right.keySerde(), dev.weir.serdes.Serdes.bytes(), dev.weir.dsl.TopicOptions.defaults());
        dev.weir.dsl.Topic<?, ?> responseTopic = dev.weir.dsl.Topic.internal(graph.appId() + "-" + name + "-response",
                left.keySerde(), dev.weir.serdes.Serdes.bytes(), dev.weir.dsl.TopicOptions.defaults());
        java.util.function.Function<Object, Object> fk = v -> foreignKey.apply((V1) v);
        BiFunction<Object, Object, Object> erased = (a, b) -> joiner.apply((V1) a, (V2) b);
        Op.ForeignKeyJoin op = graph.add(new Op.ForeignKeyJoin(name, left, right, foreignKeys, subscriptions, subscriptionTopic,
                responseTopic, fk, erased, leftJoin), name);
        return new StreamImpl<>(graph, op, left.keySerde(), null);
    }

    public static <K, V1, V2, VR> Stream<K, VR> tableJoin(StreamGraph graph, String name, Table<K, V1> left, Table<K, V2> right,
                                                          BiFunction<? super V1, ? super V2, ? extends VR> joiner,
                                                          dev.weir.topology.Node.JoinKind kind) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(joiner, "joiner");
        checkJoinable(graph, name, left, right, kind.name().toLowerCase(java.util.Locale.ROOT) + "Join");
        BiFunction<Object, Object, Object> erased = (a, b) -> joiner.apply((V1) a, (V2) b);
        Op.TableJoin op = graph.add(new Op.TableJoin(name, left, right, erased, kind), name);
        return new StreamImpl<>(graph, op, left.keySerde(), null);
    }

    private <K2, V2> StreamImpl<K2, V2> next(Op op, Serde<K2> k, Serde<V2> v) {
        return new StreamImpl<>(graph, graph.add(op), k, v);
    }

    private <K2, V2> StreamImpl<K2, V2> processor(String operation, Supplier<? extends Processor<Object, Object, Object, Object>> s,
                                                  Serde<K2> k, Serde<V2> v) {
        return next(new Op.Process(node, operation, s), k, v);
    }

    /** A processor whose output may carry other keys than its input. */
    private <K2, V2> StreamImpl<K2, V2> rekeying(String operation, Supplier<? extends Processor<Object, Object, Object, Object>> s,
                                                 Serde<K2> k, Serde<V2> v) {
        return next(new Op.Process(List.of(node), operation, s, true, List.of()), k, v);
    }

    @Override
    public Stream<K, V> named(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Node name must not be blank");
        }
        String current = graph.explicitName(node);
        if (node instanceof Op.Source || node instanceof Op.Repartition) {
            boolean source = node instanceof Op.Source;
            throw new IllegalStateException("Node \"" + current + "\" is a " + (source ? "source" : "repartition")
                    + " and is named after its " + (source ? "topic" : "groupBy name")
                    + "; name the operations after it instead");
        }
        if (current != null) {
            throw new IllegalStateException("This " + node.operation() + " node was already named \"" + current
                    + "\"; a node has one name");
        }
        graph.name(node, name);
        return this;
    }

    @Override
    public Stream<K, V> filter(Predicate<? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return next(new Op.Filter(node, (k, v) -> predicate.test((V) v), false), keySerde, valueSerde);
    }

    @Override
    public Stream<K, V> filterWithKey(BiPredicate<? super K, ? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return next(new Op.Filter(node, (BiPredicate) predicate, false), keySerde, valueSerde);
    }

    @Override
    public Stream<K, V> filterNot(Predicate<? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return next(new Op.Filter(node, (k, v) -> predicate.test((V) v), true), keySerde, valueSerde);
    }

    @Override
    public Stream<K, V> filterNotWithKey(BiPredicate<? super K, ? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return next(new Op.Filter(node, (BiPredicate) predicate, true), keySerde, valueSerde);
    }

    @Override
    public <KR, VR> Stream<KR, VR> map(BiFunction<? super K, ? super V, KeyValue<KR, VR>> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        BiFunction erased = mapper;
        return rekeying("map", () -> new Processors.Map(erased), null, null);
    }

    @Override
    public <VR> Stream<K, VR> mapValues(Function<? super V, ? extends VR> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return processor("mapValues", () -> new Processors.MapValues((k, v) -> mapper.apply((V) v)), keySerde, null);
    }

    @Override
    public <VR> Stream<K, VR> mapValuesWithKey(BiFunction<? super K, ? super V, ? extends VR> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        BiFunction erased = mapper;
        return processor("mapValues", () -> new Processors.MapValues(erased), keySerde, null);
    }

    @Override
    public <KR, VR> Stream<KR, VR> flatMap(BiFunction<? super K, ? super V, ? extends Iterable<KeyValue<KR, VR>>> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        BiFunction erased = mapper;
        return rekeying("flatMap", () -> new Processors.FlatMap(erased), null, null);
    }

    @Override
    public <VR> Stream<K, VR> flatMapValues(Function<? super V, ? extends Iterable<? extends VR>> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return processor("flatMapValues", () -> new Processors.FlatMapValues((k, v) -> mapper.apply((V) v)), keySerde, null);
    }

    @Override
    public <VR> Stream<K, VR> flatMapValuesWithKey(BiFunction<? super K, ? super V, ? extends Iterable<? extends VR>> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        BiFunction erased = mapper;
        return processor("flatMapValues", () -> new Processors.FlatMapValues(erased), keySerde, null);
    }

    @Override
    public <KR> Stream<KR, V> selectKey(Function<? super V, ? extends KR> keyFn) {
        Objects.requireNonNull(keyFn, "keyFn");
        return rekeying("selectKey", () -> new Processors.SelectKey((k, v) -> keyFn.apply((V) v)), null, valueSerde);
    }

    @Override
    public <KR> Stream<KR, V> selectKeyWithKey(BiFunction<? super K, ? super V, ? extends KR> keyFn) {
        Objects.requireNonNull(keyFn, "keyFn");
        BiFunction erased = keyFn;
        return rekeying("selectKey", () -> new Processors.SelectKey(erased), null, valueSerde);
    }

    @Override
    public Stream<K, V> peek(Consumer<? super V> action) {
        Objects.requireNonNull(action, "action");
        return processor("peek", () -> new Processors.Peek((k, v) -> action.accept((V) v), true), keySerde, valueSerde);
    }

    @Override
    public Stream<K, V> peekWithKey(BiConsumer<? super K, ? super V> action) {
        Objects.requireNonNull(action, "action");
        BiConsumer erased = action;
        return processor("peek", () -> new Processors.Peek(erased, true), keySerde, valueSerde);
    }

    @Override
    public void foreach(Consumer<? super V> action) {
        Objects.requireNonNull(action, "action");
        processor("foreach", () -> new Processors.Peek((k, v) -> action.accept((V) v), false), null, null);
    }

    @Override
    public void foreachWithKey(BiConsumer<? super K, ? super V> action) {
        Objects.requireNonNull(action, "action");
        BiConsumer erased = action;
        processor("foreach", () -> new Processors.Peek(erased, false), null, null);
    }

    @Override
    public Stream<K, V> addProcessor(UnaryOperator<V> processor) {
        Objects.requireNonNull(processor, "processor");
        return processor("processor", () -> new Processors.MapValues((k, v) -> processor.apply((V) v)), keySerde, valueSerde);
    }

    @Override
    public <KR, VR> Stream<KR, VR> process(String name, Supplier<? extends Processor<K, V, KR, VR>> supplier, TableHandle... tables) {
        Objects.requireNonNull(supplier, "supplier");
        Supplier erased = () -> Objects.requireNonNull(supplier.get(),
                () -> "The supplier of processor \"" + name + "\" returned null; return a new Processor each call");
        StreamImpl<KR, VR> s = next(new Op.Process(List.of(node), "process", erased, true, checkTables(tables)), null, null);
        s.named(name);
        return s;
    }

    private List<Table<?, ?>> checkTables(TableHandle[] tables) {
        List<Table<?, ?>> out = new java.util.ArrayList<>();
        for (TableHandle t : tables) {
            Table<?, ?> table = Objects.requireNonNull(t, "table").table();
            graph.checkDeclared(table);
            out.add(table);
        }
        return out;
    }

    @Override
    public Stream<K, Long> count(Table<K, Long> table) {
        return aggregateInto(table, "count", (agg, v) -> (agg == null ? 0L : (Long) agg) + 1L);
    }

    @Override
    public Stream<K, Long> sum(Table<K, Long> table, java.util.function.ToLongFunction<? super V> amount) {
        Objects.requireNonNull(amount, "amount");
        return aggregateInto(table, "sum", (agg, v) -> (agg == null ? 0L : (Long) agg) + amount.applyAsLong((V) v));
    }

    @Override
    public Stream<K, V> reduce(Table<K, V> table, java.util.function.BinaryOperator<V> reducer) {
        Objects.requireNonNull(reducer, "reducer");
        return aggregateInto(table, "reduce", (agg, v) -> agg == null ? v : reducer.apply((V) agg, (V) v));
    }

    @Override
    public <A> Stream<K, A> aggregate(Table<K, A> table, BiFunction<? super A, ? super V, ? extends A> aggregator) {
        Objects.requireNonNull(aggregator, "aggregator");
        return aggregateInto(table, "aggregate", (agg, v) -> aggregator.apply((A) agg, (V) v));
    }

    @Override
    public Stream<Windowed<K>, Long> count(WindowedTable<K, Long> table) {
        return windowed(Objects.requireNonNull(table, "table"), "count", (agg, v) -> (agg == null ? 0L : (Long) agg) + 1L,
                StreamImpl::sumLongs);
    }

    @Override
    public Stream<Windowed<K>, Long> sum(WindowedTable<K, Long> table, java.util.function.ToLongFunction<? super V> amount) {
        Objects.requireNonNull(amount, "amount");
        return windowed(Objects.requireNonNull(table, "table"), "sum",
                (agg, v) -> (agg == null ? 0L : (Long) agg) + amount.applyAsLong((V) v), StreamImpl::sumLongs);
    }

    private static Object sumLongs(Object a, Object b) {
        return (a == null ? 0L : (Long) a) + (b == null ? 0L : (Long) b);
    }

    @Override
    public Stream<Windowed<K>, V> reduce(WindowedTable<K, V> table, java.util.function.BinaryOperator<V> reducer) {
        Objects.requireNonNull(reducer, "reducer");
        BiFunction<Object, Object, Object> reduce = (agg, v) -> agg == null ? v : v == null ? agg : reducer.apply((V) agg, (V) v);
        return windowed(Objects.requireNonNull(table, "table"), "reduce", reduce, reduce);
    }

    @Override
    public <A> Stream<Windowed<K>, A> aggregate(WindowedTable<K, A> table, BiFunction<? super A, ? super V, ? extends A> aggregator) {
        Objects.requireNonNull(aggregator, "aggregator");
        Objects.requireNonNull(table, "table");
        if (table.windowing().kind() != dev.weir.dsl.Windowing.Kind.FIXED) {
            throw new IllegalArgumentException("Table \"" + table.table().name() + "\" has " + table.windowing()
                    + " windows, which combine aggregates (of merging sessions, of a sliding window's records): use"
                    + " aggregate(table, aggregator, merger) with a merger that combines two aggregates");
        }
        return windowed(table, "aggregate", (agg, v) -> aggregator.apply((A) agg, (V) v), null);
    }

    @Override
    public <A> Stream<Windowed<K>, A> aggregate(WindowedTable<K, A> table, BiFunction<? super A, ? super V, ? extends A> aggregator,
                                                java.util.function.BinaryOperator<A> merger) {
        Objects.requireNonNull(aggregator, "aggregator");
        Objects.requireNonNull(merger, "merger");
        return windowed(Objects.requireNonNull(table, "table"), "aggregate", (agg, v) -> aggregator.apply((A) agg, (V) v),
                (a, b) -> merger.apply((A) a, (A) b));
    }

    /**
     * An aggregate into a windowed table: its output keys are windowed keys, with their serde.
     * Sliding and session windows get the merger; sliding ones a table of each record's own
     * aggregate ({@code <table>-records}), kept while a window may still take the record.
     */
    private <A> Stream<Windowed<K>, A> windowed(WindowedTable<K, A> windowed, String operation,
                                               BiFunction<Object, Object, Object> aggregator,
                                               BiFunction<Object, Object, Object> merger) {
        Table<K, A> table = windowed.table();
        graph.checkDeclared(table);
        dev.weir.dsl.Windowing w = windowed.windowing();
        Op op;
        if (w.kind() == dev.weir.dsl.Windowing.Kind.FIXED) {
            op = new Op.Aggregate(node, operation, table, aggregator);
        } else {
            Table<?, ?> records = w.kind() == dev.weir.dsl.Windowing.Kind.SLIDING
                    ? graph.recordsTable(table, 2 * w.difference() + w.grace()) : null;
            op = new Op.Aggregate(node, operation, table, aggregator, merger, records);
        }
        return next(op, Windowed.serde(table.keySerde()), table.valueSerde());
    }

    @Override
    public Stream<K, V> withTimestamps(java.util.function.ToLongFunction<? super V> timestamp) {
        Objects.requireNonNull(timestamp, "timestamp");
        return processor("withTimestamps", () -> new Processors.MapRecord(r -> r.withTimestamp(timestamp.applyAsLong((V) r.value()))),
                keySerde, valueSerde);
    }

    private <A> Stream<K, A> aggregateInto(Table<K, A> table, String operation, BiFunction<Object, Object, Object> aggregator) {
        Objects.requireNonNull(table, "table");
        graph.checkDeclared(table);
        return next(new Op.Aggregate(node, operation, table, aggregator), table.keySerde(), table.valueSerde());
    }

    @Override
    public Stream<K, V> toTable(Table<K, V> table) {
        checkPlain(table, "toTable");
        return aggregateInto(table, "toTable", (agg, v) -> v);
    }

    @Override
    public <T, VR> Stream<K, VR> join(Table<K, T> table, BiFunction<? super V, ? super T, ? extends VR> joiner) {
        return join(table, joiner, false);
    }

    @Override
    public <T, VR> Stream<K, VR> leftJoin(Table<K, T> table, BiFunction<? super V, ? super T, ? extends VR> joiner) {
        return join(table, joiner, true);
    }

    @Override
    public <VO, VR> Stream<K, VR> join(Stream<K, VO> other, dev.weir.dsl.JoinWindows windows,
                                       BiFunction<? super V, ? super VO, ? extends VR> joiner, dev.weir.dsl.StreamJoined<K, V, VO> joined) {
        return streamJoin(other, windows, joiner, joined, dev.weir.topology.Node.JoinKind.INNER);
    }

    @Override
    public <VO, VR> Stream<K, VR> leftJoin(Stream<K, VO> other, dev.weir.dsl.JoinWindows windows,
                                           BiFunction<? super V, ? super VO, ? extends VR> joiner, dev.weir.dsl.StreamJoined<K, V, VO> joined) {
        return streamJoin(other, windows, joiner, joined, dev.weir.topology.Node.JoinKind.LEFT);
    }

    @Override
    public <VO, VR> Stream<K, VR> outerJoin(Stream<K, VO> other, dev.weir.dsl.JoinWindows windows,
                                            BiFunction<? super V, ? super VO, ? extends VR> joiner, dev.weir.dsl.StreamJoined<K, V, VO> joined) {
        return streamJoin(other, windows, joiner, joined, dev.weir.topology.Node.JoinKind.OUTER);
    }

    private <VO, VR> Stream<K, VR> streamJoin(Stream<K, VO> other, dev.weir.dsl.JoinWindows windows,
                                              BiFunction<? super V, ? super VO, ? extends VR> joiner,
                                              dev.weir.dsl.StreamJoined<K, V, VO> joined, dev.weir.topology.Node.JoinKind kind) {
        Objects.requireNonNull(other, "other stream");
        Objects.requireNonNull(windows, "windows");
        Objects.requireNonNull(joiner, "joiner");
        Objects.requireNonNull(joined, "joined");
        if (!(other instanceof StreamImpl<?, ?> o) || o.graph != graph) {
            throw new IllegalArgumentException("Stream join \"" + joined.name() + "\": the other stream belongs to another app;"
                    + " join streams of one app");
        }
        String name = joined.name();
        Serde<K> k = joined.keySerde() != null ? joined.keySerde() : keySerde;
        Serde<V> v = joined.valueSerde() != null ? joined.valueSerde() : valueSerde;
        Serde<VO> vo = joined.otherValueSerde() != null ? joined.otherValueSerde() : (Serde<VO>) o.valueSerde;
        if (k == null || v == null || vo == null) {
            String missing = k == null ? "key serde (withKeySerde)" : v == null ? "value serde of this stream (withValueSerde)"
                    : "value serde of the other stream (withOtherValueSerde)";
            throw new IllegalArgumentException("Stream join \"" + name + "\" needs the " + missing + " for its buffers: an operation"
                    + " before the join changed the type, so it is not known; give it with StreamJoined.as(\"" + name + "\").with...");
        }
        // A record is kept until stream time passes its time plus the whole window plus grace.
        long keep = windows.beforeMs() + windows.afterMs() + windows.graceMs();
        Table<?, ?> leftBuffer = graph.joinBuffer(name + "-left", k, v, joined.store(), keep);
        Table<?, ?> rightBuffer = graph.joinBuffer(name + "-right", k, vo, joined.store(), keep);
        BiFunction<Object, Object, Object> erased = (a, b) -> joiner.apply((V) a, (VO) b);
        Op.StreamJoin op = graph.add(new Op.StreamJoin(name, node, o.node, leftBuffer, rightBuffer, windows, erased, kind), name);
        return new StreamImpl<>(graph, op, keySerde, null);
    }

    @Override
    public <GK, GV, VR> Stream<K, VR> join(dev.weir.dsl.GlobalTable<GK, GV> table,
                                           BiFunction<? super K, ? super V, ? extends GK> keySelector,
                                           BiFunction<? super V, ? super GV, ? extends VR> joiner) {
        return globalJoin(table, keySelector, joiner, false);
    }

    @Override
    public <GK, GV, VR> Stream<K, VR> leftJoin(dev.weir.dsl.GlobalTable<GK, GV> table,
                                               BiFunction<? super K, ? super V, ? extends GK> keySelector,
                                               BiFunction<? super V, ? super GV, ? extends VR> joiner) {
        return globalJoin(table, keySelector, joiner, true);
    }

    private <GK, GV, VR> Stream<K, VR> globalJoin(dev.weir.dsl.GlobalTable<GK, GV> table,
                                                  BiFunction<? super K, ? super V, ? extends GK> keySelector,
                                                  BiFunction<? super V, ? super GV, ? extends VR> joiner, boolean left) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(keySelector, "keySelector");
        Objects.requireNonNull(joiner, "joiner");
        graph.checkDeclared(table);
        BiFunction<Object, Object, Object> key = (k, v) -> keySelector.apply((K) k, (V) v);
        BiFunction<Object, Object, Object> erased = (v, t) -> joiner.apply((V) v, (GV) t);
        return next(new Op.GlobalJoin(node, table, key, erased, left), keySerde, null);
    }

    private <T, VR> Stream<K, VR> join(Table<K, T> table, BiFunction<? super V, ? super T, ? extends VR> joiner, boolean left) {
        Objects.requireNonNull(joiner, "joiner");
        checkPlain(table, left ? "leftJoin" : "join");
        graph.checkDeclared(table);
        BiFunction<Object, Object, Object> erased = (v, t) -> joiner.apply((V) v, (T) t);
        return next(new Op.StreamTableJoin(node, table, erased, left), keySerde, null);
    }

    private static void checkPlain(Table<?, ?> table, String operation) {
        Objects.requireNonNull(table, "table");
        if (table.windowing() != null) {
            throw new IllegalArgumentException(operation + "(...) needs a plain table, but table \"" + table.name()
                    + "\" is windowed (" + table.windowing() + "); use the table as app.table(...) declared it");
        }
    }

    @Override
    public Stream<K, V> merge(Stream<K, V> other) {
        Objects.requireNonNull(other, "other");
        if (!(other instanceof StreamImpl<K, V> o) || o.graph != graph) {
            throw new IllegalArgumentException("Can only merge streams of the same app");
        }
        Serde<K> k = keySerde == o.keySerde ? keySerde : null;
        Serde<V> v = valueSerde == o.valueSerde ? valueSerde : null;
        return next(new Op.Process(List.of(node, o.node), "merge", Processors.PassThrough::new, false, List.of()), k, v);
    }

    @Override
    public Split<K, V> split(String name) {
        Objects.requireNonNull(name, "name");
        return new SplitImpl<>(this, name);
    }

    /** Called by {@link SplitImpl} when the branches are complete. */
    java.util.Map<String, Stream<K, V>> split(String name, List<String> branchNames,
                                               List<BiPredicate<Object, Object>> predicates, String defaultBranch) {
        List<String> children = new java.util.ArrayList<>();
        for (String b : branchNames) {
            children.add(name + "." + b);
        }
        String defaultChild = defaultBranch == null ? null : name + "." + defaultBranch;
        List<String> routed = List.copyOf(children);
        StreamImpl<K, V> router = processor("split", () -> new Processors.SplitRouter(routed, predicates, defaultChild),
                keySerde, valueSerde);
        router.named(name);
        java.util.Map<String, Stream<K, V>> out = new java.util.LinkedHashMap<>();
        List<String> all = new java.util.ArrayList<>(branchNames);
        if (defaultBranch != null) {
            all.add(defaultBranch);
        }
        for (String b : all) {
            StreamImpl<K, V> branch = router.processor("branch", Processors.PassThrough::new, keySerde, valueSerde);
            branch.named(name + "." + b);
            out.put(b, branch);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    @Override
    public Stream<Void, List<V>> take(int n, Duration within) {
        if (n < 1) {
            throw new IllegalArgumentException("take(n, within) needs n >= 1, got " + n);
        }
        Objects.requireNonNull(within, "within");
        if (within.toMillis() < 1) {
            throw new IllegalArgumentException("take(n, within) needs within >= 1 ms, got " + within);
        }
        return processor("take", () -> new TakeProcessor(n, within), null, null);
    }

    @Override
    public <KR> Stream<KR, V> groupBy(Function<? super V, ? extends KR> keyFn, Serde<KR> keySerde, String name) {
        Objects.requireNonNull(keySerde, "keySerde");
        return groupBy(keyFn, Repartition.<KR, V>as(name).withKeySerde(keySerde));
    }

    @Override
    public <KR> Stream<KR, V> groupBy(Function<? super V, ? extends KR> keyFn, Repartition<KR, V> options) {
        Objects.requireNonNull(keyFn, "keyFn");
        Objects.requireNonNull(options, "options");
        Serde<V> values = options.valueSerde() != null ? options.valueSerde() : valueSerde;
        TopicOptions topicOptions = options.partitions() == null
                ? TopicOptions.defaults() : TopicOptions.partitions(options.partitions());
        Topic<KR, V> topic = Topic.internal(graph.appId() + "-" + options.name() + "-repartition",
                options.keySerde(), values, topicOptions);
        Op.Repartition op = graph.add(new Op.Repartition(node, options.name(), topic, (k, v) -> keyFn.apply((V) v)), options.name());
        return new StreamImpl<>(graph, op, options.keySerde(), values);
    }

    @Override
    public void to(Topic<K, V> topic) {
        Objects.requireNonNull(topic, "topic");
        graph.add(new Op.Sink(node, topic, null));
    }

    @Override
    public <KR> void to(Topic<KR, V> topic, Function<? super V, ? extends KR> keyFn) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(keyFn, "keyFn");
        graph.add(new Op.Sink(node, topic, (k, v) -> keyFn.apply((V) v)));
    }
}
