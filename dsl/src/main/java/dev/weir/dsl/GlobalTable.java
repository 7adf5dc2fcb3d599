package dev.weir.dsl;

import dev.weir.serdes.Serde;
import java.util.Objects;

/**
 * A table that every worker holds whole: all partitions of one topic, as Kafka Streams'
 * {@code GlobalKTable}. Declare it with {@link App#globalTable(Topic)}; join any stream with it
 * by a key computed from each record ({@link Stream#join(GlobalTable, java.util.function.BiFunction,
 * java.util.function.BiFunction)}), with no co-partitioning needed.
 *
 * <p>Each worker keeps the table in a store of its own (RocksDB under
 * {@code <state dir>/<app>/global/<topic>} by default, or in memory), fed by a thread of its own
 * that reads every partition of the topic: at start it reads up to the end the topic had then
 * before any task processes a record, and afterwards it applies each new record as it comes (the
 * latest value per key; a null value deletes the key). The topic itself is the table's changelog:
 * it should be compacted, and nothing else of the app may read it as a stream. A RocksDB store
 * checkpoints how far it read, so a restart reads only what came since. Immutable.
 */
public final class GlobalTable<K, V> {

    private final Topic<K, V> topic;
    private final TableOptions options;

    GlobalTable(Topic<K, V> topic, TableOptions options) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The table's name: its topic's. */
    public String name() {
        return topic.name();
    }

    /** The topic the table holds. */
    public Topic<K, V> topic() {
        return topic;
    }

    public Serde<K> keySerde() {
        return topic.keySerde();
    }

    public Serde<V> valueSerde() {
        return topic.valueSerde();
    }

    /** Where each worker keeps the table. */
    public TableOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "GlobalTable{" + topic.name() + ", store=" + options.store() + "}";
    }
}
