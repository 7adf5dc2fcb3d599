package dev.weir.benchmarks;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.dsl.Windowed;
import dev.weir.dsl.WindowedTable;
import java.time.Duration;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.WindowStore;
import dev.weir.serdes.Serdes;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes.LongSerde;
import org.apache.kafka.common.serialization.Serdes.StringSerde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * groupBy + count over the {@link StatelessWorkload} input: records are re-keyed by the user
 * named in their value (the same 10,000 users as the input keys, but found by parsing the value,
 * so the repartition is real work), counted per user into a table, and each new count is written
 * to the output. Built for Weir and for Kafka Streams from the same function.
 */
public final class CountWorkload {

    static final String GROUP_NAME = "by-user";
    static final String TABLE = "counts";
    private static final String USER = ";user=";

    private CountWorkload() {
    }

    /** The user a value names. */
    public static String user(String value) {
        int from = value.indexOf(USER) + USER.length();
        return value.substring(from, value.indexOf(';', from));
    }

    /** The count every user reaches after {@code records} input records. */
    public static long expectedCount(String user, long records) {
        long index = Long.parseLong(user.substring("key-".length()));
        long full = records / StatelessWorkload.DISTINCT_KEYS;
        return full + (index < records % StatelessWorkload.DISTINCT_KEYS ? 1 : 0);
    }

    /** How many distinct users {@code records} records name. */
    public static long users(long records) {
        return Math.min(records, StatelessWorkload.DISTINCT_KEYS);
    }

    /** Checks that the last count of every user is the expected one; throws naming the first that is not. */
    public static void verify(String contender, Map<String, Long> lastCounts, long records) {
        if (lastCounts.size() != users(records)) {
            throw new IllegalStateException(contender + ": counts for " + lastCounts.size() + " users, expected " + users(records));
        }
        lastCounts.forEach((user, count) -> {
            long expected = expectedCount(user, records);
            if (count != expected) {
                throw new IllegalStateException(contender + ": user " + user + " counted " + count + ", expected " + expected);
            }
        });
    }

    /** The workload as a Weir app. */
    public static WeirApp weirApp(String appId, String input, String output, TableOptions store) {
        App app = App.create(appId);
        Topic<String, String> in = app.topic(input, Serdes.string(), Serdes.string());
        Topic<String, Long> out = app.topic(output, Serdes.string(), Serdes.longs());
        Table<String, Long> counts = app.table(TABLE, Serdes.string(), Serdes.longs(), 0L, store);
        app.stream(in)
           .groupBy(CountWorkload::user, Serdes.string(), GROUP_NAME)
           .count(counts)
           .to(out);
        return new WeirApp(app.topology(), in, out, counts);
    }

    /** Window size of the windowed count: one minute. */
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Grace of the windowed count, long enough that no record of a pass is late. */
    static final Duration GRACE = Duration.ofHours(1);

    /**
     * The windowed count as a Weir app: per user and 1-minute tumbling window (event time: the
     * records' timestamps), every new count written under its {@code Windowed} key.
     */
    public static dev.weir.topology.Topology weirWindowedTopology(String appId, String input, String output) {
        App app = App.create(appId);
        Topic<String, String> in = app.topic(input, Serdes.string(), Serdes.string());
        Topic<Windowed<String>, Long> out = app.topic(output, Windowed.serde(Serdes.string()), Serdes.longs());
        WindowedTable<String, Long> counts = app.table(TABLE, Serdes.string(), Serdes.longs(), 0L).tumbling(WINDOW).grace(GRACE);
        app.stream(in)
           .groupBy(CountWorkload::user, Serdes.string(), GROUP_NAME)
           .count(counts)
           .to(out);
        return app.topology();
    }

    /** The same windowed count in Kafka Streams: {@code windowedBy(TimeWindows)} into a RocksDB window store. */
    public static org.apache.kafka.streams.Topology kafkaStreamsWindowedTopology(String input, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(new StringSerde(), new StringSerde()))
               .groupBy((k, v) -> user(v), Grouped.with(GROUP_NAME, new StringSerde(), new StringSerde()))
               .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, GRACE))
               .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(TABLE)
                       .withKeySerde(new StringSerde()).withValueSerde(new LongSerde()))
               .toStream()
               .to(output, Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, WINDOW.toMillis()), new LongSerde()));
        return builder.build();
    }

    /**
     * The user of a windowed output key, from its bytes: Weir's windowed keys end with 16 bytes
     * (window start and end), Kafka Streams' time-windowed keys with 8 (the start).
     */
    static String windowedUser(byte[] key, boolean weir) {
        int window = weir ? 16 : 8;
        return new String(key, 0, key.length - window, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A compiled Weir topology with its topics and table. */
    public record WeirApp(dev.weir.topology.Topology topology, Topic<String, String> input, Topic<String, Long> output,
                          Table<String, Long> table) {
    }

    /** The same workload in Kafka Streams; {@code inMemory} picks an in-memory store over RocksDB. */
    public static org.apache.kafka.streams.Topology kafkaStreamsTopology(String input, String output, boolean inMemory) {
        StreamsBuilder builder = new StreamsBuilder();
        Materialized<String, Long, KeyValueStore<Bytes, byte[]>> store = inMemory
                ? Materialized.<String, Long>as(Stores.inMemoryKeyValueStore(TABLE))
                : Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(TABLE);
        builder.stream(input, Consumed.with(new StringSerde(), new StringSerde()))
               .groupBy((k, v) -> user(v), Grouped.with(GROUP_NAME, new StringSerde(), new StringSerde()))
               .count(store.withKeySerde(new StringSerde()).withValueSerde(new LongSerde()))
               .toStream()
               .to(output, Produced.with(new StringSerde(), new LongSerde()));
        return builder.build();
    }
}
