package dev.weir.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for feeding and reading topics in integration tests. */
final class KafkaIO {

    private KafkaIO() {
    }

    static KafkaProducer<byte[], byte[]> producer(String servers) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, key == null ? null : utf8(key), value == null ? null : utf8(value)));
    }

    /** Sends with an explicit record timestamp (event time). */
    static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, String value, long timestamp) {
        producer.send(new ProducerRecord<>(topic, null, timestamp, key == null ? null : utf8(key), value == null ? null : utf8(value)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Reads {@code topic} from the beginning (no group) until {@code done} holds for what was read
     * or {@code timeout} passes; returns everything read.
     */
    static List<ConsumerRecord<byte[], byte[]>> readUntil(String servers, String topic, Duration timeout,
                                                          Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        return readUntil(servers, topic, timeout, done, Map.of());
    }

    /** {@link #readUntil(String, String, Duration, Predicate)} with extra consumer configs (isolation.level...). */
    static List<ConsumerRecord<byte[], byte[]>> readUntil(String servers, String topic, Duration timeout,
                                                          Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                          Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>(extra);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "reader-" + UUID.randomUUID());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Waits until {@code condition} holds, checking every 20 ms; fails naming {@code what} when
     * {@code timeout} passes first.
     */
    static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up after " + timeout + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Committed offsets of consumer group {@code group}. */
    static Map<TopicPartition, Long> committed(String servers, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> out = new HashMap<>();
            m.forEach((tp, om) -> {
                if (om != null) {
                    out.put(tp, om.offset());
                }
            });
            return out;
        }
    }

    /** End offsets of every partition of {@code topic}. */
    static Map<TopicPartition, Long> endOffsets(String servers, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                req.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(req).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }
}
