package dev.weir.examples.clickevents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.examples.clickevents.avro.ClickEventAvro;
import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.serdes.Headers;
import dev.weir.serdes.avro.SchemaRegistry;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Avro click-events app on a real (embedded) broker: poison records reach the dead-letter topic. */
class AvroClickEventsOnKafkaTest {

    @TempDir
    Path stateDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void recordsThatAreNotAvroOfAKnownSchemaGoToTheDeadLetterTopicWhileTheRestIsProcessed() throws Exception {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        AvroClickEventsApp example = new AvroClickEventsApp(registry, line -> { });
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (String topic : List.of(AvroClickEventsApp.CLICKS_TOPIC, "popular-uris-avro", "scored-clicks-avro", "clicks-by-uri-avro")) {
                kafka.createTopic(topic, 1);
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
                for (int i = 0; i < 4; i++) {
                    ClickEventAvro click = new ClickEventAvro("u" + i + "@example.com", "2026-01-01T00:00:0" + i, "/p" + i, 100 + i, null);
                    send(producer, "u" + i, example.clicks.valueSerde().serialize(AvroClickEventsApp.CLICKS_TOPIC, Headers.create(), click));
                    if (i == 1) {
                        send(producer, "json", "{\"email\":\"a@b\"}".getBytes(StandardCharsets.UTF_8));
                        send(producer, "unknown-id", new byte[] {0, 0, 0, 0, 77, 2, 'x'});
                    }
                }
            }
            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).stateDir(stateDir)
                    .errorPolicy(ErrorPolicy.DEAD_LETTER).commitInterval(Duration.ofMillis(100)).build();
            try (Worker worker = Worker.start(example.app.topology(), config)) {
                List<ConsumerRecord<byte[], byte[]>> popular = readUntil(kafka, "popular-uris-avro", r -> r.size() >= 4);
                assertThat(popular).extracting(r -> example.popularUris.valueSerde().deserialize("popular-uris-avro", Headers.create(), r.value()).getUri())
                        .containsExactly("/p0", "/p1", "/p2", "/p3");

                List<ConsumerRecord<byte[], byte[]>> dead = readUntil(kafka, "clickevents-avro-dead-letters", r -> r.size() >= 2);
                assertThat(dead).hasSize(2);
                assertThat(text(dead.get(0).key())).isEqualTo("json");
                assertThat(header(dead.get(0), "weir.error.stage")).isEqualTo("DESERIALIZATION");
                assertThat(header(dead.get(0), "weir.error.message"))
                        .contains("Cannot deserialize avro(ClickEventAvro, registry): expected magic byte 0, got 0x7b — is this JSON?");
                assertThat(text(dead.get(1).key())).isEqualTo("unknown-id");
                assertThat(header(dead.get(1), "weir.error.message"))
                        .contains("unknown schema id 77 in subject " + AvroClickEventsApp.CLICKS_TOPIC + "-value (registry in-memory)");
                assertThat(dead.get(1).value()).containsExactly(0, 0, 0, 0, 77, 2, 'x');
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(AvroClickEventsApp.CLICKS_TOPIC, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        return text(record.headers().lastHeader(key).value());
    }

    /** Reads partition 0 of {@code topic} from the start until {@code done} holds or 60 seconds pass. */
    private static List<ConsumerRecord<byte[], byte[]>> readUntil(EmbeddedKafka kafka, String topic,
                                                                  Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
