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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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

/**
 * {@link StatelessWorkload} end to end on the embedded KRaft broker ({@link EmbeddedKafka}, in the
 * benchmark's JVM, 127.0.0.1 only): (a) a plain consumer-to-producer loop doing the same filter and
 * map by hand, the physical limit; (b) Kafka Streams; (c) Weir's {@link Worker}; one processing
 * thread each, with the settings of {@link ClientSettings} (commit every 1 s; acks=all,
 * enable.idempotence=true, linger.ms=5, batch.size=65536, compression none; max.poll.records=1000;
 * auto.offset.reset=earliest; classic group protocol; at-least-once); then (d) Kafka Streams under
 * {@code exactly_once_v2} and (e) Weir under {@code EXACTLY_ONCE}, both committing a transaction
 * every 100 ms, whose passes end when the transaction holding the last input offsets committed.
 *
 * <p><b>Input</b>, loaded once per trial (so once per contender, identical every time):
 * {@link #records} records (default 1,000,000) in a topic with {@value #PARTITIONS} partitions,
 * {@value StatelessWorkload#DISTINCT_KEYS} distinct keys, 100-byte values, placed by the
 * producer's default partitioner. JMH runs each contender in its own forked JVM with its own
 * broker, so the three never share a JVM, a broker or a page cache warmed by another.
 *
 * <p><b>One pass</b> (one JMH invocation, timed as a single shot) starts the contender under a fresh
 * consumer group / application id, writing to a fresh output topic with {@value #PARTITIONS}
 * partitions created before the pass, and ends when the output topic's end offsets add up to the
 * expected count (polled through the admin client every {@value #POLL_MS} ms). The time includes
 * the contender's start-up (clients, group join, assignment), as a cold consumer group pays it;
 * the log line of every pass also gives the time to the first output record and the rate after
 * it. Stopping the contender is outside the timing.
 *
 * <p><b>Verification</b>, after every pass and outside the timing: the contender is stopped (it
 * flushes and commits), then the whole output topic is read back and checked record by record
 * with {@link OutputCheck} (every record passing the filter exactly once, with its key and
 * upper-cased value, nothing else), and the group's committed offsets must equal the input's end
 * offsets. A failed check fails the benchmark.
 *
 * <p><b>Warm-up</b>: the first passes over a fresh broker and JVM are much slower: on two cores
 * the JIT compiles the clients, the broker and the engine for about fifteen of these two-second
 * passes (the plain loop itself went from 550-700k records/s at passes 9-13 to 650-910k at
 * passes 16-23). The fifteen warm-up iterations absorb that; the eight measured ones give the
 * median and the spread (the {@link Report} reports both).
 *
 * <p><b>Data directory</b>: the broker's logs and the state directories are on a tmpfs
 * ({@code BenchBroker.dataDir()}), so that a virtual disk's write-back, which lands in random
 * passes, is not measured; every contender writes to the same place.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 15)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class EndToEndStatelessBenchmark {

    public static final int PARTITIONS = 4;
    static final String INPUT = "stateless-input";
    static final long POLL_MS = 5;
    private static final Duration PASS_TIMEOUT = Duration.ofMinutes(5);

    /** Input records per pass; lower it for a smoke run ({@code -p records=100000}). */
    @Param("1000000")
    public int records;

    private BenchBroker broker;
    private EmbeddedKafka kafka;
    private Admin admin;
    private Path stateRoot;
    private List<TopicPartition> inputPartitions;
    private String iterationType = "";
    private int pass;

    // The current pass.
    private String contender;
    private String group;
    private String output;
    private Path stateDir;
    private AutoCloseable running;
    private long startNanos;
    private long firstOutputNanos;
    private long endNanos;
    private boolean completed;

    @Setup(Level.Trial)
    public void startBrokerAndLoadInput() throws Exception {
        System.out.println("Settings of every contender: " + ClientSettings.describe());
        broker = BenchBroker.start("weir-bench-e2e");
        kafka = broker.kafka;
        admin = broker.admin;
        stateRoot = broker.stateRoot;
        broker.loadWorkload(INPUT, PARTITIONS, records);
        inputPartitions = partitions(INPUT);
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        iterationType = params.getType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    @Setup(Level.Invocation)
    public void newPass(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        contender = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        pass++;
        group = "e2e-" + contender + "-" + pass;
        output = group + "-output";
        stateDir = stateRoot.resolve(group);
        kafka.createTopic(output, PARTITIONS);
        running = null;
        firstOutputNanos = 0;
        completed = false;
    }

    /** (a) The physical limit: a plain consumer-to-producer loop. */
    @Benchmark
    public long plainClientLoop() throws Exception {
        startNanos = System.nanoTime();
        PlainClientLoop loop = PlainClientLoop.start(kafka.bootstrapServers(), group, INPUT, output);
        running = loop;
        return awaitOutput(loop::checkHealthy);
    }

    /**
     * (f) The physical limit of exactly-once: the plain loop with a transactional producer and a
     * read-committed consumer, committing every 100 ms; the pass ends at the transaction that
     * commits the last input offsets.
     */
    @Benchmark
    public long plainClientLoopExactlyOnce() throws Exception {
        startNanos = System.nanoTime();
        PlainClientLoop loop = PlainClientLoop.startExactlyOnce(kafka.bootstrapServers(), group, INPUT, output);
        running = loop;
        return awaitInputCommitted(loop::checkHealthy);
    }

    /** (b) Kafka Streams, one stream thread. */
    @Benchmark
    public long kafkaStreams() throws Exception {
        return runKafkaStreams(false);
    }

    /** (c) Weir's worker, one stream thread. */
    @Benchmark
    public long weir() throws Exception {
        return runWeir(false);
    }

    /** (d) Kafka Streams under exactly_once_v2; the pass ends at the transaction that commits the last input offsets. */
    @Benchmark
    public long kafkaStreamsExactlyOnce() throws Exception {
        return runKafkaStreams(true);
    }

    /** (e) Weir under EXACTLY_ONCE; the pass ends at the transaction that commits the last input offsets. */
    @Benchmark
    public long weirExactlyOnce() throws Exception {
        return runWeir(true);
    }

    private long runKafkaStreams(boolean exactlyOnce) throws Exception {
        startNanos = System.nanoTime();
        Properties props = ClientSettings.kafkaStreams(group, kafka.bootstrapServers(), stateDir, exactlyOnce);
        KafkaStreams streams = new KafkaStreams(StatelessWorkload.kafkaStreamsTopology(INPUT, output), props);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        running = () -> {
            if (!streams.close(Duration.ofSeconds(30))) {
                throw new IllegalStateException("Kafka Streams did not close within 30 s");
            }
        };
        streams.start();
        Runnable healthy = () -> {
            KafkaStreams.State state = streams.state();
            if (failure.get() != null || state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new IllegalStateException("Kafka Streams stopped in state " + state + ": " + failure.get(), failure.get());
            }
        };
        return exactlyOnce ? awaitInputCommitted(healthy) : awaitOutput(healthy);
    }

    private long runWeir(boolean exactlyOnce) throws Exception {
        startNanos = System.nanoTime();
        Worker worker = Worker.start(StatelessWorkload.weirApp(group, INPUT, output).topology(),
                ClientSettings.weir(kafka.bootstrapServers(), stateDir, exactlyOnce));
        running = () -> {
            io.micrometer.core.instrument.Timer commits = worker.metrics().find("weir.commit.latency").timer();
            if (commits != null) {
                System.out.printf("%s pass %d: %,d commits holding the stream thread %,.0f ms in all (%.1f ms each)%n", contender,
                        pass, commits.count(), commits.totalTime(TimeUnit.MILLISECONDS), commits.mean(TimeUnit.MILLISECONDS));
            }
            worker.close();
        };
        Runnable healthy = () -> {
            if (worker.state() == Worker.State.FAILED || worker.state() == Worker.State.STOPPED) {
                Throwable t = worker.failure().orElse(null);
                throw new IllegalStateException("The Weir worker stopped in state " + worker.state() + ": " + t, t);
            }
        };
        return exactlyOnce ? awaitInputCommitted(healthy) : awaitOutput(healthy);
    }

    @TearDown(Level.Invocation)
    public void endPass() throws Exception {
        try {
            if (running != null) {
                running.close();
            }
            if (!completed) {
                // The pass failed before its output was complete; the exception is JMH's to report.
                return;
            }
            OutputCheck check = readAndCheckOutput();
            Map<TopicPartition, Long> committed = committedOffsets();
            Map<TopicPartition, Long> end = endOffsets(inputPartitions);
            if (!committed.equals(end)) {
                throw new IllegalStateException("The " + contender + " group " + group + " committed " + committed
                        + " but the input ends at " + end);
            }
            double seconds = (endNanos - startNanos) / 1e9;
            double afterFirst = (endNanos - firstOutputNanos) / 1e9;
            System.out.printf("%s pass %d (%s): %,d records in %,.0f ms = %,.0f records/s; first output after %,.0f ms,"
                            + " %,.0f records/s counted from then; output verified (%,d records, offsets committed)%n",
                    contender, pass, iterationType, records, seconds * 1e3, records / seconds,
                    (firstOutputNanos - startNanos) / 1e6, records / afterFirst, check.count());
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

    /** Waits until the output holds the expected count; returns it. */
    private long awaitOutput(Runnable checkHealthy) throws Exception {
        long expected = StatelessWorkload.expectedOutputs(records);
        List<TopicPartition> out = partitions(output);
        long deadline = System.nanoTime() + PASS_TIMEOUT.toNanos();
        while (true) {
            checkHealthy.run();
            long n = sum(endOffsets(out));
            long now = System.nanoTime();
            if (n > 0 && firstOutputNanos == 0) {
                firstOutputNanos = now;
            }
            if (n >= expected) {
                endNanos = now;
                completed = true;
                return n;
            }
            if (now > deadline) {
                throw new IllegalStateException("The " + contender + " wrote " + n + " of " + expected + " records to "
                        + output + " in " + PASS_TIMEOUT.toMinutes() + " minutes");
            }
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * Exactly-once output is visible only when its transaction commits, and transaction markers
     * take offsets too: the pass ends when the group has committed the input's end offsets, in
     * the transaction that also commits the last output.
     */
    private long awaitInputCommitted(Runnable checkHealthy) throws Exception {
        Map<TopicPartition, Long> end = endOffsets(inputPartitions);
        long deadline = System.nanoTime() + PASS_TIMEOUT.toNanos();
        while (true) {
            checkHealthy.run();
            Map<TopicPartition, Long> committed = committedOffsets();
            long now = System.nanoTime();
            if (firstOutputNanos == 0 && sum(endOffsets(partitions(output))) > 0) {
                firstOutputNanos = now;
            }
            if (end.entrySet().stream().allMatch(e -> e.getValue().equals(committed.get(e.getKey())))) {
                endNanos = now;
                completed = true;
                return sum(end);
            }
            if (now > deadline) {
                throw new IllegalStateException("The " + contender + " did not commit " + end + " within " + PASS_TIMEOUT
                        + "; committed " + committed);
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** Reads the whole output topic back (no group, read-committed) and checks every record. */
    private OutputCheck readAndCheckOutput() throws Exception {
        OutputCheck check = new OutputCheck(contender + " (pass " + pass + ")", records);
        List<TopicPartition> parts = partitions(output);
        Map<TopicPartition, Long> end = endOffsets(parts);
        Map<String, Object> c = kafka.clientConfig();
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-verifier");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!reached(consumer, end)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    check.accept(r.key(), r.value());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading back " + output + " did not reach its end offsets " + end);
                }
            }
        }
        check.verify();
        return check;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Map<TopicPartition, Long> committedOffsets() throws ExecutionException, InterruptedException {
        return broker.committedOffsets(group);
    }

    private static List<TopicPartition> partitions(String topic) {
        return BenchBroker.partitions(topic, PARTITIONS);
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> parts) throws ExecutionException, InterruptedException {
        return broker.endOffsets(parts);
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return BenchBroker.sum(offsets);
    }
}
