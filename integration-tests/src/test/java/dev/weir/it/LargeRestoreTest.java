package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.kafka.EmbeddedKafka;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table of 1,000,000 keys restored by a new worker whose {@code max.poll.interval.ms} is far
 * below the restore's time: the state updater restores while the stream thread keeps polling, so
 * the member never misses a poll, the group does not rebalance in a loop, and processing starts
 * once the stores caught up.
 */
class LargeRestoreTest {

    private static final Logger log = LoggerFactory.getLogger(LargeRestoreTest.class);
    private static final int KEYS = 1_000_000;
    private static final int PARTITIONS = 4;
    /** Long customer names make a changelog of ~200 MB, whose restore takes seconds. */
    private static final String PAD = "-" + "x".repeat(180);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aMillionKeyRestoreOutlastingMaxPollIntervalCompletesWithoutARebalanceLoopAndProcessingStarts() throws Exception {
        String app = "large-restore";
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic(Counts.ORDERS, PARTITIONS);
            kafka.createTopic(Counts.COUNTS, PARTITIONS);
            kafka.createTopic(Counts.changelog(app), PARTITIONS, Map.of("cleanup.policy", "compact"));
            String servers = kafka.bootstrapServers();
            fillChangelog(servers, Counts.changelog(app));

            long started = System.nanoTime();
            try (Worker worker = Worker.start(Counts.app(app).topology(),
                    Chaos.workerConfig(servers, dir.resolve("worker"), Guarantee.AT_LEAST_ONCE)
                            .consumerConfig("max.poll.interval.ms", 1000).webPort(0).build())) {
                // The web endpoint says the worker is not ready while it restores, and what it waits for, then that it is.
                String web = worker.webAddress().orElseThrow();
                java.util.List<String> notReady = new java.util.ArrayList<>();
                java.util.List<String> restoreMetrics = new java.util.ArrayList<>();
                KafkaIO.await("the restore to finish and every task to run", Duration.ofSeconds(180), () -> {
                    try {
                        java.net.http.HttpResponse<String> ready = WebEndpointOnKafkaTest.get(web, "/ready", null);
                        if (ready.statusCode() == 503) {
                            notReady.add(ready.body());
                            String metrics = WebEndpointOnKafkaTest.get(web, "/metrics", null).body();
                            metrics.lines().filter(l -> l.startsWith("weir_restore_remaining")).forEach(restoreMetrics::add);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return worker.runningTasks().size() == 2 * PARTITIONS || worker.state() != Worker.State.RUNNING;
                });
                assertThat(notReady).as("/ready while the tables restore").anySatisfy(b -> assertThat(b).contains("restoring"));
                assertThat(restoreMetrics).as("restore progress on /metrics").anySatisfy(l -> assertThat(l).doesNotEndWith(" 0.0"));
                KafkaIO.await("/ready once every task runs", Duration.ofSeconds(10),
                        () -> { try { return WebEndpointOnKafkaTest.get(web, "/ready", null).statusCode() == 200; }
                                catch (Exception e) { return false; } });
                long restoreMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                log.info("Restored {} keys in {} ms with max.poll.interval.ms=1000", KEYS, restoreMs);
                assertThat(worker.state()).isEqualTo(Worker.State.RUNNING);
                assertThat(sum(worker, "weir.restore.records")).as("changelog records restored").isEqualTo(KEYS);
                assertThat(restoreMs).as("the restore outlasted max.poll.interval.ms").isGreaterThan(1000);

                // Processing starts on the restored counts: every customer here had 1, so counts 2 (each order once: no rebalance).
                try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
                    for (int i = 0; i < 1000; i++) {
                        KafkaIO.send(producer, Counts.ORDERS, "order-" + i, Orders.json("order-" + i, customer(i), 1));
                    }
                }
                Map<String, Long> expected = new HashMap<>();
                for (int i = 0; i < 1000; i++) {
                    expected.put(customer(i), 2L);
                }
                Map<String, List<Long>> out = Chaos.readCommitted(servers, Counts.COUNTS, Duration.ofSeconds(60),
                        v -> Chaos.reached(v, expected));
                assertThat(Chaos.last(out)).isEqualTo(expected);
                assertThat(sum(worker, "weir.rebalances")).as("assignments: one, not a loop").isEqualTo(1);
            }
        }
    }

    private static void fillChangelog(String servers, String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        byte[] one = Serdes.longs().serialize(1L);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < KEYS; i++) {
                byte[] key = KafkaIO.utf8(customer(i));
                // The partition the repartition topic sends the key to: the task that holds it.
                int partition = Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
                producer.send(new ProducerRecord<>(topic, partition, key, one));
            }
        }
    }

    private static String customer(int i) {
        return "customer-" + i + PAD;
    }

    private static double sum(Worker worker, String meter) {
        return worker.metrics().find(meter).counters().stream().mapToDouble(Counter::count).sum();
    }
}
