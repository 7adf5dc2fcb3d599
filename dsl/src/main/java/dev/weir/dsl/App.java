package dev.weir.dsl;

import dev.weir.dsl.internal.StreamGraph;
import dev.weir.dsl.internal.StreamImpl;
import dev.weir.serdes.Serde;
import dev.weir.topology.Topology;
import dev.weir.topology.TopologyException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A Weir application, as Faust's {@code faust.App}: declares topics, streams and agents and
 * compiles them into a {@link Topology}.
 *
 * <pre>{@code
 * App app = App.create("hello-world");
 * Topic<String, ClickEvent> clicks = app.topic("clickevents", Serdes.string(), Serdes.json(ClickEvent.class));
 * Topic<String, ClickEvent> popular = app.topic("popular-uris", Serdes.string(), Serdes.json(ClickEvent.class));
 * app.agent(clicks, event -> System.out.println(event));
 * app.stream(clicks).filter(e -> e.number() >= 100).to(popular, ClickEvent::uri);
 * Topology topology = app.topology();
 * }</pre>
 *
 * <p>Not thread-safe: declare everything from one thread, then build the topology.
 */
public final class App {

    private final String id;
    private final StreamGraph graph;
    private final Map<String, Topic<?, ?>> topics = new LinkedHashMap<>();

    private App(String id) {
        this.id = Names.requireLegal(id, "App id");
        this.graph = new StreamGraph(id, (name, keySerde, valueSerde, options, retentionMs) ->
                Table.joinBuffer(id, name, keySerde, valueSerde, options, retentionMs));
    }

    /**
     * An app with id {@code id}: the consumer group id of its workers and the prefix of its
     * internal topics, so it must be a legal topic name part and must not change once the
     * app has run.
     *
     * @throws IllegalArgumentException when the id is empty or has characters Kafka forbids
     */
    public static App create(String id) {
        return new App(id);
    }

    public String id() {
        return id;
    }

    /** Declares a topic with the serdes of its keys and values. */
    public <K, V> Topic<K, V> topic(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        return topic(name, keySerde, valueSerde, TopicOptions.defaults());
    }

    /**
     * Declares a topic with the partition count and configs Weir uses when it creates it.
     * Declaring one name again returns the same topic when the serdes and options are the
     * same instances and values.
     *
     * @throws IllegalArgumentException when the name is not a legal topic name, or was
     *                                  declared before with other serdes or options
     */
    @SuppressWarnings("unchecked")
    public <K, V> Topic<K, V> topic(String name, Serde<K> keySerde, Serde<V> valueSerde, TopicOptions options) {
        Objects.requireNonNull(keySerde, () -> "Topic \"" + name + "\" needs a key serde, e.g. Serdes.string()");
        Objects.requireNonNull(valueSerde, () -> "Topic \"" + name + "\" needs a value serde, e.g. Serdes.json(MyRecord.class)");
        Topic<K, V> topic = Topic.of(name, keySerde, valueSerde, options);
        Topic<?, ?> existing = topics.putIfAbsent(name, topic);
        if (existing == null) {
            return topic;
        }
        if (existing.keySerde() == keySerde && existing.valueSerde() == valueSerde && existing.options().equals(options)) {
            return (Topic<K, V>) existing;
        }
        throw new IllegalArgumentException("Topic \"" + name + "\" is already declared as " + existing
                + " with " + existing.options() + "; declare it once and reuse the Topic object");
    }

    /** The topics declared so far, in order. */
    public Collection<Topic<?, ?>> topics() {
        return Collections.unmodifiableCollection(topics.values());
    }

    /**
     * The stream of records of {@code topic}, as Faust's {@code app.stream(topic)}. Every
     * stream and agent of one topic shares one source node named after the topic, so each
     * record is read and deserialized once.
     */
    public <K, V> Stream<K, V> stream(Topic<K, V> topic) {
        return StreamImpl.of(graph, checkDeclared(topic));
    }

    /**
     * Faust's {@code @app.agent(topic)} over values: {@code handler} sees each value.
     * Its node is named {@code <topic>.agent}.
     */
    public <K, V> void agent(Topic<K, V> topic, Consumer<? super V> handler) {
        Objects.requireNonNull(handler, "handler");
        StreamImpl.agent(graph, checkDeclared(topic), null, (event, ctx) -> handler.accept(event.value()));
    }

