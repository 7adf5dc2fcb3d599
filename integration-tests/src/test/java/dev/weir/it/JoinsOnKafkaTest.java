package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stream-table join on a real broker across 4 partitions: orders joined with a table of
 * customers fed by its own topic, while the tasks move to a second worker and then all of
 * them to it. Exactly-once, so every order is joined exactly once with the customer value it
 * must see.
 */
class JoinsOnKafkaTest {

    private static final int CUSTOMERS = 100;

    @TempDir
    Path dir;

    enum Store { ROCKSDB, IN_MEMORY }

    private static App app(String appId, Store store) {
        App app = App.create(appId);
        Topic<String, String> customerTopic = app.topic("customers", Serdes.string(), Serdes.string());
        Topic<String, String> updates = app.topic("customer-updates", Serdes.string(), Serdes.string());
        Topic<String, Orders.Order> orders = app.topic("orders", Serdes.string(), Serdes.json(Orders.Order.class));
        Topic<String, String> enriched = app.topic("enriched", Serdes.string(), Serdes.string());
        Table<String, String> customers = app.table("customers", Serdes.string(), Serdes.string(), null,
                store == Store.IN_MEMORY ? TableOptions.inMemory() : TableOptions.defaults());
        app.stream(customerTopic).toTable(customers).to(updates);
        app.stream(orders).leftJoin(customers, (o, country) -> o.id() + "=" + (country == null ? "none" : country)).to(enriched);
        return app;
    }

    /** Sets every customer's country to {@code country-<version>} and waits until the table has taken all of them. */
    private static void updateCustomers(String servers, int version, int expectedUpdates) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
            for (int c = 0; c < CUSTOMERS; c++) {
                KafkaIO.send(producer, "customers", "customer-" + c, "country-" + c + "-v" + version);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> read = KafkaIO.readUntil(servers, "customer-updates", Duration.ofSeconds(60),
                r -> r.size() >= expectedUpdates, JoinChecks.READ_COMMITTED);
        assertThat(read).hasSize(expectedUpdates);
    }

