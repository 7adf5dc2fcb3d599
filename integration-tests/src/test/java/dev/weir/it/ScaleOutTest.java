package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Workers joining, leaving and dying while records flow: no record may be lost. */
class ScaleOutTest {

    private static final Logger log = LoggerFactory.getLogger(ScaleOutTest.class);

    @TempDir
    Path dir;

    /** Short session timeout so a killed worker's tasks move in seconds, not the default 45 s. */
    static WorkerConfig config(String servers, Path stateDir) {
        return WorkerConfig.builder(servers).stateDir(stateDir).commitInterval(Duration.ofMillis(200))
                .consumerConfig("session.timeout.ms", 6000)
                .consumerConfig("heartbeat.interval.ms", 1000)
                .build();
    }

    /** Produces {@code total} orders in chunks, calling {@code atChunk} after each chunk. */
    private static void produce(String servers, int total, int chunk, java.util.function.IntConsumer atChunk) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
            for (int i = 0; i < total; i++) {
                KafkaIO.send(producer, "orders", "order-" + i, Orders.json("order-" + i, "customer-" + (i % 500), i % 100));
                if ((i + 1) % chunk == 0) {
                    producer.flush();
                    atChunk.accept((i + 1) / chunk);
                    // Pacing, not waiting: the records must still be flowing while workers leave and join.
                    Thread.sleep(100);
                }
            }
        }
    }

    /** Reads the output until every order id was seen; returns id -> times seen. */
    private static Map<String, Integer> readAll(String servers, int total) {
        Map<String, Integer> seen = new HashMap<>();
        AtomicInteger read = new AtomicInteger();
        KafkaIO.readUntil(servers, "orders-by-customer", Duration.ofSeconds(150), records -> {
            for (int i = read.get(); i < records.size(); i++) {
                String v = KafkaIO.text(records.get(i).value());
                seen.merge(v.substring(7, v.indexOf('"', 7)), 1, Integer::sum);
            }
            read.set(records.size());
            return seen.size() >= total;
        });
        return seen;
    }

    private static int duplicates(Map<String, Integer> seen) {
        return seen.values().stream().mapToInt(n -> n - 1).sum();
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void threeWorkersOneStoppedAndOneStartedWhile100000RecordsFlowLoseNothing() throws Exception {
        int total = 100_000;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 6);
            kafka.createTopic("orders-by-customer", 6);
            String servers = kafka.bootstrapServers();
            String app = "scale-it";
            List<Worker> workers = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                workers.add(Worker.start(new Orders(app).app.topology(), config(servers, dir.resolve("w" + i))));
            }
            try {
                produce(servers, total, 2_000, chunk -> {
                    if (chunk == 15) {
                        log.info("Stopping worker 2 after {} records", chunk * 2_000);
                        workers.get(1).close();
                    }
                    if (chunk == 30) {
                        log.info("Starting worker 4 after {} records", chunk * 2_000);
                        workers.add(Worker.start(new Orders(app).app.topology(), config(servers, dir.resolve("w4"))));
                    }
                });
                Map<String, Integer> seen = readAll(servers, total);

                log.info("Scale-out: {} of {} orders in the output, {} duplicates (allowed under at-least-once)",
                        seen.size(), total, duplicates(seen));
                assertThat(seen).hasSize(total);
                assertThat(workers.get(1).state()).isEqualTo(Worker.State.STOPPED);
                for (int i : new int[] {0, 2, 3}) {
                    assertThat(workers.get(i).state()).isEqualTo(Worker.State.RUNNING);
                }
            } finally {
                workers.forEach(Worker::close);
            }
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aWorkerProcessKilledWithSigkillHasItsTasksTakenOverWithoutLoss() throws Exception {
        int total = 50_000;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 6);
            kafka.createTopic("orders-by-customer", 6);
            String servers = kafka.bootstrapServers();
            String app = "kill-it";

            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), WorkerProcess.class.getName(),
                    servers, app, dir.resolve("child").toString())
                    .redirectErrorStream(true).start();
            CompletableFuture<Void> childHasTasks = new CompletableFuture<>();
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("TASKS [") && !line.equals("TASKS []")) {
                            childHasTasks.complete(null);
                        }
                    }
                } catch (java.io.IOException e) {
                    // The child was killed: its output ends here.
                }
            }, "child-output");
            pump.setDaemon(true);
            pump.start();

            List<Worker> workers = new ArrayList<>();
            try {
                childHasTasks.get(60, TimeUnit.SECONDS);
                for (int i = 1; i <= 2; i++) {
                    workers.add(Worker.start(new Orders(app).app.topology(), config(servers, dir.resolve("w" + i))));
                }
                produce(servers, total, 2_500, chunk -> {
                    if (chunk == 8) {
                        log.info("Killing the worker process (pid {}) with SIGKILL after {} records", child.pid(), chunk * 2_500);
                        child.destroyForcibly();
                    }
                });
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).isEqualTo(137);

                Map<String, Integer> seen = readAll(servers, total);
                log.info("Kill: {} of {} orders in the output, {} duplicates (allowed under at-least-once)",
                        seen.size(), total, duplicates(seen));
                assertThat(seen).hasSize(total);
            } finally {
                child.destroyForcibly();
                workers.forEach(Worker::close);
            }
        }
    }
}
