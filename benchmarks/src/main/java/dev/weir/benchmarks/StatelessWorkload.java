package dev.weir.benchmarks;

import dev.weir.dsl.App;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Serdes;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes.StringSerde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The stateless workload every contender runs, in memory and on the broker: keyed records with
 * ~100-byte string values, {@code filter} (drops one record in ten) then {@code mapValues}
 * (upper-cases the value), written to an output topic.
 *
 * <p>Record {@code seq} has key {@code key-NNNNN} ({@code seq % 10,000}, so 10,000 distinct keys)
 * and a 100-character ASCII value (100 bytes in UTF-8):
 * <pre>
 * seq=0000000042;user=key-00042;payload=qrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzab
 * </pre>
 * The filter keeps a record unless the last digit of its sequence number is 0; the map upper-cases
 * the whole value. Both functions are the same static methods for every contender, so the
 * comparison measures the engines, not the user code. Every output value still carries its
 * sequence number, which is how {@link OutputCheck} verifies each record exactly.
 */
public final class StatelessWorkload {

    /** Distinct keys, as issue 6 asks for the end-to-end input. */
    public static final int DISTINCT_KEYS = 10_000;
    /** Bytes (= characters, all ASCII) in every input value. */
    public static final int VALUE_BYTES = 100;

    private static final String SEQ_PREFIX = "seq=";
    private static final int SEQ_DIGITS = 10;
    /** Index of the sequence number's last digit, which the filter looks at. */
    private static final int LAST_SEQ_DIGIT = SEQ_PREFIX.length() + SEQ_DIGITS - 1;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz";
    /** The alphabet twice and a bit, so any rotation can be cut from it without wrapping. */
    private static final String LETTERS = ALPHABET.repeat(5);

    private StatelessWorkload() {
    }

    /** The key of record {@code seq}. */
    public static String key(long seq) {
        return "key-" + pad(seq % DISTINCT_KEYS, 5);
    }

    /** The input value of record {@code seq}: exactly {@link #VALUE_BYTES} ASCII characters. */
    public static String value(long seq) {
        String head = SEQ_PREFIX + pad(seq, SEQ_DIGITS) + ";user=" + key(seq) + ";payload=";
        int rotation = (int) (seq % ALPHABET.length());
        return head + LETTERS.substring(rotation, rotation + VALUE_BYTES - head.length());
    }

    /** The filter: drops the records whose sequence number ends in 0. */
    public static boolean keep(String value) {
        return value.charAt(LAST_SEQ_DIGIT) != '0';
    }

    /** The map: the value in upper case (same length; a new string per record). */
    public static String transform(String value) {
        return value.toUpperCase(Locale.ROOT);
    }

    /** How many of the records {@code 0 .. records-1} pass the filter. */
    public static long expectedOutputs(long records) {
        // seq % 10 == 0 for seq = 0, 10, 20, ...: ceil(records / 10) of them are dropped.
        return records - (records + 9) / 10;
    }

    /**
     * The sequence number an output value carries.
     *
     * @throws IllegalArgumentException when the value does not have the workload's shape
     */
    public static long seqOf(String outputValue) {
        if (outputValue == null || outputValue.length() != VALUE_BYTES
                || !outputValue.regionMatches(true, 0, SEQ_PREFIX, 0, SEQ_PREFIX.length())) {
            throw new IllegalArgumentException("not a value of this workload: " + outputValue);
        }
        long seq = 0;
        for (int i = SEQ_PREFIX.length(); i < SEQ_PREFIX.length() + SEQ_DIGITS; i++) {
            char c = outputValue.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a value of this workload: " + outputValue);
            }
            seq = seq * 10 + (c - '0');
        }
        return seq;
    }

    /** UTF-8 bytes, as both Weir's and Kafka's string serdes write them. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The workload as a Weir app reading {@code input} and writing {@code output}. */
    public static WeirApp weirApp(String appId, String input, String output) {
        App app = App.create(appId);
        Topic<String, String> in = app.topic(input, Serdes.string(), Serdes.string());
        Topic<String, String> out = app.topic(output, Serdes.string(), Serdes.string());
        app.stream(in)
           .filter(StatelessWorkload::keep)
           .mapValues(StatelessWorkload::transform)
           .to(out);
        return new WeirApp(app.topology(), in, out);
    }

    /** A compiled Weir topology with its input and output topics. */
    public record WeirApp(dev.weir.topology.Topology topology, Topic<String, String> input, Topic<String, String> output) {
    }

    /** The same workload as a Kafka Streams topology (String serdes, the same two functions). */
    public static org.apache.kafka.streams.Topology kafkaStreamsTopology(String input, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(new StringSerde(), new StringSerde()))
               .filter((k, v) -> keep(v))
               .mapValues(StatelessWorkload::transform)
               .to(output, Produced.with(new StringSerde(), new StringSerde()));
        return builder.build();
    }

    private static String pad(long n, int digits) {
        String s = Long.toString(n);
        if (s.length() > digits) {
            throw new IllegalArgumentException(n + " has more than " + digits + " digits");
        }
        return "0".repeat(digits - s.length()) + s;
    }
}
