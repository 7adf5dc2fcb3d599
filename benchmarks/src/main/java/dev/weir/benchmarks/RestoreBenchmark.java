package dev.weir.benchmarks;

import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
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
import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Serdes;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Time to restore a table of {@link #records} distinct keys (default 1,000,000) from its changelog
 * into an empty RocksDB store: Kafka Streams against Weir, one thread each. Each contender's
 * changelog ({@code <app>-counts-changelog}, {@value #PARTITIONS} partitions, compacted, one
 * 8-byte long per key) is loaded once per trial; every pass starts the engine on an empty state
 * directory and ends when the restore is complete (Kafka Streams: state RUNNING, which it
 * reaches after restoring; Weir: every task of the table has been created, which happens after
 * its store is restored). Verified: the engine reports exactly {@link #records} restored records.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class RestoreBenchmark {

    public static final int PARTITIONS = 4;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /** Distinct records in the table (one changelog record each); named records so the report reads it as the pass size. */
    @Param("1000000")
    public int records;

    private EmbeddedKafka kafka;
    private Path stateRoot;
    private String contender;
    private String app;
    private int pass;
    private Path stateDir;
    private AutoCloseable running;
    private long restored;

    @Setup(Level.Trial)
    public void loadChangelog(BenchmarkParams params) throws Exception {
        String benchmark = params.getBenchmark();
        contender = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        app = "restore-" + contender;
        Path dataDir = BenchBroker.dataDir();
        stateRoot = Files.createTempDirectory(dataDir, "weir-bench-restore");
        kafka = BenchBroker.startKafka(dataDir);
        kafka.createTopic(app + "-input", PARTITIONS);
        String changelog = app + "-" + CountWorkload.TABLE + "-changelog";
        kafka.createTopic(changelog, PARTITIONS, Map.of("cleanup.policy", "compact"));
        Map<String, Object> p = kafka.clientConfig();
        p.putAll(ClientSettings.producer());
        long t0 = System.nanoTime();
        try (KafkaProducer<String, Long> producer = new KafkaProducer<>(p, new StringSerializer(), new LongSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(changelog, "user-" + i, (long) i));
            }
            producer.flush();
        }
        System.out.printf("Loaded %,d records into %s in %d ms%n", records, changelog, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Setup(Level.Invocation)
    public void newPass() {
        pass++;
        stateDir = stateRoot.resolve("pass-" + pass);
        running = null;
        restored = 0;
    }

    @Benchmark
    public long kafkaStreams() throws Exception {
        long start = System.nanoTime();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic");
        ClientSettings.consumer().forEach((k, v) -> props.put(StreamsConfig.mainConsumerPrefix(k), v));
        org.apache.kafka.streams.StreamsBuilder builder = new org.apache.kafka.streams.StreamsBuilder();
        builder.stream(app + "-input", org.apache.kafka.streams.kstream.Consumed.with(
                        new org.apache.kafka.common.serialization.Serdes.StringSerde(),
                        new org.apache.kafka.common.serialization.Serdes.StringSerde()))
               .groupByKey()
               .count(org.apache.kafka.streams.kstream.Materialized.as(CountWorkload.TABLE));
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        AtomicLong count = new AtomicLong();
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition tp, String store, long start, long end) {
            }

            @Override
            public void onBatchRestored(TopicPartition tp, String store, long end, long n) {
            }

            @Override
            public void onRestoreEnd(TopicPartition tp, String store, long total) {
                count.addAndGet(total);
            }
        });
        CountDownLatchHolder running2 = new CountDownLatchHolder();
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running2.latch.countDown();
            }
        });
        // Leave the group on close (Kafka Streams stays in it by default), so the next pass of the
        // same application id does not wait for the old member's session to time out; Weir leaves too.
        running = () -> streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
        streams.start();
        if (!running2.latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Kafka Streams did not restore within " + TIMEOUT);
        }
        restored = count.get();
        System.out.printf("kafkaStreams pass %d: restored %,d records in %,d ms%n", pass, restored,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return restored;
    }

    /** Holds a latch for a lambda. */
    private static final class CountDownLatchHolder {
        final java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
    }

    @Benchmark
    public long weir() throws Exception {
        long start = System.nanoTime();
        App weirApp = App.create(app);
        Topic<String, String> in = weirApp.topic(app + "-input", Serdes.string(), Serdes.string());
        Table<String, Long> table = weirApp.table(CountWorkload.TABLE, Serdes.string(), Serdes.longs(), 0L);
        weirApp.stream(in).count(table);
        WorkerConfig.Builder config = WorkerConfig.builder(kafka.bootstrapServers()).threads(1).stateDir(stateDir);
        ClientSettings.consumer().forEach(config::consumerConfig);
        Worker worker = Worker.start(weirApp.topology(), config.build());
        running = worker;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (worker.runningTasks().size() < PARTITIONS) {
            if (worker.state() == Worker.State.FAILED || System.nanoTime() > deadline) {
                throw new IllegalStateException("Weir did not restore within " + TIMEOUT + ": " + worker.failure().orElse(null));
            }
            Thread.sleep(1);
        }
        restored = (long) worker.metrics().find("weir.restore.records").counters().stream().mapToDouble(Counter::count).sum();
        System.out.printf("weir pass %d: restored %,d records in %,d ms%n", pass, restored,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return restored;
    }

    @TearDown(Level.Invocation)
    public void endPass() throws Exception {
        try {
            if (running != null) {
                running.close();
            }
            if (restored != records) {
                throw new IllegalStateException(contender + " pass " + pass + " restored " + restored + " records, expected " + records);
            }
        } finally {
            running = null;
            if (Files.exists(stateDir)) {
                Utils.delete(stateDir.toFile());
            }
        }
    }

    @TearDown(Level.Trial)
    public void stopBroker() throws IOException {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            Utils.delete(stateRoot.toFile());
        }
    }
}
