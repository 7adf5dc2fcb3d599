package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Topic;
import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record Kafka refuses: its output is larger than the worker's producer may send
 * ({@code max.request.size}), or larger than the output topic takes ({@code max.message.bytes},
 * refused by the broker after the send). The error policy handles that input record and no
 * other; every other record is processed.
 */
class RefusedRecordTest {

    private static final int RECORDS = 21;
    private static final int BIG = 10;

    @TempDir
    Path dir;

    /** notes -> copies, unchanged: the big input makes a big output. */
    private static App copyApp(String appId) {
        App app = App.create(appId);
        Topic<String, String> notes = app.topic("notes", Serdes.string(), Serdes.string());
        Topic<String, String> copies = app.topic("copies", Serdes.string(), Serdes.string());
        app.stream(notes).to(copies);
        return app;
    }

    private static String value(int i, int bigSize) {
        return i == BIG ? "x".repeat(bigSize) : "note-" + i;
    }

    private void feed(EmbeddedKafka kafka, int bigSize) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < RECORDS; i++) {
                KafkaIO.send(producer, "notes", "n" + i, value(i, bigSize));
            }
        }
    }

    private WorkerConfig.Builder config(EmbeddedKafka kafka, ErrorPolicy policy) {
        return WorkerConfig.builder(kafka.bootstrapServers()).stateDir(dir).errorPolicy(policy)
                .commitInterval(Duration.ofMillis(100));
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(KafkaIO.text(r.value())));
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        return r.headers().lastHeader(key) == null ? null : KafkaIO.text(r.headers().lastHeader(key).value());
    }

    private static List<String> others() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            if (i != BIG) {
                out.add("note-" + i);
            }
        }
        return out;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void underDeadLetterAnOutputLargerThanMaxRequestSizeDeadLettersItsInputCutToFit() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("notes", 1);
            kafka.createTopic("copies", 1);
            feed(kafka, 20_000);
            WorkerConfig config = config(kafka, ErrorPolicy.DEAD_LETTER).producerConfig("max.request.size", 10_000).build();
            try (Worker worker = Worker.start(copyApp("refused-dlq").topology(), config)) {
                List<ConsumerRecord<byte[], byte[]>> out = KafkaIO.readUntil(kafka.bootstrapServers(), "copies",
                        Duration.ofSeconds(60), r -> r.size() >= RECORDS - 1);
                assertThat(values(out)).containsExactlyElementsOf(others());
                List<ConsumerRecord<byte[], byte[]>> dead = KafkaIO.readUntil(kafka.bootstrapServers(), "refused-dlq-dead-letters",
                        Duration.ofSeconds(30), r -> !r.isEmpty());
                assertThat(dead).hasSize(1);
                ConsumerRecord<byte[], byte[]> d = dead.get(0);
                assertThat(KafkaIO.text(d.key())).isEqualTo("n" + BIG);
                assertThat(header(d, "weir.error.offset")).isEqualTo(Integer.toString(BIG));
                assertThat(header(d, "weir.error.stage")).isEqualTo("PRODUCTION");
                assertThat(header(d, "weir.error.node")).isEqualTo("notes.to(copies)");
                assertThat(header(d, "weir.error.exception")).isEqualTo("org.apache.kafka.common.errors.RecordTooLargeException");
                assertThat(header(d, "weir.error.message")).contains("max.request.size (10000)");
                // The dead letter itself would be too large: a copy cut to fit, saying so.
                assertThat(header(d, "weir.error.truncated")).isEqualTo("value");
                assertThat(header(d, "weir.error.value.size")).isEqualTo("20000");
                assertThat(d.value().length).isLessThan(10_000);
                assertThat(KafkaIO.text(d.value())).isEqualTo("x".repeat(d.value().length));
                assertThat(worker.state()).isEqualTo(Worker.State.RUNNING);
            }
            assertThat(KafkaIO.committed(kafka.bootstrapServers(), "refused-dlq")).containsEntry(new TopicPartition("notes", 0),
                    (long) RECORDS);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void underSkipOnlyTheRefusedRecordIsSkipped() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("notes", 1);
            kafka.createTopic("copies", 1);
            feed(kafka, 20_000);
            WorkerConfig config = config(kafka, ErrorPolicy.SKIP).producerConfig("max.request.size", 10_000).build();
            try (Worker worker = Worker.start(copyApp("refused-skip").topology(), config)) {
                List<ConsumerRecord<byte[], byte[]>> out = KafkaIO.readUntil(kafka.bootstrapServers(), "copies",
                        Duration.ofSeconds(60), r -> r.size() >= RECORDS - 1);
                assertThat(values(out)).containsExactlyElementsOf(others());
                KafkaIO.await("the commit of every offset", Duration.ofSeconds(30),
                        () -> committed(kafka, "refused-skip") == RECORDS);
                assertThat(worker.metrics().get("weir.records.skipped").counter().count()).as("skipped records").isEqualTo(1.0);
            }
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void underFailTheWorkerStopsWithoutCommittingPastTheRefusedRecord() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("notes", 1);
            kafka.createTopic("copies", 1);
            feed(kafka, 20_000);
            WorkerConfig config = config(kafka, ErrorPolicy.FAIL).producerConfig("max.request.size", 10_000).build();
            Worker worker = Worker.start(copyApp("refused-fail").topology(), config);
            assertThat(worker.awaitTermination(Duration.ofSeconds(60))).isTrue();
            worker.close();
            assertThat(worker.state()).isEqualTo(Worker.State.FAILED);
            assertThat(worker.failure()).get().extracting(Throwable::getMessage).asString()
                    .contains("Kafka refused the output of record at notes-0@" + BIG + " in node \"notes.to(copies)\"")
                    .contains("max.request.size")
                    .contains("error policy FAIL");
            assertThat(committed(kafka, "refused-fail")).as("committed offset").isLessThanOrEqualTo(BIG);
            List<ConsumerRecord<byte[], byte[]>> out = KafkaIO.readUntil(kafka.bootstrapServers(), "copies",
                    Duration.ofSeconds(10), r -> r.size() >= BIG);
            assertThat(values(out)).containsExactlyElementsOf(others().subList(0, BIG));
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void underExactlyOnceARecordTheBrokerRefusesIsDeadLetteredAndTheOthersAreWrittenOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("notes", 1);
            // Smaller than what the producer may send: the broker refuses the big record after the send.
            kafka.createTopic("copies", 1, Map.of("max.message.bytes", "5000"));
            feed(kafka, 8_000);
            WorkerConfig config = config(kafka, ErrorPolicy.DEAD_LETTER).guarantee(Guarantee.EXACTLY_ONCE).build();
            try (Worker worker = Worker.start(copyApp("refused-broker").topology(), config)) {
                KafkaIO.await("the commit of every offset", Duration.ofSeconds(60),
                        () -> committed(kafka, "refused-broker") == RECORDS);
                List<ConsumerRecord<byte[], byte[]>> dead = KafkaIO.readUntil(kafka.bootstrapServers(),
                        "refused-broker-dead-letters", Duration.ofSeconds(30), r -> !r.isEmpty());
                assertThat(dead).hasSize(1);
                assertThat(header(dead.get(0), "weir.error.offset")).isEqualTo(Integer.toString(BIG));
                assertThat(header(dead.get(0), "weir.error.stage")).isEqualTo("PRODUCTION");
                assertThat(header(dead.get(0), "weir.error.truncated")).isNull();
                assertThat(KafkaIO.text(dead.get(0).value())).isEqualTo(value(BIG, 8_000));
                List<ConsumerRecord<byte[], byte[]>> out = readCommitted(kafka, "copies", RECORDS - 1);
                assertThat(values(out)).as("each other record exactly once").containsExactlyElementsOf(others());
                assertThat(worker.state()).isEqualTo(Worker.State.RUNNING);
            }
        }
    }

    private static long committed(EmbeddedKafka kafka, String group) {
        try {
            Long c = KafkaIO.committed(kafka.bootstrapServers(), group).get(new TopicPartition("notes", 0));
            return c == null ? -1 : c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(EmbeddedKafka kafka, String topic, int atLeast) {
        return KafkaIO.readUntil(kafka.bootstrapServers(), topic, Duration.ofSeconds(30), r -> r.size() >= atLeast,
                Map.of("isolation.level", "read_committed"));
    }
}
