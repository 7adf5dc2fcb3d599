package dev.weir.benchmarks;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Serdes;
import org.apache.kafka.common.serialization.Serdes.StringSerde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A stream-table join over the {@link StatelessWorkload} input: a table of the 10,000 users (one
 * profile record per user, loaded before the input, so with earlier timestamps) fed by its own
 * topic and changelogged, and each input record joined with its key's profile: the output value
 * is the input's first 20 characters and the profile. Built for Weir and for Kafka Streams from
 * the same functions.
 */
public final class JoinWorkload {

    static final String TABLE = "profiles";
    private static final int KEPT = 20;

    private JoinWorkload() {
    }

    /** The profile of user {@code key}. */
    public static String profile(String key) {
        return "profile-of-" + key + ";tier=" + (key.hashCode() & 3);
    }

    /** The joiner: the input value's first characters and the user's profile. */
    public static String join(String value, String profile) {
        return value.substring(0, KEPT) + "|" + profile;
    }

    /** Checks one output record; throws naming it when it is not the join of its key's input and profile. */
    public static void check(String key, String value) {
        if (value == null || !value.endsWith("|" + profile(key)) || value.length() != KEPT + 1 + profile(key).length()) {
            throw new IllegalStateException("output " + key + "=" + value + " is not a join with " + profile(key));
        }
    }

    /** The workload as a Weir app. */
    public static dev.weir.topology.Topology weirTopology(String appId, String input, String users, String output,
                                                          TableOptions store) {
        App app = App.create(appId);
        Topic<String, String> in = app.topic(input, Serdes.string(), Serdes.string());
        Topic<String, String> profiles = app.topic(users, Serdes.string(), Serdes.string());
        Topic<String, String> out = app.topic(output, Serdes.string(), Serdes.string());
        Table<String, String> table = app.table(TABLE, Serdes.string(), Serdes.string(), null, store);
        app.stream(profiles).toTable(table);
        app.stream(in).join(table, JoinWorkload::join).to(out);
        return app.topology();
    }

    /** The same workload in Kafka Streams: {@code builder.table} (RocksDB, changelogged) and {@code KStream.join}. */
    public static org.apache.kafka.streams.Topology kafkaStreamsTopology(String input, String users, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, String> table = builder.table(users, Consumed.with(new StringSerde(), new StringSerde()),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(TABLE)
                        .withKeySerde(new StringSerde()).withValueSerde(new StringSerde()));
        builder.stream(input, Consumed.with(new StringSerde(), new StringSerde()))
               .join(table, JoinWorkload::join, Joined.with(new StringSerde(), new StringSerde(), new StringSerde()))
               .to(output, Produced.with(new StringSerde(), new StringSerde()));
        return builder.build();
    }
}
