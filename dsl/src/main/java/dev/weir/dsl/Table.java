package dev.weir.dsl;

import dev.weir.dsl.spi.TableAccess;
import dev.weir.serdes.Serde;
import java.util.Objects;

/**
 * A partitioned, fault-tolerant dictionary, as Faust's {@code app.table(...)}: each task holds
 * the keys of its partition in a local store (RocksDB by default), every write also goes to the
 * changelog topic {@code <app>-<name>-changelog}, and a task that moves to another worker is
 * restored from it before it processes anything.
 *
 * <pre>{@code
 * Table<String, Long> counts = app.table("uri-counts", Serdes.string(), Serdes.longs(), 0L);
 * app.stream(clicks).groupBy(ClickEvent::uri, Serdes.string(), "by-uri").count(counts);   // an aggregate helper
 *
 * app.agent("track", clicks, (event, ctx) -> {                                            // or by hand, in an agent
 *     counts.put(event.key(), counts.get(event.key()) + 1);
 * }, counts);
 * }</pre>
 *
 * <p>{@link #get}, {@link #put}, {@link #delete} work inside the agents, processors and stream
 * functions of the node that declared the table (they reach the store of the task running the
 * current record) and throw {@link IllegalStateException} elsewhere. The key must be the key the
 * stream is partitioned by: a table fed by a re-keyed stream is refused when the topology is
 * built, with a message that says to {@code groupBy} first.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class Table<K, V> implements TableHandle {

    private final String name;
    private final String appId;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final V defaultValue;
    private final TableOptions options;
    private final Topic<K, V> changelog;
    private final Windowing windowing;
    private final Table<K, V> declared;

    Table(String appId, String name, Serde<K> keySerde, Serde<V> valueSerde, V defaultValue, TableOptions options) {
        this(appId, name, keySerde, valueSerde, defaultValue, options, null, null, -1);
    }

    /**
     * The buffer of one side of a stream-stream join: records wait in it for {@code retentionMs}
     * of event time, so its changelog also deletes by time.
     */
    static <K, V> Table<K, V> joinBuffer(String appId, String name, Serde<K> keySerde, Serde<V> valueSerde, TableOptions options,
                                         long retentionMs) {
        return new Table<>(appId, name, keySerde, valueSerde, null, options, null, null, retentionMs);
    }

    private Table(String appId, String name, Serde<K> keySerde, Serde<V> valueSerde, V defaultValue, TableOptions options,
                  Windowing windowing, Table<K, V> declared, long retentionMs) {
        this.windowing = windowing;
        this.declared = declared == null ? this : declared;
        this.appId = appId;
        this.name = Names.requireLegal(name, "Table name");
        this.keySerde = Objects.requireNonNull(keySerde, () -> "Table \"" + name + "\" needs a key serde");
        this.valueSerde = Objects.requireNonNull(valueSerde, () -> "Table \"" + name + "\" needs a value serde");
        this.defaultValue = defaultValue;
        this.options = Objects.requireNonNull(options, "options");
        // Windowed changelogs and join buffers also delete by time: their records are useless once expired.
        long timeBound = windowing != null ? windowing.closeAfter() + windowing.expires() : retentionMs;
        this.changelog = Topic.internal(appId + "-" + name + "-changelog", keySerde, valueSerde, timeBound < 0
                ? TopicOptions.defaults().config("cleanup.policy", "compact")
                : TopicOptions.defaults().config("cleanup.policy", "compact,delete")
                        .config("retention.ms", Long.toString(timeBound + 86_400_000L)));
    }

    /** Windows of {@code size} that do not overlap, as Faust's {@code table.tumbling(size)}. */
    public WindowedTable<K, V> tumbling(java.time.Duration size) {
        checkPlain();
        Windowing w = Windowing.of(size, size);
        return new WindowedTable<>(withWindowing(w), w, WindowedTable.RelativeTo.EVENT);
    }

    /** Windows of {@code size} starting every {@code step}, as Faust's {@code table.hopping(size, step)}. */
    public WindowedTable<K, V> hopping(java.time.Duration size, java.time.Duration step) {
        checkPlain();
        Windowing w = Windowing.of(size, step);
        return new WindowedTable<>(withWindowing(w), w, WindowedTable.RelativeTo.EVENT);
    }

    /**
     * Sliding windows, as Kafka Streams' {@code SlidingWindows.ofTimeDifference...}: a window for
     * each record's time difference ({@code [t - difference, t]}), updated by every record within
     * it, so two records of a key share a window exactly when their times differ by at most
     * {@code difference}. Aggregates into it ({@code count}, {@code sum}, {@code reduce}, or
     * {@code aggregate} with a merger) forward each window a record changes.
     */
    public WindowedTable<K, V> sliding(java.time.Duration difference) {
        checkPlain();
        Windowing w = Windowing.sliding(difference);
        return new WindowedTable<>(withWindowing(w), w, WindowedTable.RelativeTo.EVENT);
    }

    /**
     * Session windows, as Kafka Streams' {@code SessionWindows.ofInactivityGap...} and Faust
     * users' request: a key's records with no pause longer than {@code gap} form a session from
     * its first record to its last; a record within the gap of two sessions merges them (the
     * aggregate's merger combines their values, and the old sessions are forwarded as deleted,
     * with a null value, before the merged one).
     */
    public WindowedTable<K, V> session(java.time.Duration gap) {
        checkPlain();
        Windowing w = Windowing.session(gap);
        return new WindowedTable<>(withWindowing(w), w, WindowedTable.RelativeTo.EVENT);
    }

    private void checkPlain() {
        if (windowing != null) {
            throw new IllegalStateException("Table \"" + name + "\" is already windowed (" + windowing + ")");
        }
    }

    Table<K, V> withWindowing(Windowing w) {
        return new Table<>(appId, name, keySerde, valueSerde, defaultValue, options, w, declared, -1);
    }

    /** The windows of this table, or null for a plain table. */
    public Windowing windowing() {
        return windowing;
    }

    /** This table. */
    @Override
    public Table<K, V> table() {
        return this;
    }

    /** The table as {@code app.table(...)} declared it (before any windowing). */
    public Table<K, V> declared() {
        return declared;
    }

    public String name() {
        return name;
    }

    public Serde<K> keySerde() {
        return keySerde;
    }

    public Serde<V> valueSerde() {
        return valueSerde;
    }

    /** What {@link #get} returns for a key that has no value; may be null. */
    public V defaultValue() {
        return defaultValue;
    }

    public TableOptions options() {
        return options;
    }

    /** The compacted topic {@code <app>-<name>-changelog} that backs the table. */
    public Topic<K, V> changelogTopic() {
        return changelog;
    }

    /** The value of {@code key}, or the table's default value when it has none. */
    public V get(K key) {
        checkNotWindowed();
        V v = access().get(this, key);
        return v == null ? defaultValue : v;
    }

    /** The value of {@code key}, or {@code fallback} when it has none. */
    public V getOrDefault(K key, V fallback) {
        checkNotWindowed();
        V v = access().get(this, key);
        return v == null ? fallback : v;
    }

    /** Whether {@code key} has a value. */
    public boolean containsKey(K key) {
        return access().get(this, key) != null;
    }

    /** Sets the value of {@code key}; a null value deletes it. */
    public void put(K key, V value) {
        checkNotWindowed();
        if (value == null) {
            access().delete(this, key);
        } else {
            access().put(this, key, value);
        }
    }

    /** Removes {@code key}. */
    public void delete(K key) {
        checkNotWindowed();
        access().delete(this, key);
    }

    TableAccess access() {
        TableAccess a = TableAccess.current();
        if (a == null) {
            throw new IllegalStateException("Table \"" + name + "\" of app \"" + appId + "\" is used outside a running task;"
                    + " use it inside an agent, processor or stream function that declares it (e.g. app.agent(name, topic,"
                    + " agent, " + name + ")), or read it in tests with driver.table(...)");
        }
        return a;
    }

    private void checkNotWindowed() {
        if (windowing != null) {
            throw new IllegalStateException("Table \"" + name + "\" is windowed; read it with windowedTable.get(key).current()"
                    + " and write it with windowedTable.update(key, fn)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Table<?, ?> t && name.equals(t.name) && appId.equals(t.appId);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "Table{" + name + ", key: " + keySerde.describe() + ", value: " + valueSerde.describe() + ", " + options.store() + "}";
    }
}
