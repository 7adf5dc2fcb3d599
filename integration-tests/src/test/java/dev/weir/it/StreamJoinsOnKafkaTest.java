package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.JoinWindows;
import dev.weir.dsl.StreamJoined;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.runtime.Worker;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A windowed stream-stream left join on a real broker across 4 partitions, exactly-once: orders
 * wait in their buffer for payments while the tasks move to a second worker and then all of them
 * to it, so payments that arrive after a move must find orders buffered on the other worker
 * (restored from the buffer's changelog), and orders never paid come out alone, once each, when
 * stream time passes their window.
 */
class StreamJoinsOnKafkaTest {

    private static final int ORDERS = 400;

    @TempDir
    Path dir;

    enum Store { ROCKSDB, IN_MEMORY }

    private static App app(String appId, Store store) {
        App app = App.create(appId);
        Topic<String, String> orders = app.topic("orders", Serdes.string(), Serdes.string());
        Topic<String, String> payments = app.topic("payments", Serdes.string(), Serdes.string());
        Topic<String, String> paid = app.topic("paid", Serdes.string(), Serdes.string());
        app.stream(orders).leftJoin(app.stream(payments), JoinWindows.of(Duration.ofMinutes(5)).grace(Duration.ofMinutes(1)),
                        (order, payment) -> order + "=" + (payment == null ? "none" : payment),
                        StreamJoined.<String, String, String>as("order-payments")
                                .withStore(store == Store.IN_MEMORY ? TableOptions.inMemory() : TableOptions.defaults()))
                .to(paid);
        return app;
    }

    /** Pays the orders {@code i} with {@code i % 4 == group}, a second after (or, group 0, before) the order's time. */
    private static void pay(String servers, long t0, int group, Map<String, String> expected) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
            for (int i = group; i < ORDERS; i += 4) {
                long at = t0 + i * 100L + (group == 0 ? -1_000 : 1_000);
                KafkaIO.send(producer, "payments", "customer-" + i, "payment-" + i, at);
                expected.put("order-" + i, "payment-" + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void paymentsFindTheirOrdersAcrossWorkerMovesAndUnpaidOrdersComeOutOnceWhenTheirWindowCloses(Store store) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (String t : List.of("orders", "payments", "paid")) {
                kafka.createTopic(t, 4);
            }
            String servers = kafka.bootstrapServers();
            String appId = "stream-joins-" + store.name().toLowerCase(java.util.Locale.ROOT);
            long t0 = System.currentTimeMillis();
            Map<String, String> expected = new HashMap<>();

            try (Worker first = Worker.start(app(appId, store).topology(), JoinChecks.exactlyOnce(servers, dir.resolve("first")))) {
                try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
                    for (int i = 0; i < ORDERS; i++) {
                        KafkaIO.send(producer, "orders", "customer-" + i, "order-" + i, t0 + i * 100L);
                    }
                }
                pay(servers, t0, 0, expected);                            // paid before the order's time
                JoinChecks.assertJoinedOnce(servers, "paid", expected, "on the first worker");

                try (Worker second = Worker.start(app(appId, store).topology(), JoinChecks.exactlyOnce(servers, dir.resolve("second")))) {
                    KafkaIO.await("the second worker to restore the buffers of the tasks it took", Duration.ofSeconds(60),
                            () -> JoinChecks.restored(second) > 0);
                    pay(servers, t0, 1, expected);                        // orders buffered on the first worker, some moved
                    JoinChecks.assertJoinedOnce(servers, "paid", expected, "on two workers");

                    double restoredBefore = JoinChecks.restored(second);
                    first.close();
                    pay(servers, t0, 2, expected);
                    JoinChecks.assertJoinedOnce(servers, "paid", expected, "on the worker that now holds every task");
                    assertThat(JoinChecks.restored(second)).as("the buffers of the first worker's tasks restored from their changelogs")
                            .isGreaterThan(restoredBefore);

                    // An hour later in event time, on every partition: the unpaid orders' windows close.
                    try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
                        for (int k = 0; k < 40; k++) {
                            KafkaIO.send(producer, "payments", "tick-" + k, "tick", t0 + 3_600_000);
                        }
                    }
                    for (int i = 3; i < ORDERS; i += 4) {
                        expected.put("order-" + i, "none");
                    }
                    JoinChecks.assertJoinedOnce(servers, "paid", expected, "the unpaid orders, alone");
                }
            }
        }
    }
}
