package dev.weir.benchmarks;

import dev.weir.dsl.TableOptions;
import dev.weir.runtime.Worker;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * {@link JoinWorkload} (a stream joined with a RocksDB table fed by its own topic, changelogged)
 * end to end on the embedded broker: Kafka Streams against Weir's {@link Worker}, one processing
 * thread each, at-least-once, with the settings of {@link ClientSettings}. The input (the same
 * 1,000,000 records as {@link EndToEndStatelessBenchmark}) and the 10,000 user profiles are loaded
 * once per trial, the profiles first.
 *
 * <p><b>One pass</b> runs under a fresh application id and output topic and ends when the output
 * topic's end offsets add up to one joined record per input record (polled every {@value #POLL_MS}
 * ms), as the stateless passes do: a pass that ended at the commit covering all input measured
 * the one-second commit interval as much as the engine (its time rounded up to the next commit).
 * Each pass restores nothing: its table starts empty and is built from the profiles topic.
 *
 * <p><b>Verification</b>, outside the timing: the group must commit the end offsets of both the
 * input and the profiles topic, then the output topic is read back and must hold one joined record
 * per input record, each the join of its key's input and profile.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 8)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class EndToEndJoinBenchmark {

    public static final int PARTITIONS = 4;
    static final String INPUT = "join-input";
    static final String USERS = "join-users";
    static final long POLL_MS = 5;
    private static final Duration PASS_TIMEOUT = Duration.ofMinutes(5);

    /** Input records per pass; lower it for a smoke run ({@code -p records=100000}). */
    @Param("1000000")
    public int records;

    private BenchBroker broker;
    private EmbeddedKafka kafka;
    private int pass;
    private String contender;
    private String group;
    private String output;
    private Path stateDir;
    private AutoCloseable running;
    private long startNanos;
    private long endNanos;
    private boolean completed;
    private Runnable checkHealthy;

    @Setup(Level.Trial)
    public void startBrokerAndLoadInput() throws Exception {
        System.out.println("Settings of every contender: " + ClientSettings.describe());
        broker = BenchBroker.start("weir-bench-join");
        kafka = broker.kafka;
        loadProfiles();
        broker.loadWorkload(INPUT, PARTITIONS, records);
    }

    private void loadProfiles() throws Exception {
        broker.createReadyTopic(USERS, PARTITIONS);
        Map<String, Object> p = kafka.clientConfig();
        p.putAll(ClientSettings.producer());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-profiles");
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int u = 0; u < StatelessWorkload.DISTINCT_KEYS; u++) {
                String key = StatelessWorkload.key(u);
                producer.send(new ProducerRecord<>(USERS, key, JoinWorkload.profile(key)), (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Loading the profiles failed: " + failure.get(), failure.get());
        }
        long loaded = BenchBroker.sum(broker.endOffsets(BenchBroker.partitions(USERS, PARTITIONS)));
        if (loaded != StatelessWorkload.DISTINCT_KEYS) {
            throw new IllegalStateException("The profiles topic holds " + loaded + " records, expected " + StatelessWorkload.DISTINCT_KEYS);
        }
    }

    @Setup(Level.Invocation)
    public void newPass(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        contender = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        pass++;
        group = "join-" + contender + "-" + pass;
        output = group + "-output";
        stateDir = broker.stateRoot.resolve(group);
        kafka.createTopic(output, PARTITIONS);
        running = null;
        completed = false;
    }

    /** Kafka Streams, one stream thread: {@code builder.table} + {@code KStream.join}. */
    @Benchmark
    public long kafkaStreams() throws Exception {
        startNanos = System.nanoTime();
        Properties props = ClientSettings.kafkaStreams(group, kafka.bootstrapServers(), stateDir);
        KafkaStreams streams = new KafkaStreams(JoinWorkload.kafkaStreamsTopology(INPUT, USERS, output), props);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        running = () -> streams.close(Duration.ofSeconds(30));
        checkHealthy = () -> {
            if (failure.get() != null) {
                throw new IllegalStateException("Kafka Streams failed: " + failure.get(), failure.get());
            }
        };
        streams.start();
        return awaitOutput();
    }

    /** Weir's worker, one stream thread: {@code toTable} + {@code Stream.join}. */
    @Benchmark
    public long weir() throws Exception {
        startNanos = System.nanoTime();
        Worker worker = Worker.start(JoinWorkload.weirTopology(group, INPUT, USERS, output, TableOptions.defaults()),
                ClientSettings.weir(kafka.bootstrapServers(), stateDir, false));
        running = worker::close;
        checkHealthy = () -> {
            if (worker.state() == Worker.State.FAILED) {
                throw new IllegalStateException("The Weir worker failed: " + worker.failure().orElse(null));
            }
        };
        return awaitOutput();
    }

    @TearDown(Level.Invocation)
    public void endPass() throws Exception {
        try {
            try {
                if (completed) {
                    awaitCommitted();
                }
            } finally {
                if (running != null) {
                    running.close();
                }
            }
            if (!completed) {
                return;
            }
            long joined = readBackAndCheck();
            if (joined != records) {
                throw new IllegalStateException(contender + " (pass " + pass + "): " + joined + " joined records, expected " + records);
            }
            double seconds = (endNanos - startNanos) / 1e9;
            System.out.printf("%s pass %d: %,d records joined in %,.0f ms = %,.0f records/s; all verified%n",
                    contender, pass, records, seconds * 1e3, records / seconds);
        } finally {
            running = null;
            broker.admin.deleteTopics(List.of(output)).all().get(30, TimeUnit.SECONDS);
            if (Files.exists(stateDir)) {
                Utils.delete(stateDir.toFile());
            }
        }
    }

    @TearDown(Level.Trial)
    public void stopBroker() throws IOException {
        if (broker != null) {
            broker.close();
        }
    }

    /** Waits until the output holds one record per input record; the pass ends there. */
    private long awaitOutput() throws Exception {
        List<TopicPartition> outputs = BenchBroker.partitions(output, PARTITIONS);
        long written = BenchBroker.awaitAtLeast(contender, "wrote joined", () -> BenchBroker.sum(broker.endOffsets(outputs)), records,
                checkHealthy, PASS_TIMEOUT, POLL_MS);
        endNanos = System.nanoTime();
        completed = true;
        return written;
    }

    /** Waits until the group committed the end offsets of the input and of the profiles topic. */
    private void awaitCommitted() throws Exception {
        List<TopicPartition> inputs = new ArrayList<>(BenchBroker.partitions(INPUT, PARTITIONS));
        inputs.addAll(BenchBroker.partitions(USERS, PARTITIONS));
        broker.awaitCommitted(contender, group, broker.endOffsets(inputs), checkHealthy, PASS_TIMEOUT, POLL_MS);
    }

    /** Reads the whole output, checking every record; returns how many there are. */
    private long readBackAndCheck() {
        long[] n = {0};
        broker.readAll(BenchBroker.partitions(output, PARTITIONS), new StringDeserializer(), new StringDeserializer(), false,
                (key, value) -> {
                    JoinWorkload.check(key, value);
                    n[0]++;
                });
        return n[0];
    }
}
