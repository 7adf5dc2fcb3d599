package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.testkit.kafka.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code app.main(args)}: the worker, describe and send commands against a real broker. */
class CliOnKafkaTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sendWritesARecordWithTheTopicsSerdes() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 1);
            Orders orders = new Orders("cli-send");

            int code = orders.app.run("send", "-b", kafka.bootstrapServers(), "--key", "o1", "orders",
                    "{\"id\":\"o1\",\"customer\":\"ada\",\"amount\":5}");

            assertThat(code).isZero();
            List<ConsumerRecord<byte[], byte[]>> records = KafkaIO.readUntil(kafka.bootstrapServers(), "orders",
                    Duration.ofSeconds(20), r -> !r.isEmpty());
            assertThat(records).hasSize(1);
            assertThat(KafkaIO.text(records.get(0).key())).isEqualTo("o1");
            assertThat(KafkaIO.text(records.get(0).value())).isEqualTo("{\"id\":\"o1\",\"customer\":\"ada\",\"amount\":5}");

            PrintStream err = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                assertThat(orders.app.run("send", "-b", kafka.bootstrapServers(), "orders", "{\"id\":\"o2\",\"amount\":\"x\"}"))
                        .isNotZero();
            } finally {
                System.setErr(err);
            }
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("field \"amount\" expected int, got string \"x\"");
        }
    }

    @Test
    void describePrintsTheTopologyInTheAskedFormat() {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(new Orders("cli-describe").app.run("describe", "--format", "mermaid")).isZero();
        } finally {
            System.setOut(out);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).startsWith("flowchart LR").contains("by-customer");
    }

    private static String logOf(Path dir) {
        try {
            return java.nio.file.Files.readString(dir.resolve("worker.log"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Runs a command of {@code app} in this JVM and returns what it printed. */
    private static String printed(dev.weir.dsl.App app, int expectedCode, String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(app.run(args)).as("exit code of %s", List.of(args)).isEqualTo(expectedCode);
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void tablesListsTheChangelogsAndTableGetReadsAKeyThroughTheWorkersEndpoint() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic(Counts.ORDERS, 2);
            kafka.createTopic(Counts.COUNTS, 2);
            String servers = kafka.bootstrapServers();
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dweir.it.app=cli-tables", "-Dweir.it.counts=true", "-cp", System.getProperty("java.class.path"),
                    CliWorkerProcess.class.getName(), "worker", "-b", servers, "--state-dir", dir.toString(),
                    "--web-port", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile()).start();
            try {
                try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
                    for (int i = 0; i < 3; i++) {
                        KafkaIO.send(producer, Counts.ORDERS, "o" + i, Orders.json("o" + i, "ada", i));
                    }
                }
                assertThat(KafkaIO.readUntil(servers, Counts.COUNTS, Duration.ofSeconds(60), r -> r.size() >= 3)).hasSize(3);

                dev.weir.dsl.App counts = Counts.app("cli-tables");
                assertThat(printed(counts, 0, "tables", "-b", servers))
                        .containsPattern("order-counts\\s+cli-tables-order-counts-changelog\\s+2\\s+ROCKSDB\\s+1\\s+-");
                String read = printed(counts, 0, "table", "get", Counts.TABLE, "ada", "--web", "127.0.0.1:" + port);
                assertThat(read).contains("\"table\":\"order-counts\"", "\"key\":\"ada\"", "\"value\":3");
                KafkaIO.await("the worker's status line", Duration.ofSeconds(10),
                        () -> logOf(dir).contains("Processing: 4 task(s)"));
            } finally {
                worker.destroyForcibly();
                worker.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void workerStopsGracefullyOnSigtermCommittingAndLeavingTheGroup() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 2);
            kafka.createTopic("orders-by-customer", 2);
            String servers = kafka.bootstrapServers();
            // A commit interval far beyond the test's length: only the shutdown commit can commit.
            Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dweir.it.app=cli-worker", "-cp", System.getProperty("java.class.path"), CliWorkerProcess.class.getName(),
                    "worker", "-b", servers, "--state-dir", dir.toString(), "--commit-interval-ms", "600000")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile()).start();
            try {
                try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
                    for (int i = 0; i < 1000; i++) {
                        KafkaIO.send(producer, "orders", "o" + i, Orders.json("o" + i, "c" + (i % 7), i));
                    }
                }
                assertThat(KafkaIO.readUntil(servers, "orders-by-customer", Duration.ofSeconds(60), r -> r.size() >= 1000))
                        .hasSize(1000);
                assertThat(KafkaIO.committed(servers, "cli-worker")).isEmpty();

                worker.destroy();
                assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                worker.destroyForcibly();
            }
            String log = java.nio.file.Files.readString(dir.resolve("worker.log"));
            assertThat(log).contains("Worker of app \"cli-worker\" running");

            Map<TopicPartition, Long> committed = KafkaIO.committed(servers, "cli-worker");
            KafkaIO.endOffsets(servers, "orders", 2).forEach((tp, end) ->
                    assertThat(committed.get(tp)).as("offset committed on SIGTERM for " + tp + "; worker log:\n" + log).isEqualTo(end));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("cli-worker")).all().get().get("cli-worker");
                assertThat(group.members()).as("members after SIGTERM").isEmpty();
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void workerRunsExactlyOnceWithGuaranteeExactlyOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 2);
            kafka.createTopic("orders-by-customer", 2);
            String servers = kafka.bootstrapServers();
            Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dweir.it.app=cli-eos", "-cp", System.getProperty("java.class.path"), CliWorkerProcess.class.getName(),
                    "worker", "-b", servers, "--state-dir", dir.toString(), "--guarantee", "exactly-once")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile()).start();
            try {
                try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
                    for (int i = 0; i < 1000; i++) {
                        KafkaIO.send(producer, "orders", "o" + i, Orders.json("o" + i, "c" + (i % 7), i));
                    }
                }
                assertThat(KafkaIO.readUntil(servers, "orders-by-customer", Duration.ofSeconds(60), r -> r.size() >= 1000,
                        Map.of("isolation.level", "read_committed"))).as("committed output").hasSize(1000);
                worker.destroy();
                assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                worker.destroyForcibly();
            }
            String log = java.nio.file.Files.readString(dir.resolve("worker.log"));
            assertThat(log).contains("Worker of app \"cli-eos\" running with 1 thread(s), exactly-once,");
            Map<TopicPartition, Long> committed = KafkaIO.committed(servers, "cli-eos");
            KafkaIO.endOffsets(servers, "orders", 2).forEach((tp, end) ->
                    assertThat(committed.get(tp)).as("offset committed for " + tp + "; worker log:\n" + log).isEqualTo(end));
        }
    }

    @Test
    void anUnknownGuaranteeIsRefusedNamingTheKnownOnes() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(new Orders("cli-bad-guarantee").app.run("worker", "--guarantee", "twice")).isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("Unknown guarantee \"twice\"; use at-least-once or exactly-once");
    }
}
