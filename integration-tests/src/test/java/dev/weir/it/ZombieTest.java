package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
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
 * A zombie: a worker JVM frozen with SIGSTOP past its session timeout while orders flow; another
 * worker takes its counting tasks over; then it is resumed with SIGCONT and carries on with what
 * it had fetched. Under exactly-once none of its writes after the freeze become visible: the
 * committed counts are exactly 1..n per customer.
 */
class ZombieTest {

    private static final Logger log = LoggerFactory.getLogger(ZombieTest.class);
    private static final int TOTAL = 60_000;
    private static final int CUSTOMERS = 1_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aWorkerFrozenPastItsSessionTimeoutAndResumedWritesNothingVisible() throws Exception {
        String app = "zombie-eos";
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic(Counts.ORDERS, 4);
            kafka.createTopic(Counts.COUNTS, 4);
            String servers = kafka.bootstrapServers();
            try (Worker survivor = Worker.start(Counts.app(app).topology(),
                    Chaos.workerConfig(servers, dir.resolve("survivor"), Guarantee.EXACTLY_ONCE).build());
                 KafkaProducer<byte[], byte[]> producer = Chaos.patientProducer(servers)) {
                KafkaIO.await("the survivor to run tasks", Duration.ofSeconds(60), () -> survivor.runningTasks().size() == 8);
                try (Chaos.Child zombie = Chaos.Child.start(servers, app, dir.resolve("zombie"), Guarantee.EXACTLY_ONCE)) {
                    KafkaIO.await("the zombie-to-be to run the counting tasks", Duration.ofSeconds(60),
                            () -> zombie.printed("RUNNING [1_0, 1_1, 1_2, 1_3]"));
                    AtomicInteger sent = new AtomicInteger();
                    CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
                        try {
                            Chaos.produce(producer, 0, TOTAL, CUSTOMERS, 500, sent::set);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    });
                    KafkaIO.await("15,000 orders to be sent", Duration.ofSeconds(60), () -> sent.get() >= 15_000);
                    log.info("Freezing the worker process (pid {}) with SIGSTOP after {} orders", zombie.process.pid(), sent.get());
                    zombie.signal("STOP");
                    KafkaIO.await("the survivor to take the counting tasks over", Duration.ofSeconds(60),
                            () -> survivor.runningTasks().size() == 8);
                    int lines = zombie.lines.size();
                    log.info("Resuming the zombie (pid {}) after {} orders", zombie.process.pid(), sent.get());
                    zombie.signal("CONT");
                    KafkaIO.await("the zombie to notice it was fenced", Duration.ofSeconds(60),
                            () -> zombie.lines.subList(lines, zombie.lines.size()).stream()
                                    .anyMatch(l -> l.contains("without committing")));
                    feed.get(120, TimeUnit.SECONDS);

                    Map<String, Long> expected = Chaos.trueCounts(TOTAL, CUSTOMERS);
                    Map<String, List<Long>> output = Chaos.readCommitted(servers, Counts.COUNTS, Duration.ofSeconds(120),
                            values -> Chaos.reached(values, expected));
                    Chaos.assertExactlyOnceCounts(output, expected);
                    Map<String, List<Long>> table = Chaos.readCommitted(servers, Counts.changelog(app), Duration.ofSeconds(60),
                            values -> Chaos.reached(values, expected));
                    assertThat(Chaos.last(table)).isEqualTo(expected);
                    assertThat(survivor.state()).isEqualTo(Worker.State.RUNNING);
                    assertThat(zombie.process.isAlive()).as("the zombie rejoined rather than stopped").isTrue();
                }
            }
        }
    }
}
