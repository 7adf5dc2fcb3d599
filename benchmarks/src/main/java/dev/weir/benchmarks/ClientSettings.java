package dev.weir.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The client settings every end-to-end contender runs with: the plain consumer/producer loop,
 * Kafka Streams and Weir get exactly these, so that none wins by batching or committing
 * differently. Everything not listed is the Kafka 4.4.0 client default for all three.
 *
 * <table>
 *   <caption>Settings of every contender</caption>
 *   <tr><th>setting</th><th>value</th><th>why</th></tr>
 *   <tr><td>threads</td><td>1 processing thread</td><td>issue 6 compares one thread each</td></tr>
 *   <tr><td>commit interval</td><td>1,000 ms: flush the producer, then commit input offsets synchronously</td>
 *       <td>Weir's default; Kafka Streams' at-least-once default is 30 s, lowered to match</td></tr>
 *   <tr><td>{@code acks}</td><td>all</td><td>the producer default; one broker, so it costs nothing extra</td></tr>
 *   <tr><td>{@code enable.idempotence}</td><td>true</td><td>the producer default, set so no contender differs</td></tr>
 *   <tr><td>{@code linger.ms}</td><td>5</td><td>the producer default since Kafka 4.0 (Kafka Streams overrides it to 100; set back)</td></tr>
 *   <tr><td>{@code batch.size}</td><td>65,536</td><td>room for ~500 records of this workload per batch, as a throughput-minded deployment sets it (the default is 16 KiB)</td></tr>
 *   <tr><td>{@code compression.type}</td><td>none</td><td>compression would measure the codec, not the engine</td></tr>
 *   <tr><td>{@code max.poll.records}</td><td>1,000</td><td>Kafka Streams' default (the consumer's is 500)</td></tr>
 *   <tr><td>{@code auto.offset.reset}</td><td>earliest</td><td>each pass reads the whole pre-loaded input under a fresh group</td></tr>
 *   <tr><td>{@code group.protocol}</td><td>classic</td><td>what Weir's assignor and Kafka Streams' default use</td></tr>
 *   <tr><td>processing guarantee</td><td>at-least-once; the {@code ...ExactlyOnce} contenders exactly-once
 *       (Kafka Streams {@code exactly_once_v2}, Weir {@code EXACTLY_ONCE}) with a 100 ms commit interval and
 *       read-committed consumers</td><td>each engine's default interval for its guarantee</td></tr>
 *   <tr><td>{@code retry.backoff.ms}</td><td>exactly-once contenders: 10</td><td>Weir's producer default under
 *       exactly-once (the producer sleeps this long after a coordinator look-up); Kafka Streams' 100 lowered to match</td></tr>
 * </table>
 */
public final class ClientSettings {

    public static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    /** Under exactly-once: Weir's and Kafka Streams' default, one transaction per 100 ms. */
    public static final Duration EXACTLY_ONCE_COMMIT_INTERVAL = Duration.ofMillis(100);
    /** Under exactly-once: Weir's producer default {@code retry.backoff.ms}, given to Kafka Streams too (its default is 100). */
    public static final int EXACTLY_ONCE_RETRY_BACKOFF_MS = 10;
    public static final String ACKS = "all";
    public static final int LINGER_MS = 5;
    public static final int BATCH_SIZE = 65_536;
    public static final String COMPRESSION = "none";
    public static final int MAX_POLL_RECORDS = 1_000;

    private ClientSettings() {
    }

    /** Producer configs beyond bootstrap servers, client id and serializers. */
    public static Map<String, Object> producer() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ProducerConfig.ACKS_CONFIG, ACKS);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
        return c;
    }

    /** Consumer configs beyond bootstrap servers, group, client id and deserializers. */
    public static Map<String, Object> consumer() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return c;
    }

    /** Weir's worker config for these settings: one stream thread, the client configs above, the guarantee asked for. */
    public static dev.weir.runtime.WorkerConfig weir(String bootstrapServers, java.nio.file.Path stateDir, boolean exactlyOnce) {
        dev.weir.runtime.WorkerConfig.Builder builder = dev.weir.runtime.WorkerConfig.builder(bootstrapServers)
                .threads(1)
                .stateDir(stateDir)
                .guarantee(exactlyOnce ? dev.weir.runtime.Guarantee.EXACTLY_ONCE : dev.weir.runtime.Guarantee.AT_LEAST_ONCE)
                .commitInterval(exactlyOnce ? EXACTLY_ONCE_COMMIT_INTERVAL : COMMIT_INTERVAL);
        producer().forEach(builder::producerConfig);
        consumer().forEach(builder::consumerConfig);
        return builder.build();
    }

    /** Kafka Streams' configs for these settings: one stream thread, at-least-once, the client configs above. */
    public static java.util.Properties kafkaStreams(String applicationId, String bootstrapServers, java.nio.file.Path stateDir) {
        return kafkaStreams(applicationId, bootstrapServers, stateDir, false);
    }

    /** {@link #kafkaStreams(String, String, java.nio.file.Path)}, under {@code exactly_once_v2} when asked (commit every 100 ms). */
    public static java.util.Properties kafkaStreams(String applicationId, String bootstrapServers, java.nio.file.Path stateDir,
                                                    boolean exactlyOnce) {
        java.util.Properties props = new java.util.Properties();
        props.put(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(org.apache.kafka.streams.StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(org.apache.kafka.streams.StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(org.apache.kafka.streams.StreamsConfig.PROCESSING_GUARANTEE_CONFIG, exactlyOnce
                ? org.apache.kafka.streams.StreamsConfig.EXACTLY_ONCE_V2 : org.apache.kafka.streams.StreamsConfig.AT_LEAST_ONCE);
        props.put(org.apache.kafka.streams.StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                (exactlyOnce ? EXACTLY_ONCE_COMMIT_INTERVAL : COMMIT_INTERVAL).toMillis());
        props.put(org.apache.kafka.streams.StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(org.apache.kafka.streams.StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        producer().forEach((k, v) -> props.put(org.apache.kafka.streams.StreamsConfig.producerPrefix(k), v));
        if (exactlyOnce) {
            // Weir's producer default under exactly-once; Kafka Streams gets it too, so that neither waits longer after a coordinator look-up.
            props.put(org.apache.kafka.streams.StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG),
                    EXACTLY_ONCE_RETRY_BACKOFF_MS);
        }
        consumer().forEach((k, v) -> props.put(org.apache.kafka.streams.StreamsConfig.mainConsumerPrefix(k), v));
        return props;
    }

    /** One line per setting, for the benchmark's log and the report. */
    public static String describe() {
        return "1 processing thread; commit every " + COMMIT_INTERVAL.toMillis() + " ms (flush, then commitSync); acks=" + ACKS
                + ", enable.idempotence=true, linger.ms=" + LINGER_MS + ", batch.size=" + BATCH_SIZE + ", compression.type="
                + COMPRESSION + "; max.poll.records=" + MAX_POLL_RECORDS + ", auto.offset.reset=earliest, group.protocol=classic;"
                + " at-least-once (`...ExactlyOnce` contenders: exactly-once, commit every "
                + EXACTLY_ONCE_COMMIT_INTERVAL.toMillis() + " ms, read_committed, producer retry.backoff.ms="
                + EXACTLY_ONCE_RETRY_BACKOFF_MS + ")";
    }
}
