package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
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
 * A foreign-key join on a real broker: orders on 4 partitions name customers kept on 3, so
 * subscriptions and answers cross the internal topics; exactly-once, while the tasks move to a
 * second worker and then all of them to it. The last result of every order is the join of its
 * order and its customer as they stand, after customer updates, foreign-key changes and deletes.
 */
class ForeignKeyJoinsOnKafkaTest {

    private static final int CUSTOMERS = 50;
    private static final int ORDERS = 200;

    @TempDir
    Path dir;

    enum Store { ROCKSDB, IN_MEMORY }

    private static App app(String appId, Store store) {
        App app = App.create(appId);
        TableOptions options = store == Store.IN_MEMORY ? TableOptions.inMemory() : TableOptions.defaults();
        Topic<String, String> orderTopic = app.topic("orders", Serdes.string(), Serdes.string());
        Topic<String, String> customerTopic = app.topic("customers", Serdes.string(), Serdes.string());
        Table<String, String> orders = app.table("orders", Serdes.string(), Serdes.string(), null, options);
        Table<String, String> customers = app.table("customers", Serdes.string(), Serdes.string(), null, options);
        app.stream(orderTopic).toTable(orders);
        app.stream(customerTopic).toTable(customers);
        app.join("order-customers", orders, customers, order -> order.substring(0, order.indexOf('|')),
                (order, customer) -> order.substring(order.indexOf('|') + 1) + " for " + customer)
                .to(app.topic("details", Serdes.string(), Serdes.string()));
        return app;
    }

    private static void send(String servers, String topic, Map<String, String> records) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
            records.forEach((k, v) -> KafkaIO.send(producer, topic, k, v));
        }
    }

    /** Waits until the last value of every key of the details topic is {@code expected}'s (null: deleted or never joined). */
    private static void assertLatest(String servers, Map<String, String> expected, String why) {
        Map<String, String> latest = new HashMap<>();
        KafkaIO.readUntil(servers, "details", Duration.ofSeconds(90), records -> {
            latest.clear();
            records.forEach(r -> latest.put(KafkaIO.text(r.key()), r.value() == null ? null : KafkaIO.text(r.value())));
            latest.values().removeIf(v -> v == null);
            return latest.equals(expected);
        }, JoinChecks.READ_COMMITTED);
        assertThat(latest).as(why).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyOrderJoinsItsCustomerAsBothStandAcrossMovesUpdatesAndDeletes(Store store) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 4);
            kafka.createTopic("customers", 3);
            kafka.createTopic("details", 4);
            String servers = kafka.bootstrapServers();
            String appId = "fk-joins-" + store.name().toLowerCase(java.util.Locale.ROOT);
            Map<String, String> customers = new HashMap<>();
            Map<String, String> orders = new HashMap<>();
            Map<String, String> expected = new HashMap<>();
            for (int c = 0; c < CUSTOMERS; c++) {
                customers.put("c" + c, "name-" + c + "-v1");
            }
            for (int o = 0; o < ORDERS; o++) {
                orders.put("o" + o, "c" + (o % CUSTOMERS) + "|item-" + o);
                expected.put("o" + o, "item-" + o + " for name-" + (o % CUSTOMERS) + "-v1");
            }

            try (Worker first = Worker.start(app(appId, store).topology(), JoinChecks.exactlyOnce(servers, dir.resolve("first")))) {
                send(servers, "customers", customers);
                send(servers, "orders", orders);
                assertLatest(servers, expected, "on the first worker");

                try (Worker second = Worker.start(app(appId, store).topology(),
                        JoinChecks.exactlyOnce(servers, dir.resolve("second")))) {
                    KafkaIO.await("the second worker to restore the tasks it took", Duration.ofSeconds(60),
                            () -> JoinChecks.restored(second) > 0);
                    customers.replaceAll((c, name) -> name.replace("-v1", "-v2"));
                    send(servers, "customers", customers);                      // every subscriber answered again
                    expected.replaceAll((o, detail) -> detail.replace("-v1", "-v2"));
                    assertLatest(servers, expected, "after the customers changed, on two workers");

                    first.close();
                    Map<String, String> changes = new HashMap<>();
                    for (int o = 0; o < 50; o++) {                              // a new customer for each of these
                        int c = (o + 1) % CUSTOMERS;
                        changes.put("o" + o, "c" + c + "|item-" + o);
                        expected.put("o" + o, "item-" + o + " for name-" + c + "-v2");
                    }
                    for (int o = 50; o < 60; o++) {                             // deleted orders
                        changes.put("o" + o, null);
                        expected.remove("o" + o);
                    }
                    send(servers, "orders", changes);
                    send(servers, "customers", java.util.Collections.singletonMap("c7", null));   // a deleted customer
                    expected.entrySet().removeIf(e -> e.getValue().endsWith(" for name-7-v2"));
                    assertLatest(servers, expected, "after changes and deletes, on the worker that holds every task");
                }
            }
        }
    }
}
