package dev.weir.dsl;

import dev.weir.serdes.Serde;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * An unbounded stream of keyed records, as Faust's {@code app.stream(topic)}. Every method
 * records an operation and returns a new stream for the next one; nothing runs until the
 * topology built by {@link App#topology()} is run by a worker or the testkit.
 *
 * <p>Functions take the value, as in Faust; the {@code ...WithKey} variants take the key and
 * the value, as in Kafka Streams: {@code filter(v -> ...)}, {@code filterWithKey((k, v) -> ...)}.
 * (Distinct names, not overloads, so that method references such as {@code list::add} are
 * never ambiguous.) Operations that change
 * the key ({@link #map}, {@link #selectKey}, {@link #flatMap}) do not move records between
 * partitions: only {@link #groupBy} does, through an internal topic.
 *
 * <p>Each operation gets a node name derived from its parent (for example
 * {@code clicks.filter.mapValues}); {@link #named} sets one explicitly. Names must not change
 * once an app runs where they name state.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface Stream<K, V> {

    /** Names the node that produces this stream (instead of the derived name). Call it at most once. */
    Stream<K, V> named(String name);

    /** Keeps the records whose value matches. */
    Stream<K, V> filter(Predicate<? super V> predicate);

    /** Keeps the records whose key and value match. */
    Stream<K, V> filterWithKey(BiPredicate<? super K, ? super V> predicate);

    /** Drops the records whose value matches. */
    Stream<K, V> filterNot(Predicate<? super V> predicate);

    /** Drops the records whose key and value match. */
    Stream<K, V> filterNotWithKey(BiPredicate<? super K, ? super V> predicate);

    /** Replaces key and value; the record stays in its partition. */
    <KR, VR> Stream<KR, VR> map(BiFunction<? super K, ? super V, KeyValue<KR, VR>> mapper);

    /** Replaces the value, keeping the key. */
    <VR> Stream<K, VR> mapValues(Function<? super V, ? extends VR> mapper);

    /** Replaces the value, computed from key and value. */
    <VR> Stream<K, VR> mapValuesWithKey(BiFunction<? super K, ? super V, ? extends VR> mapper);

    /** Replaces each record by zero or more records. */
    <KR, VR> Stream<KR, VR> flatMap(BiFunction<? super K, ? super V, ? extends Iterable<KeyValue<KR, VR>>> mapper);

    /** Replaces each value by zero or more values with the same key. */
    <VR> Stream<K, VR> flatMapValues(Function<? super V, ? extends Iterable<? extends VR>> mapper);

    /** Replaces each value by zero or more values with the same key, computed from key and value. */
    <VR> Stream<K, VR> flatMapValuesWithKey(BiFunction<? super K, ? super V, ? extends Iterable<? extends VR>> mapper);

    /** Sets a new key computed from the value; the record stays in its partition (use {@link #groupBy} to move it). */
    <KR> Stream<KR, V> selectKey(Function<? super V, ? extends KR> keyFn);

    /** Sets a new key computed from key and value. */
    <KR> Stream<KR, V> selectKeyWithKey(BiFunction<? super K, ? super V, ? extends KR> keyFn);

    /** Calls {@code action} for each value and passes the record on unchanged. */
    Stream<K, V> peek(Consumer<? super V> action);

    /** Calls {@code action} for each key and value and passes the record on unchanged. */
    Stream<K, V> peekWithKey(BiConsumer<? super K, ? super V> action);

    /** Calls {@code action} for each value; ends the stream. */
    void foreach(Consumer<? super V> action);

    /** Calls {@code action} for each key and value; ends the stream. */
    void foreachWithKey(BiConsumer<? super K, ? super V> action);

    /**
     * Faust's {@code stream.add_processor(fn)}: a value callback applied in the order added;
     * its result replaces the value (return the value itself to keep it).
     */
    Stream<K, V> addProcessor(UnaryOperator<V> processor);

    /**
     * Runs a {@link Processor} (one instance per task) named {@code name}; it sees key,
     * headers, timestamp and the record's topic/partition/offset and forwards what it wants.
     * Its code may use {@code tables} (see {@link Table}). Weir assumes a processor may change
     * keys, so a table below it needs a {@link #groupBy} in between.
     */
    <KR, VR> Stream<KR, VR> process(String name, Supplier<? extends Processor<K, V, KR, VR>> supplier, TableHandle... tables);

    /**
     * Counts records per key into {@code table} and forwards each key's new count. The stream
     * must be partitioned by its key (read from a topic keyed that way, or {@link #groupBy}
     * first); otherwise building the topology fails.
     *
     * <pre>{@code
     * Table<String, Long> counts = app.table("uri-counts", Serdes.string(), Serdes.longs(), 0L);
     * app.stream(clicks).groupBy(ClickEvent::uri, Serdes.string(), "by-uri").count(counts).to(countsTopic);
     * }</pre>
     */
    Stream<K, Long> count(Table<K, Long> table);

    /**
     * Counts records per key and window into a windowed table and forwards, for each window the
     * record falls in (one for tumbling windows, size/step for hopping ones), the key's new count
     * in it under its {@link Windowed} key; with {@link WindowedTable#emitFinal()}, one record per
     * key and window when the window closes instead. Records later than the grace period are
     * dropped (and counted in {@code weir.records.late.dropped}).
     *
     * <pre>{@code
     * Topic<Windowed<String>, Long> out = app.topic("per-minute", Windowed.serde(Serdes.string()), Serdes.longs());
     * app.stream(clicks).groupBy(ClickEvent::uri, Serdes.string(), "by-uri").count(perMinute).to(out);
     * }</pre>
     */
    Stream<Windowed<K>, Long> count(WindowedTable<K, Long> table);

    /** {@link #sum(Table, java.util.function.ToLongFunction)} per window, forwarded as {@link #count(WindowedTable)} says. */
    Stream<Windowed<K>, Long> sum(WindowedTable<K, Long> table, java.util.function.ToLongFunction<? super V> amount);

    /** {@link #reduce(Table, java.util.function.BinaryOperator)} per window, forwarded as {@link #count(WindowedTable)} says. */
    Stream<Windowed<K>, V> reduce(WindowedTable<K, V> table, java.util.function.BinaryOperator<V> reducer);

    /** {@link #aggregate(Table, BiFunction)} per window, forwarded as {@link #count(WindowedTable)} says. */
    <A> Stream<Windowed<K>, A> aggregate(WindowedTable<K, A> table, BiFunction<? super A, ? super V, ? extends A> aggregator);

    /**
     * {@link #aggregate(WindowedTable, BiFunction)} for any windows, sliding and session ones
     * included: {@code merger} combines two aggregates of a key (of two sessions a record merges,
     * of the records of a sliding window, each first aggregated on its own from the table's default),
     * earlier one first. {@code count}, {@code sum} and {@code reduce} bring their own.
     *
     * <pre>{@code
     * byUser.aggregate(sessions, (pages, click) -> pages + 1, Long::sum)
     * }</pre>
     */
    <A> Stream<Windowed<K>, A> aggregate(WindowedTable<K, A> table, BiFunction<? super A, ? super V, ? extends A> aggregator,
                                         java.util.function.BinaryOperator<A> merger);

    /**
     * Sets each record's event-time timestamp from its value (e.g. a field), so that windows and
     * sinks use it: {@code stream.withTimestamps(e -> e.occurredAt().toEpochMilli())}.
     */
    Stream<K, V> withTimestamps(java.util.function.ToLongFunction<? super V> timestamp);

    /** Adds {@code amount(value)} to each key's total in {@code table} and forwards the new total. */
    Stream<K, Long> sum(Table<K, Long> table, java.util.function.ToLongFunction<? super V> amount);

    /** Combines each value with its key's current value in {@code table} (the first value is stored as is). */
    Stream<K, V> reduce(Table<K, V> table, java.util.function.BinaryOperator<V> reducer);

    /**
     * Computes each key's new value in {@code table} from its current value (the table's default
     * when it has none) and the record's value, stores it and forwards it.
     */
    <A> Stream<K, A> aggregate(Table<K, A> table, BiFunction<? super A, ? super V, ? extends A> aggregator);

    /**
     * Keeps each key's latest value in {@code table}, as Kafka Streams' {@code builder.table(topic)}:
     * every record's value replaces its key's value, and a record with a null value (a tombstone)
     * deletes the key. Forwards each record (tombstones included) as the table's change. Like the
     * aggregates, it needs a stream partitioned by its key.
     *
     * <pre>{@code
     * Table<String, Customer> customers = app.table("customers", Serdes.string(), Serdes.json(Customer.class), null);
     * app.stream(customerTopic).toTable(customers);
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code table} is windowed
     */
    Stream<K, V> toTable(Table<K, V> table);

    /**
     * Joins each record with its key's current value in {@code table} and forwards
     * {@code joiner(value, tableValue)} under the record's key; a key the table has no value for
     * forwards nothing (the table's default value is not used). Only stream records trigger the
     * join: a table update later does not revise what was joined before, as in Kafka Streams.
     *
     * <p>The stream and the table's feed must be co-partitioned: the stream read from a topic
     * keyed as the table and with as many partitions as the table's source (a re-keyed stream
     * needs {@link #groupBy} first; building the topology says so, and a worker checks the
     * partition counts on the broker when it starts). The stream's records and the table's
     * updates are processed in one task, the table's partition local to it.
     *
     * <pre>{@code
     * Table<String, Customer> customers = app.table("customers", Serdes.string(), Serdes.json(Customer.class), null);
     * app.stream(customerTopic).toTable(customers);
     * app.stream(orders)                                        // keyed by customer id
     *         .join(customers, (order, customer) -> new EnrichedOrder(order, customer.name()))
     *         .to(enriched);
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code table} is windowed or was not declared by this app
     */
    <T, VR> Stream<K, VR> join(Table<K, T> table, BiFunction<? super V, ? super T, ? extends VR> joiner);

    /**
     * {@link #join(Table, BiFunction)} that also forwards records whose key has no value in
     * {@code table}, as {@code joiner(value, null)}.
     */
    <T, VR> Stream<K, VR> leftJoin(Table<K, T> table, BiFunction<? super V, ? super T, ? extends VR> joiner);

    /**
     * Joins each record with the value its {@code keySelector} names in a global table, as Kafka
     * Streams' {@code KStream.join(GlobalKTable, KeyValueMapper, ValueJoiner)}: the worker holds all
     * of the table, so the stream needs no particular partitioning and keeps its key. Forwards
     * {@code joiner(value, table value)} under the record's key; a record whose selected key is
     * null or has no value in the table is dropped. The lookup sees the table as the worker's global
     * thread has read it so far (a table update is not synchronized with the stream).
     *
     * <pre>{@code
     * orders.join(products, (customer, order) -> order.productId(), (order, product) -> order.priced(product))
     * }</pre>
     */
    <GK, GV, VR> Stream<K, VR> join(GlobalTable<GK, GV> table, BiFunction<? super K, ? super V, ? extends GK> keySelector,
                                    BiFunction<? super V, ? super GV, ? extends VR> joiner);

    /**
     * {@link #join(GlobalTable, BiFunction, BiFunction)} that also forwards the records whose selected
     * key is null or missing from the table, as {@code joiner(value, null)}.
     */
    <GK, GV, VR> Stream<K, VR> leftJoin(GlobalTable<GK, GV> table, BiFunction<? super K, ? super V, ? extends GK> keySelector,
                                        BiFunction<? super V, ? super GV, ? extends VR> joiner);

    /**
     * Joins this stream with {@code other} within time windows, as Kafka Streams'
     * {@code KStream.join(KStream, ValueJoiner, JoinWindows, StreamJoined)}: each record of this
     * stream at time {@code t} joins every record of {@code other} with the same key and a
     * timestamp within {@code windows} of {@code t} (in either order of arrival), forwarding
     * {@code joiner(value, otherValue)} under the key, timestamped with the later of the two.
     * Records out of order join as if in order unless they are later than {@link JoinWindows}
     * allows (then they are dropped and counted in {@code weir.records.late.dropped}). Both sides wait in
     * buffers named by {@code joined}, changelogged and restored like tables, and expire by
     * stream time. Both streams must be partitioned by the key with as many partitions (read from
     * topics keyed so, or {@link #groupBy} first); the topology build checks it, and the worker
     * checks the partition counts on the broker. A record with a null key or value is a bad
     * record (the error policy handles it). The join's nodes are {@code <name>.left},
     * {@code <name>.right} and {@code <name>}.
     *
     * <pre>{@code
     * orders.join(payments, JoinWindows.of(Duration.ofMinutes(5)).grace(Duration.ofSeconds(30)),
     *         (order, payment) -> new PaidOrder(order, payment), StreamJoined.as("order-payments"))
     *       .to(paid);
     * }</pre>
     *
     * @throws IllegalArgumentException when a serde is neither known from the streams nor given in {@code joined}
     */
    <VO, VR> Stream<K, VR> join(Stream<K, VO> other, JoinWindows windows, BiFunction<? super V, ? super VO, ? extends VR> joiner,
                                StreamJoined<K, V, VO> joined);

    /**
     * {@link #join(Stream, JoinWindows, BiFunction, StreamJoined)} that also forwards each record of
     * this stream that joined nothing, as {@code joiner(value, null)} timestamped with its own
     * time, once no partner can arrive any more (stream time passed its time plus the whole
     * window plus grace, see {@link JoinWindows}), so that result is final.
     */
    <VO, VR> Stream<K, VR> leftJoin(Stream<K, VO> other, JoinWindows windows,
                                    BiFunction<? super V, ? super VO, ? extends VR> joiner, StreamJoined<K, V, VO> joined);

    /**
     * {@link #leftJoin(Stream, JoinWindows, BiFunction, StreamJoined)} for both sides: a record of
     * {@code other} that joined nothing is forwarded as {@code joiner(null, otherValue)} once its
     * window closed.
     */
    <VO, VR> Stream<K, VR> outerJoin(Stream<K, VO> other, JoinWindows windows,
                                     BiFunction<? super V, ? super VO, ? extends VR> joiner, StreamJoined<K, V, VO> joined);

    /** This stream and {@code other} as one stream (records keep their own partitions). */
    Stream<K, V> merge(Stream<K, V> other);

    /**
     * Routes each record to the first branch whose predicate matches:
     * <pre>{@code
     * Map<String, Stream<String, Order>> b = orders.split("by-size")
     *         .branch("big", o -> o.amount() >= 1000)
     *         .branch("small", o -> o.amount() < 10)
     *         .defaultBranch("normal");
     * }</pre>
     * Branch streams are named {@code <split name>.<branch name>}.
     */
    Split<K, V> split(String name);

    /**
     * Faust's {@code stream.take(n, within)}: groups values into batches of {@code n}; a
     * partial batch is emitted when {@code within} of wall-clock time has passed since its
     * first value. Batches are per task (partition), carry no key, the timestamp of their last
     * record and no headers. Offsets of records waiting in a batch are not committed until the
     * batch is emitted.
     *
     * @throws IllegalArgumentException when {@code n < 1} or {@code within} is shorter than 1 ms
     */
    Stream<Void, List<V>> take(int n, Duration within);

    /**
     * Re-keys each record with {@code keyFn} and repartitions through the internal topic
     * {@code <app>-<name>-repartition}, so that all records with equal keys are processed by
     * one task, as Faust's {@code group_by(key, name=...)}. The value serde is the stream's.
     */
    <KR> Stream<KR, V> groupBy(Function<? super V, ? extends KR> keyFn, Serde<KR> keySerde, String name);

    /** {@link #groupBy(Function, Serde, String)} with all options (value serde, partition count). */
    <KR> Stream<KR, V> groupBy(Function<? super V, ? extends KR> keyFn, Repartition<KR, V> options);

    /** Writes every record to {@code topic} with the topic's serdes, keeping key, timestamp and headers. */
    void to(Topic<K, V> topic);

    /** Writes every record to {@code topic} with the key computed from the value (Faust's {@code topic.send(key=...)}). */
    <KR> void to(Topic<KR, V> topic, Function<? super V, ? extends KR> keyFn);
}