    /**
     * Faust's {@code @app.agent(topic)} with the whole event (key, value, timestamp, headers)
     * and a context that sends to other topics; the agent's node is named {@code name}, as
     * a Faust agent is named after its function. Its code may use {@code tables} (see {@link Table}).
     *
     * <pre>{@code
     * app.agent("flag-big-orders", orders, (event, ctx) -> {
     *     if (event.value().amount() > 1000) ctx.send(bigOrders, event.key(), event.value());
     * });
     * }</pre>
     */
    public <K, V> void agent(String name, Topic<K, V> topic, Agent<K, V> agent, TableHandle... tables) {
        Objects.requireNonNull(name, "name");
        StreamImpl.agent(graph, checkDeclared(topic), name, agent, tables);
    }

    /**
     * Declares a table, as Faust's {@code app.table(name, default=...)}: its changelog topic is
     * {@code <app>-<name>-changelog}, its store RocksDB.
     *
     * @param defaultValue what {@link Table#get} returns for a key without a value (may be null)
     * @throws IllegalArgumentException when the name is not a legal topic name part or is taken
     */
    public <K, V> Table<K, V> table(String name, Serde<K> keySerde, Serde<V> valueSerde, V defaultValue) {
        return table(name, keySerde, valueSerde, defaultValue, TableOptions.defaults());
    }

    /** {@link #table(String, Serde, Serde, Object)} with options (in-memory store). */
    public <K, V> Table<K, V> table(String name, Serde<K> keySerde, Serde<V> valueSerde, V defaultValue, TableOptions options) {
        Table<K, V> table = new Table<>(id, name, keySerde, valueSerde, defaultValue, options);
        graph.declare(table);
        return table;
    }

    /**
     * Declares a global table of {@code topic}, as Kafka Streams' {@code builder.globalTable(topic)}:
     * every worker holds all of its partitions (see {@link GlobalTable}), so any stream can join it
     * by any key. The table's keys and values are read with the topic's serdes; its store is RocksDB.
     *
     * <pre>{@code
     * GlobalTable<String, Product> products = app.globalTable(productTopic);
     * app.stream(orders).join(products, (customer, order) -> order.productId(), (order, product) -> order.priced(product));
     * }</pre>
     *
     * @throws IllegalArgumentException when the topic is not this app's or already has a global table
     */
    public <K, V> GlobalTable<K, V> globalTable(Topic<K, V> topic) {
        return globalTable(topic, TableOptions.defaults());
    }

    /** {@link #globalTable(Topic)} with options ({@link TableOptions#inMemory()}). */
    public <K, V> GlobalTable<K, V> globalTable(Topic<K, V> topic, TableOptions options) {
        GlobalTable<K, V> table = new GlobalTable<>(checkDeclared(topic), options);
        graph.declare(table);
        return table;
    }

    /**
     * Joins two tables by a foreign key, as Kafka Streams' {@code KTable.join(other,
     * foreignKeyExtractor, joiner)}: each value of {@code left} names a key of {@code right}
     * ({@code foreignKey}, null for none), and the result stream, keyed by the left key, gets
     * {@code joiner(left value, right value)} whenever either side changes a joined pair, and a
     * tombstone when a left key stops joining (deleted, its foreign key changed to one the right
     * table lacks, or the right key deleted). The tables need not be co-partitioned: each left key
     * subscribes to its foreign key through the internal topic {@code <app>-<name>-subscription}
     * (partitioned like {@code right}) and the right side answers through
     * {@code <app>-<name>-response} (partitioned like {@code left}); a stale answer (the left value
     * changed since it was asked for) is dropped. Its nodes are {@code <name>.subscribe},
     * {@code .lookup}, {@code .right}, {@code .join} and {@code <name>}.
     *
     * <pre>{@code
     * app.join("order-customers", orders, customers, Order::customerId, (order, customer) -> order.id() + " " + customer.name())
     *    .toTable(orderDetails);
     * }</pre>
     *
     * @throws IllegalArgumentException when a table is windowed, undeclared, or both are the same
     */
    public <K1, V1, K2, V2, VR> Stream<K1, VR> join(String name, Table<K1, V1> left, Table<K2, V2> right,
                                                   java.util.function.Function<? super V1, ? extends K2> foreignKey,
                                                   java.util.function.BiFunction<? super V1, ? super V2, ? extends VR> joiner) {
        return StreamImpl.foreignKeyJoin(graph, name, left, right, foreignKey, joiner, false);
    }

