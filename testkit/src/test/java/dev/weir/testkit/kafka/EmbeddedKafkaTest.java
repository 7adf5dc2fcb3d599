package dev.weir.testkit.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedKafkaTest {

    private static final Duration POLL = Duration.ofMillis(100);

    private static EmbeddedKafka kafka;

    @BeforeAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void typedAndRawRecordsGoInAndReadersKeepTheirOwnPositions() {
        kafka.createTopic("helper-orders", 3);
        dev.weir.dsl.App app = dev.weir.dsl.App.create("helpers");
        dev.weir.dsl.Topic<String, Long> orders = app.topic("helper-orders", dev.weir.serdes.Serdes.string(),
                dev.weir.serdes.Serdes.longs());
        try (TopicReader<String, Long> typed = kafka.reader(orders);
             TopicReader<byte[], byte[]> raw = kafka.rawReader("helper-orders")) {
            kafka.send(orders, "a", 1L);
            kafka.send(orders, "b", 2L);
            kafka.sendRaw("helper-orders", "c".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);    // a tombstone

            assertThat(typed.read(3, Duration.ofSeconds(20))).extracting(r -> r.key() + "=" + r.value())
                    .containsExactlyInAnyOrder("a=1", "b=2", "c=null");
            assertThat(typed.readAvailable(Duration.ofMillis(300))).as("nothing new since the last read").isEmpty();
            kafka.send(orders, "a", 3L);
            assertThat(typed.read(1, Duration.ofSeconds(20))).extracting(r -> r.key() + "=" + r.value()).containsExactly("a=3");

            assertThat(raw.read(4, Duration.ofSeconds(20))).as("a reader of its own, from the beginning").hasSize(4)
                    .anySatisfy(r -> assertThat(r.value()).isEqualTo(dev.weir.serdes.Serdes.longs().serialize(3L)));
        }
        assertThatThrownBy(() -> kafka.rawReader("no-such-topic")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Topic \"no-such-topic\" does not exist");
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get());
            assertThat(nodes).singleElement().satisfies(node -> {
                assertThat(node.host()).isEqualTo("127.0.0.1");
                assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + node.port());
            });
        }
    }

    @Test
    void producesAndConsumesThroughAClassicConsumerGroup() {
        kafka.createTopic("clicks", 4);
        assertThat(kafka.topicPartitions("clicks")).isEqualTo(4);

        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("clicks", "key-" + i, "value-" + i));
            }
            producer.flush();
        }

        Map<String, Object> config = consumerConfig("click-counter");
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("clicks"));
            while (received.size() < 100) {
                consumer.poll(POLL).forEach(received::add);
            }
            consumer.commitSync();

            Set<TopicPartition> partitions = IntStream.range(0, 4)
                    .mapToObj(p -> new TopicPartition("clicks", p))
                    .collect(Collectors.toSet());
            assertThat(consumer.assignment()).isEqualTo(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(100);
        }

        assertThat(received).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).mapToObj(i -> "value-" + i).toList());
        assertThat(received).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2, 3);
    }

    @Test
    void transactionalProducerCommitsAndAbortsOnOneNode() {
        kafka.createTopic("purchases", 1);

        try (KafkaProducer<String, String> producer =
                     producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "purchases-writer"))) {
            producer.initTransactions();
            sendInTransaction(producer, "committed-1-", true);
            sendInTransaction(producer, "aborted-", false);
            sendInTransaction(producer, "committed-2-", true);
        }

        Map<String, Object> config = consumerConfig(null);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            TopicPartition partition = new TopicPartition("purchases", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // 15 records and 3 transaction markers: the last stable offset is 18.
            assertThat(consumer.endOffsets(List.of(partition))).containsEntry(partition, 18L);
            while (consumer.position(partition) < 18) {
                consumer.poll(POLL).forEach(record -> values.add(record.value()));
            }
        }
        assertThat(values).hasSize(10).allMatch(value -> value.startsWith("committed-"));
    }

    @Test
    void createTopicAppliesConfigsAndRejectsDuplicates() throws Exception {
        kafka.createTopic("counts-changelog", 2, Map.of("cleanup.policy", "compact"));

        assertThat(kafka.topicPartitions("counts-changelog")).isEqualTo(2);
        assertThat(topicConfig("counts-changelog", "cleanup.policy")).isEqualTo("compact");
        assertThatThrownBy(() -> kafka.createTopic("counts-changelog", 2)).isInstanceOf(TopicExistsException.class);
        assertThatThrownBy(() -> kafka.topicPartitions("no-such-topic"))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void brokerConfigsApplyAndCloseDeletesEveryDirectory(@TempDir Path parent) throws Exception {
        EmbeddedKafka other = EmbeddedKafka.builder()
                .brokerConfig("log.retention.ms", 123_456)
                .temporaryDirectoryParent(parent)
                .start();
        Path directory = other.directory();
        try {
            assertThat(directory.getParent()).isEqualTo(parent);
            assertThat(other.bootstrapServers()).isNotEqualTo(kafka.bootstrapServers());
            assertThat(directory.resolve("metadata")).isDirectory();
            assertThat(directory.resolve("data")).isDirectory();
            try (Admin admin = Admin.create(other.clientConfig())) {
                ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
                Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
                assertThat(config.get("log.retention.ms").value()).isEqualTo("123456");
                assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
            }
        } finally {
            other.close();
        }

        assertThat(parent).isEmptyDirectory();
        other.close();
        assertThatThrownBy(() -> other.createTopic("late", 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesConfigsThatWouldMoveTheBrokerOffLoopback() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().brokerConfig("listeners", "PLAINTEXT://0.0.0.0:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners");
        assertThatThrownBy(() -> EmbeddedKafka.builder().brokerConfigs(Map.of("log.dirs", "/tmp/elsewhere")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("log.dirs");
    }

    @Test
    void aFailedStartLeavesNoDirectoryBehind(@TempDir Path parent) {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder()
                .brokerConfig("num.io.threads", "not-a-number")
                .temporaryDirectoryParent(parent);

        assertThatThrownBy(builder::start).isInstanceOf(KafkaException.class).hasMessageContaining("num.io.threads");

        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void stopAndRestartKeepThePortTheTopicsAndTheCommittedOffsets(@TempDir Path parent) throws Exception {
        try (EmbeddedKafka own = EmbeddedKafka.builder().temporaryDirectoryParent(parent).start()) {
            own.createTopic("orders", 2);
            Map<String, Object> producerConfig = own.clientConfig();
            producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            Map<String, Object> consumerConfig = own.clientConfig();
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "order-reader");
            consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            String servers = own.bootstrapServers();

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("orders", "k" + i, "before-" + i));
                }
                producer.flush();
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
                    consumer.subscribe(List.of("orders"));
                    List<ConsumerRecord<String, String>> read = new ArrayList<>();
                    while (read.size() < 10) {
                        consumer.poll(POLL).forEach(read::add);
                    }
                    consumer.commitSync();
                }

                own.stop();
                assertThat(own.isRunning()).isFalse();
                assertThatThrownBy(() -> own.createTopic("refused", 1)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("stopped");
                // A producer created before the outage delivers what it is given meanwhile once the broker is back
                // (its send() may wait for metadata, so it runs beside the restart).
                java.util.concurrent.CompletableFuture<Void> during = java.util.concurrent.CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 5; i++) {
                        producer.send(new ProducerRecord<>("orders", "k" + i, "during-" + i));
                    }
                });

                own.restart();
                assertThat(own.isRunning()).isTrue();
                assertThat(own.bootstrapServers()).isEqualTo(servers);
                assertThat(own.topicPartitions("orders")).isEqualTo(2);
                during.get(30, TimeUnit.SECONDS);
                producer.flush();
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
                consumer.subscribe(List.of("orders"));
                List<ConsumerRecord<String, String>> read = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (read.size() < 5 && System.nanoTime() < deadline) {
                    consumer.poll(POLL).forEach(read::add);
                }
                // The group's committed offsets survived: only what came after them is read.
                assertThat(read).extracting(ConsumerRecord::value)
                        .containsExactlyInAnyOrder("during-0", "during-1", "during-2", "during-3", "during-4");
            }
        }
        assertThat(parent).isEmptyDirectory();
    }

    private static void sendInTransaction(KafkaProducer<String, String> producer, String prefix, boolean commit) {
        producer.beginTransaction();
        for (int i = 0; i < 5; i++) {
            producer.send(new ProducerRecord<>("purchases", "key-" + i, prefix + i));
        }
        if (commit) {
            producer.commitTransaction();
        } else {
            // Written to the log first: an abort drops records that were not sent yet.
            producer.flush();
            producer.abortTransaction();
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    private static Map<String, Object> consumerConfig(String groupId) {
        Map<String, Object> config = kafka.clientConfig();
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    private static String topicConfig(String topic, String key) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(key).value();
        }
    }
}
