package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.runtime.WorkerException;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.TestRecord;
import dev.weir.testkit.kafka.EmbeddedKafka;
import dev.weir.testkit.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that takes SASL/PLAIN clients only. The CLI's {@code send}, a worker in its own JVM
 * (its admin, consumer, producer and restore consumer) and a second worker that restores the
 * table from its changelog all authenticate with the configs of a client config file; a wrong
 * password fails at once with a message naming the broker; and nothing any of them logged, Kafka's
 * client config dumps included, holds the password.
 */
class SaslOnKafkaTest {

    private static final String USER = "weir";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    @TempDir
    Path dir;

    private Process worker(String servers, Path clientConfig, String name) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dweir.it.app=sasl-counts", "-Dweir.it.counts=true",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info",           // Kafka's config dumps too
                "-cp", System.getProperty("java.class.path"), CliWorkerProcess.class.getName(),
                "worker", "-b", servers, "--client-config-file", clientConfig.toString(), "--state-dir",
                dir.resolve(name).toString(), "--commit-interval-ms", "200")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static void order(EmbeddedKafka kafka, int i) {
        kafka.sendRaw(Counts.ORDERS, ("o" + i).getBytes(StandardCharsets.UTF_8),
                Orders.json("o" + i, "ada", i).getBytes(StandardCharsets.UTF_8));
    }

    private static long lastCount(List<TestRecord<byte[], byte[]>> records) {
        return Serdes.longs().deserialize(records.get(records.size() - 1).value());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyClientAuthenticatesTheRestoreTooAndNoPasswordIsLogged() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().saslPlain(USER, PASSWORD).start()) {
            kafka.createTopic(Counts.ORDERS, 2);
            kafka.createTopic(Counts.COUNTS, 2);
            String servers = kafka.bootstrapServers();
            Path clientConfig = dir.resolve("client.properties");
            StringBuilder props = new StringBuilder();
            EmbeddedKafka.saslClientConfig(USER, PASSWORD).forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
            Files.writeString(clientConfig, props.toString());

            assertThat(Counts.app("sasl-counts").run("send", "-b", servers, "--client-config-file", clientConfig.toString(),
                    "--key", "o0", Counts.ORDERS, Orders.json("o0", "ada", 0))).as("send, authenticated").isZero();

            try (TopicReader<byte[], byte[]> counts = kafka.rawReader(Counts.COUNTS)) {
                Process first = worker(servers, clientConfig, "first");
                try {
                    order(kafka, 1);
                    order(kafka, 2);
                    List<TestRecord<byte[], byte[]>> read = counts.read(3, Duration.ofSeconds(90));
                    assertThat(read).hasSize(3);
                    assertThat(lastCount(read)).isEqualTo(3);
                } finally {
                    stop(first);
                }
                // A worker with an empty state directory: its restore consumer reads the count table's changelog.
                Process second = worker(servers, clientConfig, "second");
                try {
                    order(kafka, 3);
                    List<TestRecord<byte[], byte[]>> read = counts.read(1, Duration.ofSeconds(90));
                    assertThat(read).hasSize(1);
                    assertThat(lastCount(read)).as("the count restored from the changelog, plus one").isEqualTo(4);
                } finally {
                    stop(second);
                }
            }

            for (String log : List.of("first.log", "second.log")) {
                String text = Files.readString(dir.resolve(log));
                assertThat(text).as(log).contains("Worker of app \"sasl-counts\" running")
                        .contains("sasl.jaas.config = [hidden]")           // Kafka's config dumps were logged
                        .doesNotContain(PASSWORD);
            }
            assertThat(Files.readString(dir.resolve("second.log"))).contains("Processing: 4 task(s)");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWrongPasswordFailsAtOnceNamingTheBroker() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().saslPlain(USER, PASSWORD).start()) {
            kafka.createTopic(Counts.ORDERS, 1);
            String wrong = "not-" + PASSWORD;
            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).stateDir(dir.resolve("w"))
                    .clientConfigs(EmbeddedKafka.saslClientConfig(USER, wrong)).build();
            assertThatThrownBy(() -> Worker.start(Counts.app("sasl-wrong").topology(), config).close())
                    .isInstanceOf(WorkerException.class)
                    .hasMessageContaining("The broker at " + kafka.bootstrapServers() + " refused this worker")
                    .hasMessageContaining("Authentication failed")
                    .hasMessageNotContaining(wrong)
                    .hasMessageNotContaining("took longer than");         // refused, not waited out
        }
    }
}