    /** Orders {@code from..to-1}; every tenth one for a customer the table does not hold. */
    private static void order(String servers, int from, int to, int version, Map<String, String> expected) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
            for (int i = from; i < to; i++) {
                boolean ghost = i % 10 == 0;
                String customer = ghost ? "ghost-" + i : "customer-" + (i % CUSTOMERS);
                KafkaIO.send(producer, "orders", customer, Orders.json("order-" + i, customer, i));
                expected.put("order-" + i, ghost ? "none" : "country-" + (i % CUSTOMERS) + "-v" + version);
            }
        }
    }

    private static double buffered(Worker worker) {
        return worker.metrics().find("weir.records.buffered").gauges().stream().mapToDouble(g -> g.value()).sum();
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void ordersAreJoinedWithTheCustomerValueOfTheirTimeWhileTheTasksMoveBetweenWorkers(Store store) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (String t : List.of("customers", "orders", "customer-updates", "enriched")) {
                kafka.createTopic(t, 4);
            }
            String servers = kafka.bootstrapServers();
            String appId = "joins-" + store.name().toLowerCase(java.util.Locale.ROOT);
            Map<String, String> expected = new HashMap<>();

            try (Worker first = Worker.start(app(appId, store).topology(), JoinChecks.exactlyOnce(servers, dir.resolve("first")))) {
                updateCustomers(servers, 1, CUSTOMERS);
                order(servers, 0, 400, 1, expected);
                JoinChecks.assertJoinedOnce(servers, "enriched", expected, "on the first worker");

                try (Worker second = Worker.start(app(appId, store).topology(), JoinChecks.exactlyOnce(servers, dir.resolve("second")))) {
                    KafkaIO.await("the second worker to restore the tasks it took", Duration.ofSeconds(60),
                            () -> JoinChecks.restored(second) > 0);
                    updateCustomers(servers, 2, 2 * CUSTOMERS);
                    order(servers, 400, 800, 2, expected);
                    JoinChecks.assertJoinedOnce(servers, "enriched", expected, "on the first worker");

                    double restoredBefore = JoinChecks.restored(second);
                    first.close();
                    order(servers, 800, 1200, 2, expected);
                    JoinChecks.assertJoinedOnce(servers, "enriched", expected, "on the worker that now holds every task");
                    assertThat(JoinChecks.restored(second)).as("the tables of the first worker's tasks restored from their changelog")
                            .isGreaterThan(restoredBefore);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ordersFetchedBeforeTheirEarlierCustomersAreJoinedWithThemAllTheSame() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (String t : List.of("customers", "orders", "customer-updates", "enriched")) {
                kafka.createTopic(t, 4);
            }
            String servers = kafka.bootstrapServers();
            long t0 = System.currentTimeMillis();
            Map<String, String> expected = new HashMap<>();
            WorkerConfig config = WorkerConfig.builder(servers).stateDir(dir.resolve("w")).guarantee(Guarantee.EXACTLY_ONCE)
                    .maxTaskIdle(Duration.ofSeconds(10)).build();
            try (Worker worker = Worker.start(app("joins-time-order", Store.ROCKSDB).topology(), config);
                 KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
                KafkaIO.await("the worker's 4 tasks to run", Duration.ofSeconds(60), () -> worker.runningTasks().size() == 4);
                // The orders reach the worker first, but are half an hour of event time later than the customers written after
                // them (not a full hour: the broker refuses timestamps more than log.message.timestamp.after.max.ms, an hour,
                // ahead of its clock, and t0 was read before the worker started):
                // each task waits (up to maxTaskIdle) for its customers partition and takes the customers first.
                for (int i = 0; i < 400; i++) {
                    String customer = "customer-" + (i % CUSTOMERS);
                    KafkaIO.send(producer, "orders", customer, Orders.json("order-" + i, customer, i), t0 + 1_800_000 + i);
                    expected.put("order-" + i, "country-" + (i % CUSTOMERS) + "-v1");
                }
                producer.flush();
                KafkaIO.await("the worker to fetch the 400 orders and hold them for their customers", Duration.ofSeconds(30),
                        () -> buffered(worker) == 400);
                for (int c = 0; c < CUSTOMERS; c++) {
                    KafkaIO.send(producer, "customers", "customer-" + c, "country-" + c + "-v1", t0 + c);
                }
                producer.flush();

                JoinChecks.assertJoinedOnce(servers, "enriched", expected, "each order taken after the customer update that precedes it in time");
            }
        }
    }

    @org.junit.jupiter.api.Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void twoTablesJoinOnKafkaAndTheLastResultOfEveryKeyIsTheJoinOfItsLastValues() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (String t : List.of("customers", "totals", "summaries")) {
                kafka.createTopic(t, 4);
            }
            String servers = kafka.bootstrapServers();
            App app = App.create("table-joins");
            Topic<String, String> customerTopic = app.topic("customers", Serdes.string(), Serdes.string());
            Topic<String, String> totalTopic = app.topic("totals", Serdes.string(), Serdes.string());
            Topic<String, String> summaryTopic = app.topic("summaries", Serdes.string(), Serdes.string());
            Table<String, String> customers = app.table("customers", Serdes.string(), Serdes.string(), null);
            Table<String, String> totals = app.table("totals", Serdes.string(), Serdes.string(), null,
                    TableOptions.inMemory());
            app.stream(customerTopic).toTable(customers);
            app.stream(totalTopic).toTable(totals);
            app.leftJoin("summary", customers, totals, (c, t) -> c + "=" + (t == null ? "none" : t)).to(summaryTopic);

            try (Worker worker = Worker.start(app.topology(), JoinChecks.exactlyOnce(servers, dir.resolve("w")));
                 KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
                Map<String, String> expected = new HashMap<>();
                for (int c = 0; c < CUSTOMERS; c++) {
                    KafkaIO.send(producer, "customers", "customer-" + c, "C" + c);
                    expected.put("customer-" + c, "C" + c + "=none");
                }
                producer.flush();
                for (int c = 0; c < CUSTOMERS; c += 2) {
                    KafkaIO.send(producer, "totals", "customer-" + c, "t" + c);
                    expected.put("customer-" + c, "C" + c + "=t" + c);
                }
                producer.flush();
                Map<String, String> last = new HashMap<>();
                KafkaIO.readUntil(servers, "summaries", Duration.ofSeconds(60), records -> {
                    last.clear();
                    records.forEach(r -> last.put(KafkaIO.text(r.key()), KafkaIO.text(r.value())));
                    return last.equals(expected);
                }, JoinChecks.READ_COMMITTED);
                assertThat(last).isEqualTo(expected);
            }
        }
    }
}
