package dev.weir.benchmarks;

import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The embedded broker of an end-to-end benchmark trial, with its admin client and a temporary
 * state root, and the offset look-ups the benchmarks use to decide when a pass is done.
 */
final class BenchBroker implements AutoCloseable {

    final EmbeddedKafka kafka;
    final Admin admin;
    final Path stateRoot;

    private BenchBroker(EmbeddedKafka kafka, Admin admin, Path stateRoot) {
        this.kafka = kafka;
        this.admin = admin;
        this.stateRoot = stateRoot;
    }

    /** Free space a data directory needs to hold a trial's input and a pass's topics and state. */
    private static final long DATA_DIR_SPACE = 6L << 30;

    /**
     * Where the broker's logs and the contenders' state directories go: {@code -Dweir.bench.dir}
     * when set; else {@code /dev/shm} when it is a writable tmpfs with room, so that disk
     * write-back (which on a shared virtual disk lands in random passes) is not measured; else
     * {@code java.io.tmpdir}. The same for every contender.
     */
    static Path dataDir() {
        String set = System.getProperty("weir.bench.dir");
        if (set != null && !set.isBlank()) {
            return Path.of(set);
        }
        Path shm = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(shm) && Files.isWritable(shm) && Files.getFileStore(shm).getUsableSpace() >= DATA_DIR_SPACE) {
                return shm;
            }
        } catch (IOException e) {
            // not usable: the default below
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** A broker whose logs are under {@code dataDir}, saying where. */
    static EmbeddedKafka startKafka(Path dataDir) {
        System.out.println("Broker logs and state directories under " + dataDir);
        // A pass deletes its topics afterwards; their files go at once, not a minute later in the middle of another pass.
        return EmbeddedKafka.builder().temporaryDirectoryParent(dataDir).brokerConfig("file.delete.delay.ms", 0).start();
    }

    static BenchBroker start(String stateRootPrefix) throws IOException {
        Path dataDir = dataDir();
        Path root = Files.createTempDirectory(dataDir, stateRootPrefix);
        EmbeddedKafka kafka = startKafka(dataDir);
        Map<String, Object> adminConfig = kafka.clientConfig();
        adminConfig.put("client.id", "bench-admin");
        return new BenchBroker(kafka, Admin.create(adminConfig), root);
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions and loads the {@link StatelessWorkload}
     * records {@code 0 .. records-1} into it, with the benchmarks' producer settings; checks the count.
     */
    void loadWorkload(String topic, int partitions, int records) throws Exception {
        createReadyTopic(topic, partitions);
        long t0 = System.nanoTime();
        Map<String, Object> p = kafka.clientConfig();
        p.putAll(ClientSettings.producer());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-loader");
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int seq = 0; seq < records; seq++) {
                producer.send(new ProducerRecord<>(topic, StatelessWorkload.key(seq), StatelessWorkload.value(seq)), (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Loading the input failed: " + failure.get(), failure.get());
        }
        long loaded = sum(endOffsets(partitions(topic, partitions)));
        if (loaded != records) {
            throw new IllegalStateException("The input topic holds " + loaded + " records, expected " + records);
        }
        System.out.printf("Loaded %,d records into %s (%d partitions) in %d ms%n", records, topic, partitions,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /**
     * Creates {@code topic} and waits until every partition's leader answers an offset request:
     * a partition whose leader is known in the metadata may still refuse writes for a moment
     * (NOT_LEADER_OR_FOLLOWER), which once left a loading producer retrying out-of-order batches
     * until they expired.
     */
    void createReadyTopic(String topic, int partitions) throws Exception {
        kafka.createTopic(topic, partitions);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                endOffsets(partitions(topic, partitions));
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The partitions of " + topic + " did not become ready: " + e.getCause(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** The committed offsets of {@code group}. */
    Map<TopicPartition, Long> committedOffsets(String group) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> out = new HashMap<>();
        m.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    /** The end offsets of {@code parts}. */
    Map<TopicPartition, Long> endOffsets(List<TopicPartition> parts) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        parts.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /**
     * Waits until {@code group} has committed exactly {@code target}, checking every
     * {@code pollMs} and calling {@code checkHealthy} (which throws when the engine failed) each time.
     *
     * @throws IllegalStateException naming {@code who} when {@code timeout} passes first
     */
    void awaitCommitted(String who, String group, Map<TopicPartition, Long> target, Runnable checkHealthy, Duration timeout,
                        long pollMs) throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkHealthy.run();
            Map<TopicPartition, Long> committed = committedOffsets(group);
            if (target.entrySet().stream().allMatch(e -> e.getValue().equals(committed.get(e.getKey())))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(who + " did not commit " + target + " within " + timeout + "; committed " + committed);
            }
            Thread.sleep(pollMs);
        }
    }

    /** A count a pass waits on; may ask the broker. */
    interface Progress {
        long get() throws Exception;
    }

    /**
     * Waits until {@code progress} reaches {@code target}, checking every {@code pollMs} and
     * calling {@code checkHealthy} (which throws when the engine failed) each time; returns the
     * count reached.
     *
     * @throws IllegalStateException naming {@code who} and {@code what} when {@code timeout} passes first
     */
    static long awaitAtLeast(String who, String what, Progress progress, long target, Runnable checkHealthy, Duration timeout,
                             long pollMs) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkHealthy.run();
            long done = progress.get();
            if (done >= target) {
                return done;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(who + " " + what + " " + done + " of " + target + " records within " + timeout);
            }
            Thread.sleep(pollMs);
        }
    }

    /**
     * Reads {@code parts} from the beginning to their end offsets (read-committed when asked),
     * handing every record to {@code each}; fails when that takes more than two minutes.
     */
    <K, V> void readAll(List<TopicPartition> parts, Deserializer<K> keys, Deserializer<V> values, boolean readCommitted,
                        BiConsumer<K, V> each) {
        Map<String, Object> c = kafka.clientConfig();
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        if (readCommitted) {
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(c, keys, values)) {
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(200))) {
                    each.accept(r.key(), r.value());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading back " + parts + " did not reach their end offsets " + end);
                }
            }
        }
    }

    static List<TopicPartition> partitions(String topic, int count) {
        List<TopicPartition> out = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }

    static long sum(Map<TopicPartition, Long> offsets) {
        long n = 0;
        for (long o : offsets.values()) {
            n += o;
        }
        return n;
    }

    /** Closes the admin client and the broker, and deletes the state root. */
    @Override
    public void close() throws IOException {
        try {
            admin.close(Duration.ofSeconds(5));
        } finally {
            try {
                kafka.close();
            } finally {
                Utils.delete(stateRoot.toFile());
            }
        }
    }
}
