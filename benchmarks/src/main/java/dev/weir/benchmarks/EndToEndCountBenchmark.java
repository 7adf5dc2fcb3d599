package dev.weir.benchmarks;

import dev.weir.runtime.Worker;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.Metric;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
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
import org.openjdk.jmh.infra.IterationParams;
import dev.weir.dsl.TableOptions;
import org.apache.kafka.common.serialization.LongDeserializer;

/**
 * {@link CountWorkload} (groupBy + count into a RocksDB table with a changelog) end to end on
 * the embedded broker: Kafka Streams against Weir's {@link Worker}, one processing thread each,
 * with the settings of {@link ClientSettings} and each engine's own record cache in front of
 * RocksDB (Kafka Streams: {@code statestore.cache.max.bytes} 10 MiB by default; Weir: 10,000
 * dirty keys per table partition). The same input as {@link EndToEndStatelessBenchmark}, loaded
 * once per trial.
 *
 * <p><b>One pass</b> runs under a fresh application id and output topic and ends when the
 * engine's own meter says its stream thread processed every record of both sub-topologies: the
 * input and the repartition topic, {@code 2 × records} (Kafka Streams: the thread's
 * {@code process-total}; Weir: the tasks' {@code weir.task.records.in}), polled every
 * {@value #POLL_MS} ms. The commits made while processing are inside the time, under either
 * guarantee; the wait for the last one is not. A pass that ended at the commit covering all input
 * measured the commit interval as much as the engine: with a commit every second, at-least-once
 * passes took the processing time rounded up to the next whole second (about 3.2 s or 4.3 s
 * for the same work), exactly-once passes, committing every 100 ms, rounded up by less, and the
 * ratio of the two swung by half with the rounding.
 *
 * <p>The {@code ...ExactlyOnce} contenders run the same under each engine's exactly-once (Kafka
 * Streams {@code exactly_once_v2}, Weir {@code EXACTLY_ONCE}), committing a transaction every
 * 100 ms.
 *
 * <p><b>Verification</b>, outside the timing: the group must commit the end offsets of the input
 * topic and then of its repartition topic (a commit comes only after the engine flushed its
 * caches, changelog and output, so every count is final then; each pass prints when that
 * happened), then the output topic is read back (read-committed) and the last count of every
 * user must be the expected one.
 *
 * <p><b>Warm-up and data directory</b> as in {@link EndToEndStatelessBenchmark}, with eight
 * warm-up passes (these passes are two to three times as long); broker logs and RocksDB
 * directories on a tmpfs when the machine has one.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 8)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class EndToEndCountBenchmark {

    public static final int PARTITIONS = 4;
    static final String INPUT = "count-input";
    static final long POLL_MS = 5;
    private static final Duration PASS_TIMEOUT = Duration.ofMinutes(5);

    /** Input records per pass; lower it for a smoke run ({@code -p records=100000}). */
    @Param("1000000")
    public int records;

    private BenchBroker broker;
    private EmbeddedKafka kafka;
    private Admin admin;
    private Path stateRoot;
    private int pass;
    private String contender;
    private String group;
    private String output;
    private Path stateDir;
    private AutoCloseable running;
    private long startNanos;
    private long endNanos;
    private long committedNanos;
    private boolean completed;
    private Runnable checkHealthy;

    @Setup(Level.Trial)
    public void startBrokerAndLoadInput() throws Exception {
        System.out.println("Settings of every contender: " + ClientSettings.describe());
        broker = BenchBroker.start("weir-bench-count");
        kafka = broker.kafka;
        admin = broker.admin;
        stateRoot = broker.stateRoot;
        broker.loadWorkload(INPUT, PARTITIONS, records);
    }

    @Setup(Level.Invocation)
    public void newPass(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        contender = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        pass++;
        group = "count-" + contender + "-" + pass;
        output = group + "-output";
        stateDir = stateRoot.resolve(group);
        kafka.createTopic(output, PARTITIONS);
        running = null;
        completed = false;
    }

    /** Kafka Streams, one stream thread, RocksDB store with its changelog. */
    @Benchmark
    public long kafkaStreams() throws Exception {
        return runKafkaStreams(false);
    }

    /** Weir's worker, one stream thread, RocksDB table with its changelog. */
    @Benchmark
    public long weir() throws Exception {
        return runWeir(false);
    }

    /** Kafka Streams under exactly_once_v2 (a transaction every 100 ms). */
    @Benchmark
    public long kafkaStreamsExactlyOnce() throws Exception {
        return runKafkaStreams(true);
    }

    /** Weir under EXACTLY_ONCE (a transaction every 100 ms). */
    @Benchmark
    public long weirExactlyOnce() throws Exception {
        return runWeir(true);
    }

    /** Kafka Streams, windowed: {@code windowedBy(TimeWindows)} 1-minute windows into a RocksDB window store. */
    @Benchmark
    public long kafkaStreamsWindowed() throws Exception {
        return runKafkaStreams(CountWorkload.kafkaStreamsWindowedTopology(INPUT, output), false);
    }

    /** Weir, windowed: a 1-minute tumbling RocksDB table, output under {@code Windowed} keys. */
    @Benchmark
    public long weirWindowed() throws Exception {
        return runWeir(CountWorkload.weirWindowedTopology(group, INPUT, output), false);
    }

    private long runKafkaStreams(boolean exactlyOnce) throws Exception {
        return runKafkaStreams(CountWorkload.kafkaStreamsTopology(INPUT, output, false), exactlyOnce);
    }

    private long runKafkaStreams(org.apache.kafka.streams.Topology topology, boolean exactlyOnce) throws Exception {
        startNanos = System.nanoTime();
        Properties props = ClientSettings.kafkaStreams(group, kafka.bootstrapServers(), stateDir, exactlyOnce);
        KafkaStreams streams = new KafkaStreams(topology, props);
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
        return awaitProcessed(processedBy(streams));
    }

    /** The records Kafka Streams' stream threads processed, summed over every task: {@code process-total}. */
    private static LongSupplier processedBy(KafkaStreams streams) {
        List<Metric> totals = new ArrayList<>();
        return () -> {
            if (totals.isEmpty()) {
                // Looked up once: metrics() copies every client's metrics, too many to copy every poll.
                streams.metrics().forEach((name, metric) -> {
                    if (name.name().equals("process-total") && name.group().equals("stream-thread-metrics")) {
                        totals.add(metric);
                    }
                });
            }
            double sum = 0;
            for (Metric m : totals) {
                sum += ((Number) m.metricValue()).doubleValue();
            }
            return (long) sum;
        };
    }

    private long runWeir(boolean exactlyOnce) throws Exception {
        return runWeir(CountWorkload.weirApp(group, INPUT, output, TableOptions.defaults()).topology(), exactlyOnce);
    }

    private long runWeir(dev.weir.topology.Topology topology, boolean exactlyOnce) throws Exception {
        startNanos = System.nanoTime();
        Worker worker = Worker.start(topology, ClientSettings.weir(kafka.bootstrapServers(), stateDir, exactlyOnce));
        running = () -> {
            io.micrometer.core.instrument.Timer commits = worker.metrics().find("weir.commit.latency").timer();
            if (commits != null) {
                System.out.printf("%s pass %d: %,d commits holding the stream thread %,.0f ms in all (%.1f ms each)%n", contender,
                        pass, commits.count(), commits.totalTime(TimeUnit.MILLISECONDS), commits.mean(TimeUnit.MILLISECONDS));
            }
            worker.close();
        };
        checkHealthy = () -> {
            if (worker.state() == Worker.State.FAILED) {
                throw new IllegalStateException("The Weir worker failed: " + worker.failure().orElse(null));
            }
        };
        MeterRegistry meters = worker.metrics();
        return awaitProcessed(() -> (long) meters.find("weir.task.records.in").functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum());
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
            Map<String, Long> last = contender.endsWith("Windowed") ? readWindowedCounts(contender.startsWith("weir")) : readLastCounts();
            CountWorkload.verify(contender + " (pass " + pass + ")", last, records);
            double seconds = (endNanos - startNanos) / 1e9;
            System.out.printf("%s pass %d: %,d records counted in %,.0f ms = %,.0f records/s; all committed at %,.0f ms; %,d users"
                    + " verified%n", contender, pass, records, seconds * 1e3, records / seconds, (committedNanos - startNanos) / 1e6,
                    last.size());
        } finally {
            running = null;
            admin.deleteTopics(List.of(output)).all().get(30, TimeUnit.SECONDS);
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

    /**
     * Waits until {@code processed} reaches every record of both sub-topologies ({@code 2 × records}),
     * checking the engine's health every {@value #POLL_MS} ms; the pass ends there.
     */
    private long awaitProcessed(LongSupplier processed) throws Exception {
        long done = BenchBroker.awaitAtLeast(contender, "processed", processed::getAsLong, 2L * records, checkHealthy, PASS_TIMEOUT,
                POLL_MS);
        endNanos = System.nanoTime();
        completed = true;
        return done;
    }

    /** Waits until the group committed the end of the input, then the end of its repartition topic. */
    private void awaitCommitted() throws Exception {
        String repartition = group + "-" + CountWorkload.GROUP_NAME + "-repartition";
        long deadline = System.nanoTime() + PASS_TIMEOUT.toNanos();
        broker.awaitCommitted(contender, group, endOffsets(partitions(INPUT)), checkHealthy, PASS_TIMEOUT, POLL_MS);
        // The input is consumed, so the repartition topic holds everything it will hold.
        Map<TopicPartition, Long> target = endOffsets(partitions(repartition));
        broker.awaitCommitted(contender, group, target, checkHealthy, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                POLL_MS);
        committedNanos = System.nanoTime();
    }

    private Map<String, Long> readLastCounts() {
        Map<String, Long> last = new HashMap<>();
        broker.readAll(partitions(output), new StringDeserializer(), new LongDeserializer(), true, last::put);
        return last;
    }

    /** Each user's total over its windows: the sum of the last count of each of its windows. */
    private Map<String, Long> readWindowedCounts(boolean weir) {
        Map<java.nio.ByteBuffer, Long> lastPerWindow = new HashMap<>();
        broker.readAll(partitions(output), new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new LongDeserializer(),
                true, (key, count) -> lastPerWindow.put(java.nio.ByteBuffer.wrap(key), count));
        Map<String, Long> totals = new HashMap<>();
        lastPerWindow.forEach((k, n) -> totals.merge(CountWorkload.windowedUser(k.array(), weir), n, Long::sum));
        System.out.printf("%s pass %d: %,d user windows%n", contender, pass, lastPerWindow.size());
        return totals;
    }

    private static List<TopicPartition> partitions(String topic) {
        return BenchBroker.partitions(topic, PARTITIONS);
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> parts) throws ExecutionException, InterruptedException {
        return broker.endOffsets(parts);
    }
}
