package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.GlobalTable;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.runtime.Worker;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A global-table join on a real broker: orders on 4 partitions, keyed by customer, joined by the
 * product they name with a global table of products on 3 partitions (so nothing is
 * co-partitioned), exactly-once, while the tasks move to a second worker and then all of them to
 * it, and the first worker comes back. Every worker reads the whole table before its tasks start
 * (a left join would show "none" for an order taken too early), follows its updates, and a
 * RocksDB copy resumes from its checkpoint after a restart.
 */
class GlobalTablesOnKafkaTest {

    private static final int PRODUCTS = 200;

    @TempDir
    Path dir;

    enum Store { ROCKSDB, IN_MEMORY }

    private static App app(String appId, Store store) {
        App app = App.create(appId);
        Topic<String, String> orders = app.topic("orders", Serdes.string(), Serdes.string());
        Topic<String, String> productTopic = app.topic("products", Serdes.string(), Serdes.string());
        Topic<String, String> priced = app.topic("priced", Serdes.string(), Serdes.string());
        GlobalTable<String, String> products = app.globalTable(productTopic,
                store == Store.IN_MEMORY ? TableOptions.inMemory() : TableOptions.defaults());
        app.stream(orders)
                .leftJoin(products, (customer, order) -> order.substring(order.indexOf('@') + 1),
                        (order, product) -> order.substring(0, order.indexOf('@')) + "=" + (product == null ? "none" : product))
                .to(priced);
        return app;
    }

    /** Sets every product's name to {@code name-<i>-v<version>}. */
    private static void updateProducts(String servers, int version) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
            for (int p = 0; p < PRODUCTS; p++) {
                KafkaIO.send(producer, "products", "product-" + p, "name-" + p + "-v" + version);
            }
        }
    }

    /** Orders {@code from..to-1} by customers spread over every partition; every tenth names a product that does not exist. */
    private static void order(String servers, int from, int to, int version, Map<String, String> expected) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
            for (int i = from; i < to; i++) {
                boolean ghost = i % 10 == 0;
                String product = ghost ? "ghost-" + i : "product-" + (i * 7 % PRODUCTS);
                KafkaIO.send(producer, "orders", "customer-" + i, "order-" + i + "@" + product);
                expected.put("order-" + i, ghost ? "none" : "name-" + (i * 7 % PRODUCTS) + "-v" + version);
            }
        }
    }

    private static double applied(Worker worker) {
        return worker.metrics().find("weir.global.records").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyWorkerJoinsWithTheWholeTableAcrossMovesUpdatesAndRestarts(Store store) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 4);
            kafka.createTopic("products", 3, Map.of("cleanup.policy", "compact"));
            kafka.createTopic("priced", 4);
            String servers = kafka.bootstrapServers();
            String appId = "global-joins-" + store.name().toLowerCase(java.util.Locale.ROOT);
            Map<String, String> expected = new HashMap<>();
            updateProducts(servers, 1);

            try (Worker first = Worker.start(app(appId, store).topology(), JoinChecks.exactlyOnce(servers, dir.resolve("first")))) {
                order(servers, 0, 400, 1, expected);          // sent while the worker may still be reading the products
                JoinChecks.assertJoinedOnce(servers, "priced", expected, "on the first worker");
                assertThat(applied(first)).as("the first worker read every product before its tasks started").isEqualTo(PRODUCTS);

                try (Worker second = Worker.start(app(appId, store).topology(), JoinChecks.exactlyOnce(servers, dir.resolve("second")))) {
                    KafkaIO.await("the second worker to run tasks", Duration.ofSeconds(60), () -> !second.runningTasks().isEmpty());
                    assertThat(applied(second)).as("the second worker read every product before its tasks started")
                            .isEqualTo(PRODUCTS);
                    updateProducts(servers, 2);
                    KafkaIO.await("both workers to read the updated products", Duration.ofSeconds(60),
                            () -> applied(first) == 2 * PRODUCTS && applied(second) == 2 * PRODUCTS);
                    order(servers, 400, 800, 2, expected);
                    JoinChecks.assertJoinedOnce(servers, "priced", expected, "on two workers");

                    first.close();
                    order(servers, 800, 1200, 2, expected);
                    JoinChecks.assertJoinedOnce(servers, "priced", expected, "on the worker that now holds every task");

                    // The first worker comes back with its state directory: a RocksDB copy reads only what came since it stopped.
                    try (Worker restarted = Worker.start(app(appId, store).topology(),
                            JoinChecks.exactlyOnce(servers, dir.resolve("first")))) {
                        KafkaIO.await("the restarted worker to run tasks", Duration.ofSeconds(60),
                                () -> !restarted.runningTasks().isEmpty());
                        assertThat(applied(restarted)).as("records the restarted worker read again")
                                .isEqualTo(store == Store.ROCKSDB ? 0 : 2 * PRODUCTS);
                        order(servers, 1200, 1600, 2, expected);
                        JoinChecks.assertJoinedOnce(servers, "priced", expected, "after the first worker came back");
                    }
                }
            }
        }
    }
}