    /**
     * {@link #join(String, Table, Table, java.util.function.Function, java.util.function.BiFunction)}
     * that keeps every left key: {@code joiner(left value, null)} while its foreign key is null or
     * missing from {@code right}; a tombstone when {@code left} deletes it.
     */
    public <K1, V1, K2, V2, VR> Stream<K1, VR> leftJoin(String name, Table<K1, V1> left, Table<K2, V2> right,
                                                       java.util.function.Function<? super V1, ? extends K2> foreignKey,
                                                       java.util.function.BiFunction<? super V1, ? super V2, ? extends VR> joiner) {
        return StreamImpl.foreignKeyJoin(graph, name, left, right, foreignKey, joiner, true);
    }

    /**
     * Joins two tables on their key, as Kafka Streams' {@code KTable.join}: whenever either
     * table changes a key (through an aggregate or {@code toTable} of this app) and both tables
     * hold it, the result stream gets {@code joiner(left value, right value)} under the key; when a
     * key that joined stops joining (a side deleted it), it gets a tombstone (null value). The
     * tables must be co-partitioned (they live in one task per partition); the result is
     * materialized by {@code .toTable(resultTable)} when wanted. Its nodes are named
     * {@code <name>.left}, {@code <name>.right} and {@code <name>}.
     *
     * <pre>{@code
     * app.join("customer-totals", customers, totals, (customer, total) -> customer.name() + ": " + total)
     *    .toTable(customerTotals);
     * }</pre>
     *
     * @throws IllegalArgumentException when a table is windowed, undeclared, or both are the same
     */
    public <K, V1, V2, VR> Stream<K, VR> join(String name, Table<K, V1> left, Table<K, V2> right,
                                             java.util.function.BiFunction<? super V1, ? super V2, ? extends VR> joiner) {
        return StreamImpl.tableJoin(graph, name, left, right, joiner, dev.weir.topology.Node.JoinKind.INNER);
    }

    /**
     * {@link #join(String, Table, Table, java.util.function.BiFunction)} that keeps every key of
     * {@code left}: {@code joiner(left value, null)} while {@code right} has none; a tombstone when
     * {@code left} deletes the key.
     */
    public <K, V1, V2, VR> Stream<K, VR> leftJoin(String name, Table<K, V1> left, Table<K, V2> right,
                                                 java.util.function.BiFunction<? super V1, ? super V2, ? extends VR> joiner) {
        return StreamImpl.tableJoin(graph, name, left, right, joiner, dev.weir.topology.Node.JoinKind.LEFT);
    }

    /**
     * {@link #join(String, Table, Table, java.util.function.BiFunction)} that keeps every key of
     * either table: the missing side is null in the joiner; a tombstone once both deleted the key.
     */
    public <K, V1, V2, VR> Stream<K, VR> outerJoin(String name, Table<K, V1> left, Table<K, V2> right,
                                                  java.util.function.BiFunction<? super V1, ? super V2, ? extends VR> joiner) {
        return StreamImpl.tableJoin(graph, name, left, right, joiner, dev.weir.topology.Node.JoinKind.OUTER);
    }

    /**
     * Compiles everything declared so far into an immutable, validated topology. It can be
     * called again after more declarations.
     *
     * @throws TopologyException listing every problem found, each with the node's name
     */
    public Topology topology() {
        return graph.compile(topics.values());
    }

    /**
     * Runs the app's command line, as Faust's {@code app.main()}: {@code worker} runs the
     * topology on Kafka, {@code describe} prints it, {@code send} writes a record to one of the
     * app's topics; {@code --help} lists the options. Exits the JVM with the command's code.
     *
     * <pre>{@code
     * public static void main(String[] args) { buildApp().main(args); }
     * }</pre>
     *
     * @throws IllegalStateException when the runtime module (weir-runtime) is not on the class path
     */
    public void main(String[] args) {
        System.exit(run(args));
    }

    /** {@link #main(String[])} without exiting: returns the command's exit code. */
    public int run(String... args) {
        java.util.Iterator<dev.weir.dsl.spi.AppLauncher> it =
                java.util.ServiceLoader.load(dev.weir.dsl.spi.AppLauncher.class).iterator();
        if (!it.hasNext()) {
            throw new IllegalStateException("No Weir runtime on the class path: add the dev.weir:weir-runtime dependency to run app \""
                    + id + "\"");
        }
        return it.next().run(this, args);
    }

    private <K, V> Topic<K, V> checkDeclared(Topic<K, V> topic) {
        Objects.requireNonNull(topic, "topic");
        if (topics.get(topic.name()) != topic) {
            throw new IllegalArgumentException("Topic \"" + topic.name() + "\" was not declared by app \"" + id
                    + "\"; declare it with app.topic(...)");
        }
        return topic;
    }

    @Override
    public String toString() {
        return "App{" + id + "}";
    }
}
