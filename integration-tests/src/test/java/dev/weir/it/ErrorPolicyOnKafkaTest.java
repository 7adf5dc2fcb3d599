package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ErrorPolicyOnKafkaTest {

    @TempDir
    Path stateDir;

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        return KafkaIO.text(r.headers().lastHeader(key).value());
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aPoisonRecordGoesToTheDeadLetterTopicWhileTheRestIsProcessed() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 1);
            kafka.createTopic("orders-by-customer", 1);
            try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < 10; i++) {
                    KafkaIO.send(producer, "orders", "o" + i, Orders.json("o" + i, "c" + (i % 3), i));
                    if (i == 4) {
                        KafkaIO.send(producer, "orders", "poison", "{\"id\":\"p\",\"customer\":\"c\",\"amount\":\"lots\"}");
                    }
                }
            }
            Orders orders = new Orders("dlq-it");
            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).stateDir(stateDir)
                    .errorPolicy(ErrorPolicy.DEAD_LETTER).commitInterval(Duration.ofMillis(100)).build();
            try (Worker worker = Worker.start(orders.app.topology(), config)) {
                List<ConsumerRecord<byte[], byte[]>> out = KafkaIO.readUntil(kafka.bootstrapServers(), "orders-by-customer",
                        Duration.ofSeconds(60), r -> r.size() >= 10);
                assertThat(out).hasSize(10);

                List<ConsumerRecord<byte[], byte[]>> dead = KafkaIO.readUntil(kafka.bootstrapServers(), "dlq-it-dead-letters",
                        Duration.ofSeconds(30), r -> !r.isEmpty());
                assertThat(dead).hasSize(1);
                ConsumerRecord<byte[], byte[]> d = dead.get(0);
                assertThat(KafkaIO.text(d.key())).isEqualTo("poison");
                assertThat(KafkaIO.text(d.value())).contains("\"amount\":\"lots\"");
                assertThat(header(d, "weir.error.topic")).isEqualTo("orders");
                assertThat(header(d, "weir.error.partition")).isEqualTo("0");
                assertThat(header(d, "weir.error.offset")).isEqualTo("5");
                assertThat(header(d, "weir.error.stage")).isEqualTo("DESERIALIZATION");
                assertThat(header(d, "weir.error.node")).isEqualTo("orders");
                assertThat(header(d, "weir.error.message")).contains("field \"amount\" expected int, got string \"lots\"");
                assertThat(worker.metrics().get("weir.records.dead.lettered").counter().count()).isEqualTo(1.0);
            }
            assertThat(KafkaIO.committed(kafka.bootstrapServers(), "dlq-it")).containsEntry(new TopicPartition("orders", 0), 11L);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void underFailAPoisonRecordStopsTheWorkerAndItsOffsetIsNotCommitted() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 1);
            kafka.createTopic("orders-by-customer", 1);
            try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(kafka.bootstrapServers())) {
                KafkaIO.send(producer, "orders", "o0", Orders.json("o0", "c", 1));
                KafkaIO.send(producer, "orders", "poison", "not json at all");
                KafkaIO.send(producer, "orders", "o2", Orders.json("o2", "c", 1));
            }
            Orders orders = new Orders("fail-it");
            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).stateDir(stateDir).build();
            Worker worker = Worker.start(orders.app.topology(), config);
            assertThat(worker.awaitTermination(Duration.ofSeconds(60))).isTrue();
            worker.close();

            assertThat(worker.state()).isEqualTo(Worker.State.FAILED);
            assertThat(worker.failure()).get().extracting(Throwable::getMessage).asString()
                    .contains("Cannot deserialize record at orders-0@1 in node \"orders\"")
                    .contains("malformed JSON")
                    .contains("error policy FAIL");
            Long committed = KafkaIO.committed(kafka.bootstrapServers(), "fail-it").get(new TopicPartition("orders", 0));
            assertThat(committed == null || committed <= 1L).as("committed offset %s must not pass the poison record", committed).isTrue();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void underSkipAnExceptionInUserCodeIsLoggedCountedAndTheRestIsProcessed() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("amounts", 1);
            kafka.createTopic("doubled", 1);
            dev.weir.dsl.App app = dev.weir.dsl.App.create("skip-it");
            dev.weir.dsl.Topic<String, Long> amounts = app.topic("amounts", dev.weir.serdes.Serdes.string(), dev.weir.serdes.Serdes.longs());
            dev.weir.dsl.Topic<String, Long> doubled = app.topic("doubled", dev.weir.serdes.Serdes.string(), dev.weir.serdes.Serdes.longs());
            app.stream(amounts).mapValues(v -> {
                if (v == 13L) {
                    throw new IllegalStateException("unlucky amount " + v);
                }
                return v * 2;
            }).named("double").to(doubled);
            try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(kafka.bootstrapServers())) {
                for (long v = 10; v < 16; v++) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("amounts", KafkaIO.utf8("k"),
                            dev.weir.serdes.Serdes.longs().serialize(v)));
                }
            }
            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).stateDir(stateDir)
                    .errorPolicy(ErrorPolicy.SKIP).commitInterval(Duration.ofMillis(100)).build();
            try (Worker worker = Worker.start(app.topology(), config)) {
                List<ConsumerRecord<byte[], byte[]>> out = KafkaIO.readUntil(kafka.bootstrapServers(), "doubled",
                        Duration.ofSeconds(60), r -> r.size() >= 5);
                assertThat(out).extracting(r -> dev.weir.serdes.Serdes.longs().deserialize(r.value()))
                        .containsExactly(20L, 22L, 24L, 28L, 30L);
                KafkaIO.await("the skip counter", Duration.ofSeconds(10),
                        () -> worker.metrics().find("weir.records.skipped").counter() != null);
                assertThat(worker.metrics().get("weir.records.skipped").tag("stage", "PROCESSING").counter().count()).isEqualTo(1.0);
            }
            assertThat(KafkaIO.committed(kafka.bootstrapServers(), "skip-it")).containsEntry(new TopicPartition("amounts", 0), 6L);
        }
    }
}
