package dev.weir.benchmarks;

import dev.weir.testkit.TestDriver;
import dev.weir.testkit.TestInput;
import dev.weir.testkit.TestOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link StatelessWorkload} (filter + mapValues on keyed ~100-byte string values) in memory:
 * through Weir's {@link TestDriver} and through Kafka Streams' {@link TopologyTestDriver}, with
 * their public APIs only. The score is input records per second.
 *
 * <p>One operation is one input record; one invocation sends a batch of {@value #BATCH}
 * pre-built records (keys, values and timestamps built once per trial) through a <em>fresh</em>
 * driver, then reads the whole output with the driver's own reader (Weir's
 * {@link TestOutput#readKeyValues()}, Kafka Streams' {@link TestOutputTopic#readKeyValuesToList()}),
 * deserializing every output key and value, and checks that exactly
 * {@link StatelessWorkload#expectedOutputs} records came out. Both contenders therefore pay for
 * serializing the input, processing, and deserializing the output, as a unit test using either
 * driver does. Creating and closing the drivers is per invocation but outside the measurement
 * ({@code Level.Invocation} setup and teardown); a fresh driver per batch is needed because
 * Weir's {@code TestDriver} keeps every record of every topic, input topics included, for its
 * whole life (any topic can be read later), so a long-lived one would grow without bound over a
 * run of millions of records. Kafka Streams gets the same treatment so that the two are measured
 * alike.
 *
 * <p>Correctness: each trial starts by running one batch through each driver and checking every
 * output record with {@link OutputCheck}; each invocation checks the output count; each iteration
 * ends by checking every record of its last batch.
 *
 * <p>Both drivers use one partition per topic (Weir's default; the test driver of Kafka Streams
 * has a single task per sub-topology).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class InMemoryStatelessBenchmark {

    /** Input records per invocation; large enough that driver creation is well amortized and timer overhead negligible. */
    public static final int BATCH = 50_000;
    static final long EXPECTED = StatelessWorkload.expectedOutputs(BATCH);

    static final String INPUT = "input";
    static final String OUTPUT = "output";
    /** Record timestamps start here (the default start of Weir's TestDriver) and advance 1 ms per record. */
    static final long START_MS = TestDriver.DEFAULT_START.toEpochMilli();

    /** The pre-built records, shared by both contenders. */
    @State(Scope.Benchmark)
    public static class Input {
        final String[] keys = new String[BATCH];
        final String[] values = new String[BATCH];
        final long[] timestamps = new long[BATCH];

        @Setup(Level.Trial)
        public void build() {
            for (int i = 0; i < BATCH; i++) {
                keys[i] = StatelessWorkload.key(i);
                values[i] = StatelessWorkload.value(i);
                timestamps[i] = START_MS + i;
            }
        }
    }

    /** Weir: a fresh {@link TestDriver} per invocation over one compiled topology. */
    @State(Scope.Thread)
    public static class Weir {
        StatelessWorkload.WeirApp app;
        TestDriver driver;
        TestInput<String, String> in;
        TestOutput<String, String> out;
        List<dev.weir.dsl.KeyValue<String, String>> lastOutput;

        @Setup(Level.Trial)
        public void compile(Input input) {
            app = StatelessWorkload.weirApp("in-memory-stateless", INPUT, OUTPUT);
            open();
            check(send(input, this), "Weir TestDriver (trial check)");
            driver.close();
        }

        @Setup(Level.Invocation)
        public void open() {
            driver = TestDriver.create(app.topology());
            in = driver.input(app.input());
            out = driver.output(app.output());
        }

        @TearDown(Level.Invocation)
        public void close() {
            driver.close();
        }

        @TearDown(Level.Iteration)
        public void checkLastBatch() {
            check(lastOutput, "Weir TestDriver (last batch of the iteration)");
        }

        private static void check(List<dev.weir.dsl.KeyValue<String, String>> output, String contender) {
            OutputCheck check = new OutputCheck(contender, BATCH);
            output.forEach(kv -> check.accept(kv.key(), kv.value()));
            check.verify();
        }
    }

    /** Kafka Streams: a fresh {@link TopologyTestDriver} per invocation over one built topology. */
    @State(Scope.Thread)
    public static class KafkaStreams {
        org.apache.kafka.streams.Topology topology;
        Properties props;
        Path stateDir;
        TopologyTestDriver driver;
        TestInputTopic<String, String> in;
        TestOutputTopic<String, String> out;
        List<org.apache.kafka.streams.KeyValue<String, String>> lastOutput;

        @Setup(Level.Trial)
        public void build(Input input) throws IOException {
            topology = StatelessWorkload.kafkaStreamsTopology(INPUT, OUTPUT);
            stateDir = Files.createTempDirectory("weir-bench-ttd");
            props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "in-memory-stateless");
            // Never contacted: the test driver runs without a broker.
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            open();
            check(send(input, this), "Kafka Streams TopologyTestDriver (trial check)");
            driver.close();
        }

        @Setup(Level.Invocation)
        public void open() {
            driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(START_MS));
            in = driver.createInputTopic(INPUT, new StringSerializer(), new StringSerializer());
            out = driver.createOutputTopic(OUTPUT, new StringDeserializer(), new StringDeserializer());
        }

        @TearDown(Level.Invocation)
        public void close() {
            driver.close();
        }

        @TearDown(Level.Iteration)
        public void checkLastBatch() {
            check(lastOutput, "Kafka Streams TopologyTestDriver (last batch of the iteration)");
        }

        @TearDown(Level.Trial)
        public void deleteStateDir() throws IOException {
            Utils.delete(stateDir.toFile());
        }

        private static void check(List<org.apache.kafka.streams.KeyValue<String, String>> output, String contender) {
            OutputCheck check = new OutputCheck(contender, BATCH);
            output.forEach(kv -> check.accept(kv.key, kv.value));
            check.verify();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<dev.weir.dsl.KeyValue<String, String>> weir(Input input, Weir weir) {
        return send(input, weir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<org.apache.kafka.streams.KeyValue<String, String>> kafkaStreams(Input input, KafkaStreams streams) {
        return send(input, streams);
    }

    static List<dev.weir.dsl.KeyValue<String, String>> send(Input input, Weir weir) {
        for (int i = 0; i < BATCH; i++) {
            weir.in.send(input.keys[i], input.values[i], input.timestamps[i]);
        }
        List<dev.weir.dsl.KeyValue<String, String>> output = weir.out.readKeyValues();
        requireCount(output.size(), "Weir TestDriver");
        weir.lastOutput = output;
        return output;
    }

    static List<org.apache.kafka.streams.KeyValue<String, String>> send(Input input, KafkaStreams streams) {
        for (int i = 0; i < BATCH; i++) {
            streams.in.pipeInput(input.keys[i], input.values[i], input.timestamps[i]);
        }
        List<org.apache.kafka.streams.KeyValue<String, String>> output = streams.out.readKeyValuesToList();
        requireCount(output.size(), "Kafka Streams TopologyTestDriver");
        streams.lastOutput = output;
        return output;
    }

    private static void requireCount(int actual, String contender) {
        if (actual != EXPECTED) {
            throw new IllegalStateException("Wrong output from " + contender + ": " + actual + " records for a batch of "
                    + BATCH + ", expected exactly " + EXPECTED);
        }
    }
}
