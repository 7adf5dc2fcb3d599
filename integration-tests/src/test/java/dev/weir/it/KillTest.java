package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker JVM with a count table killed with SIGKILL while 100,000 orders flow; another worker
 * takes its tasks over. Exactly-once: every customer's committed counts are 1..n, exactly once
 * each, and the table (its changelog) holds n. At-least-once: no count is below n.
 */
class KillTest {

    private static final Logger log = LoggerFactory.getLogger(KillTest.class);
    private static final int TOTAL = 100_000;
    private static final int CUSTOMERS = 2_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void underExactlyOnceAKilledWorkerLeavesExactlyTheCountsOfACleanRun() throws Exception {
        Map<String, List<Long>> output = run("kill-eos", Guarantee.EXACTLY_ONCE);
        Map<String, Long> expected = Chaos.trueCounts(TOTAL, CUSTOMERS);
        Chaos.assertExactlyOnceCounts(output, expected);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void underAtLeastOnceAKilledWorkerLeavesNoCountBelowItsTrueValue() throws Exception {
        Map<String, List<Long>> output = run("kill-alos", Guarantee.AT_LEAST_ONCE);
        Map<String, Long> expected = Chaos.trueCounts(TOTAL, CUSTOMERS);
        Map<String, Long> last = Chaos.last(output);
        long over = expected.keySet().stream().filter(k -> last.get(k) > expected.get(k)).count();
        log.info("At-least-once after SIGKILL: {} of {} customers counted too high (allowed)", over, CUSTOMERS);
        assertThat(expected).allSatisfy((customer, n) -> assertThat(last.get(customer)).as(customer).isGreaterThanOrEqualTo(n));
    }

    private Map<String, List<Long>> run(String app, Guarantee guarantee) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic(Counts.ORDERS, 4);
            kafka.createTopic(Counts.COUNTS, 4);
            String servers = kafka.bootstrapServers();
            // The survivor starts first, so that the sticky assignor leaves it the first tasks (the stateless
            // repartitioning ones) and gives the child the counting ones: the kill hits the table.
            try (Worker survivor = Worker.start(Counts.app(app).topology(),
                    Chaos.workerConfig(servers, dir.resolve("survivor"), guarantee).build());
                 KafkaProducer<byte[], byte[]> producer = Chaos.patientProducer(servers)) {
                KafkaIO.await("the survivor to run tasks", Duration.ofSeconds(60), () -> survivor.runningTasks().size() == 8);
                try (Chaos.Child child = Chaos.Child.start(servers, app, dir.resolve("child"), guarantee)) {
                    KafkaIO.await("the child to run the counting tasks", Duration.ofSeconds(60),
                            () -> child.printed("RUNNING [1_0, 1_1, 1_2, 1_3]"));
                    Chaos.produce(producer, 0, TOTAL, CUSTOMERS, 2_000, sent -> {
                        if (sent == 30_000) {
                            log.info("Killing the worker process (pid {}) with SIGKILL after {} orders", child.process.pid(), sent);
                            child.process.destroyForcibly();
                        }
                    });
                    assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(child.process.exitValue()).as("killed by SIGKILL").isEqualTo(137);

                    Map<String, Long> expected = Chaos.trueCounts(TOTAL, CUSTOMERS);
                    Map<String, List<Long>> output = Chaos.readCommitted(servers, Counts.COUNTS, Duration.ofSeconds(120),
                            values -> Chaos.reached(values, expected));
                    assertThat(Chaos.reached(output, expected)).as("every customer's count reached its true value").isTrue();
                    // The table as its changelog holds it: what a restore would rebuild.
                    Map<String, List<Long>> table = Chaos.readCommitted(servers, Counts.changelog(app), Duration.ofSeconds(60),
                            values -> Chaos.reached(values, expected));
                    if (guarantee == Guarantee.EXACTLY_ONCE) {
                        assertThat(Chaos.last(table)).isEqualTo(expected);
                    } else {
                        assertThat(expected).allSatisfy((c, n) -> assertThat(Chaos.last(table).get(c)).isGreaterThanOrEqualTo(n));
                    }
                    assertThat(survivor.state()).isEqualTo(Worker.State.RUNNING);
                    return output;
                }
            }
        }
    }
}
