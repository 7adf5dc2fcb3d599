package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.kafka.EmbeddedKafka;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tables on a real broker: counts over partitions, restore on another worker, from scratch and from a checkpoint. */
class TablesOnKafkaTest {

    @TempDir
    Path dir;

    /** Orders counted per customer into a RocksDB table; each new count goes to topic customer-counts. */
    private static App countingApp(String appId) {
        App app = App.create(appId);
        Topic<String, Orders.Order> orders = app.topic("orders", Serdes.string(), Serdes.json(Orders.Order.class));
        Topic<String, Long> counts = app.topic("customer-counts", Serdes.string(), Serdes.longs());
        Table<String, Long> table = app.table("order-counts", Serdes.string(), Serdes.longs(), 0L);
        app.stream(orders).groupBy(Orders.Order::customer, Serdes.string(), "by-customer").count(table).to(counts);
        return app;
    }

    private static WorkerConfig config(String servers, Path stateDir) {
        return WorkerConfig.builder(servers).stateDir(stateDir).threads(2).commitInterval(Duration.ofMillis(200)).build();
    }

    private static void produce(String servers, int from, int to, int customers, Map<String, Long> expected) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
            for (int i = from; i < to; i++) {
                String customer = "customer-" + (i % customers);
                KafkaIO.send(producer, "orders", "order-" + i, Orders.json("order-" + i, customer, i));
                expected.merge(customer, 1L, Long::sum);
            }
        }
    }

    /** Reads customer-counts until the last count of every customer is the expected one. */
    private static Map<String, Long> awaitCounts(String servers, Map<String, Long> expected) {
        Map<String, Long> last = new HashMap<>();
        int[] read = {0};
        KafkaIO.readUntil(servers, "customer-counts", Duration.ofSeconds(60), records -> {
            for (; read[0] < records.size(); read[0]++) {
                ConsumerRecord<byte[], byte[]> r = records.get(read[0]);
                last.put(KafkaIO.text(r.key()), Serdes.longs().deserialize(r.value()));
            }
            return last.equals(expected);
        });
        return last;
    }

    private static double restored(Worker worker) {
        return worker.metrics().find("weir.restore.records").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void countsPerKeyOverFourPartitionsMoveToAnotherWorkerWithTheSameValues() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 4);
            kafka.createTopic("customer-counts", 4);
            String servers = kafka.bootstrapServers();
            Map<String, Long> expected = new HashMap<>();
            produce(servers, 0, 3000, 41, expected);

            try (Worker first = Worker.start(countingApp("tables-move").topology(), config(servers, dir.resolve("first")))) {
                assertThat(awaitCounts(servers, expected)).isEqualTo(expected);
                assertThat(kafka.topicPartitions("tables-move-order-counts-changelog")).isEqualTo(4);
            }

            try (Worker second = Worker.start(countingApp("tables-move").topology(), config(servers, dir.resolve("second")))) {
                produce(servers, 3000, 3041, 41, expected);
                assertThat(awaitCounts(servers, expected)).as("counts continue from the restored values").isEqualTo(expected);
                assertThat(restored(second)).as("records restored from the changelog").isGreaterThanOrEqualTo(41);
            }
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void deletedStoresAreRebuiltFromTheChangelogDespiteTheirCheckpoints() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 4);
            kafka.createTopic("customer-counts", 4);
            String servers = kafka.bootstrapServers();
            Map<String, Long> expected = new HashMap<>();
            produce(servers, 0, 2000, 23, expected);
            Path state = dir.resolve("state");

            try (Worker worker = Worker.start(countingApp("tables-rebuild").topology(), config(servers, state))) {
                assertThat(awaitCounts(servers, expected)).isEqualTo(expected);
            }
            try (Stream<Path> files = Files.walk(state)) {
                assertThat(files.anyMatch(p -> p.getFileName().toString().equals(".checkpoint"))).isTrue();
            }
            // Only the stores go; the checkpoints stay and must not be trusted for stores that are gone.
            try (Stream<Path> files = Files.walk(state)) {
                for (Path store : files.filter(p -> p.getFileName().toString().equals("order-counts")).toList()) {
                    deleteRecursively(store);
                }
            }

            try (Worker worker = Worker.start(countingApp("tables-rebuild").topology(), config(servers, state))) {
                produce(servers, 2000, 2023, 23, expected);
                assertThat(awaitCounts(servers, expected)).isEqualTo(expected);
                assertThat(restored(worker)).as("every key rebuilt from the changelog").isGreaterThanOrEqualTo(23);
            }
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aWorkerRestartedOnItsOwnStateRestoresOnlyFromItsCheckpoint() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 4);
            kafka.createTopic("customer-counts", 4);
            String servers = kafka.bootstrapServers();
            Map<String, Long> expected = new HashMap<>();
            produce(servers, 0, 2000, 29, expected);
            Path state = dir.resolve("state");

            try (Worker worker = Worker.start(countingApp("tables-restart").topology(), config(servers, state))) {
                assertThat(awaitCounts(servers, expected)).isEqualTo(expected);
            }
            try (Worker worker = Worker.start(countingApp("tables-restart").topology(), config(servers, state))) {
                produce(servers, 2000, 2029, 29, expected);
                assertThat(awaitCounts(servers, expected)).isEqualTo(expected);
                assertThat(restored(worker)).as("a clean stop checkpoints everything: nothing to restore").isZero();
            }
        }
    }

    private static void deleteRecursively(Path p) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aDeletedStateDirectoryIsRebuiltFromTheChangelog() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 4);
            kafka.createTopic("customer-counts", 4);
            String servers = kafka.bootstrapServers();
            Map<String, Long> expected = new HashMap<>();
            produce(servers, 0, 1000, 19, expected);
            Path state = dir.resolve("state");

            try (Worker worker = Worker.start(countingApp("tables-wipe").topology(), config(servers, state))) {
                assertThat(awaitCounts(servers, expected)).isEqualTo(expected);
            }
            deleteRecursively(state);

            try (Worker worker = Worker.start(countingApp("tables-wipe").topology(), config(servers, state))) {
                produce(servers, 1000, 1019, 19, expected);
                assertThat(awaitCounts(servers, expected)).isEqualTo(expected);
                assertThat(restored(worker)).isGreaterThanOrEqualTo(19);
            }
        }
    }
}
