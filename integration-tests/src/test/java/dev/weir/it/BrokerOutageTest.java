package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker stopped and restarted on the same port and log directory while orders flow through
 * a counting worker: the worker waits the outage out and resumes by itself, losing nothing;
 * under exactly-once the committed counts are exact. The long outage outlasts the worker's
 * producer delivery timeout (set low), so sends expire and the worker goes back to its last
 * commit, more than once.
 */
class BrokerOutageTest {

    private static final Logger log = LoggerFactory.getLogger(BrokerOutageTest.class);
    private static final int TOTAL = 40_000;
    private static final int CUSTOMERS = 500;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void underExactlyOnceABriefOutageLeavesExactCounts() throws Exception {
        Map<String, List<Long>> output = run("outage-eos", Guarantee.EXACTLY_ONCE, Duration.ofSeconds(2), false);
        Chaos.assertExactlyOnceCounts(output, Chaos.trueCounts(TOTAL, CUSTOMERS));
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void underExactlyOnceAnOutageLongerThanTheDeliveryTimeoutIsWaitedOutAndLeavesExactCounts() throws Exception {
        Map<String, List<Long>> output = run("long-outage-eos", Guarantee.EXACTLY_ONCE, Duration.ofSeconds(15), true);
        Chaos.assertExactlyOnceCounts(output, Chaos.trueCounts(TOTAL, CUSTOMERS));
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void underAtLeastOnceAnOutageLongerThanTheDeliveryTimeoutLosesNothing() throws Exception {
        Map<String, List<Long>> output = run("long-outage-alos", Guarantee.AT_LEAST_ONCE, Duration.ofSeconds(15), true);
        Map<String, Long> expected = Chaos.trueCounts(TOTAL, CUSTOMERS);
        Map<String, Long> last = Chaos.last(output);
        assertThat(expected).allSatisfy((customer, n) -> assertThat(last.get(customer)).as(customer).isGreaterThanOrEqualTo(n));
    }

    private Map<String, List<Long>> run(String app, Guarantee guarantee, Duration outage, boolean shortTimeouts) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic(Counts.ORDERS, 4);
            kafka.createTopic(Counts.COUNTS, 4);
            String servers = kafka.bootstrapServers();
            WorkerConfig.Builder config = Chaos.workerConfig(servers, dir.resolve("worker"), guarantee);
            if (shortTimeouts) {
                // Far shorter than the outage: sends expire, commits and initializations time out while the broker is away.
                config.producerConfig("delivery.timeout.ms", 5000).producerConfig("request.timeout.ms", 2000)
                        .producerConfig("max.block.ms", 5000).consumerConfig("default.api.timeout.ms", 5000)
                        .consumerConfig("request.timeout.ms", 5000);
            }
            try (Worker worker = Worker.start(Counts.app(app).topology(), config.build());
                 KafkaProducer<byte[], byte[]> producer = Chaos.patientProducer(servers)) {
                KafkaIO.await("the worker to run its tasks", Duration.ofSeconds(60), () -> worker.runningTasks().size() == 8);
                AtomicInteger sent = new AtomicInteger();
                CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
                    try {
                        Chaos.produce(producer, 0, TOTAL, CUSTOMERS, 1_000, sent::set);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
                KafkaIO.await("10,000 orders to be sent", Duration.ofSeconds(60), () -> sent.get() >= 10_000);
                log.info("Stopping the broker for {} after {} orders", outage, sent.get());
                kafka.stop();
                Thread.sleep(outage.toMillis());
                assertThat(worker.state()).as("the worker waits the outage out").isEqualTo(Worker.State.RUNNING);
                log.info("Restarting the broker");
                kafka.restart();
                feed.get(120, TimeUnit.SECONDS);

                Map<String, Long> expected = Chaos.trueCounts(TOTAL, CUSTOMERS);
                Map<String, List<Long>> output = Chaos.readCommitted(servers, Counts.COUNTS, Duration.ofSeconds(120),
                        values -> Chaos.reached(values, expected));
                assertThat(Chaos.reached(output, expected)).as("every customer's count reached its true value").isTrue();
                assertThat(worker.state()).isEqualTo(Worker.State.RUNNING);
                return output;
            }
        }
    }
}
