package dev.weir.benchmarks;

import dev.weir.dsl.TableOptions;
import dev.weir.testkit.TestDriver;
import dev.weir.testkit.TestInput;
import dev.weir.testkit.TestOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.LongDeserializer;
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
 * {@link CountWorkload} (groupBy + count) in memory: Weir's {@link TestDriver} against Kafka
 * Streams' {@link TopologyTestDriver}, both with an in-memory store, public APIs only. The score
 * is input records per second. As in {@link InMemoryStatelessBenchmark}, one invocation sends
 * {@value #BATCH} pre-built records through a fresh driver and reads the whole output back
 * (every count update; Kafka Streams' test driver flushes its cache after every record, so both
 * emit one update per record); every invocation checks that the last count of every user is the
 * expected one.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class InMemoryCountBenchmark {

    /** The same batch, and the same pre-built records ({@link InMemoryStatelessBenchmark.Input}), as the stateless benchmark. */
    public static final int BATCH = InMemoryStatelessBenchmark.BATCH;
    static final String INPUT = "input";
    static final String OUTPUT = "output";
    static final long START_MS = TestDriver.DEFAULT_START.toEpochMilli();

    /** Weir: a fresh {@link TestDriver} per invocation (tables in memory, as the testkit keeps them). */
    @State(Scope.Thread)
    public static class Weir {
        CountWorkload.WeirApp app;
        TestDriver driver;
        TestInput<String, String> in;
        TestOutput<String, Long> out;

        @Setup(Level.Trial)
        public void compile() {
            app = CountWorkload.weirApp("in-memory-count", INPUT, OUTPUT, TableOptions.inMemory());
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
    }

    /** Kafka Streams: a fresh {@link TopologyTestDriver} per invocation, in-memory store. */
    @State(Scope.Thread)
    public static class KafkaStreams {
        org.apache.kafka.streams.Topology topology;
        Properties props;
        Path stateDir;
        TopologyTestDriver driver;
        TestInputTopic<String, String> in;
        TestOutputTopic<String, Long> out;

        @Setup(Level.Trial)
        public void build() throws IOException {
            topology = CountWorkload.kafkaStreamsTopology(INPUT, OUTPUT, true);
            stateDir = Files.createTempDirectory("weir-bench-ttd-count");
            props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "in-memory-count");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        }

        @Setup(Level.Invocation)
        public void open() {
            driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(START_MS));
            in = driver.createInputTopic(INPUT, new StringSerializer(), new StringSerializer());
            out = driver.createOutputTopic(OUTPUT, new StringDeserializer(), new LongDeserializer());
        }

        @TearDown(Level.Invocation)
        public void close() {
            driver.close();
        }

        @TearDown(Level.Trial)
        public void deleteStateDir() throws IOException {
            Utils.delete(stateDir.toFile());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Map<String, Long> weir(InMemoryStatelessBenchmark.Input input, Weir weir) {
        for (int i = 0; i < BATCH; i++) {
            weir.in.send(input.keys[i], input.values[i], input.timestamps[i]);
        }
        Map<String, Long> last = new HashMap<>();
        for (dev.weir.dsl.KeyValue<String, Long> kv : weir.out.readKeyValues()) {
            last.put(kv.key(), kv.value());
        }
        CountWorkload.verify("Weir TestDriver", last, BATCH);
        return last;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Map<String, Long> kafkaStreams(InMemoryStatelessBenchmark.Input input, KafkaStreams streams) {
        for (int i = 0; i < BATCH; i++) {
            streams.in.pipeInput(input.keys[i], input.values[i], input.timestamps[i]);
        }
        Map<String, Long> last = new HashMap<>();
        List<org.apache.kafka.streams.KeyValue<String, Long>> output = streams.out.readKeyValuesToList();
        for (org.apache.kafka.streams.KeyValue<String, Long> kv : output) {
            last.put(kv.key, kv.value);
        }
        CountWorkload.verify("Kafka Streams TopologyTestDriver", last, BATCH);
        return last;
    }
}
