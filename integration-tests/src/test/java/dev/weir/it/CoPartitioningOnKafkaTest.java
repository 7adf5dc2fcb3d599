package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.runtime.WorkerException;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class CoPartitioningOnKafkaTest {

    @TempDir
    Path stateDir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void topicsWithDifferentPartitionCountsAreRefusedBeforeAnyRecordIsProcessed() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 4);
            kafka.createTopic("payments", 6);
            kafka.createTopic("events", 4);
            try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(kafka.bootstrapServers())) {
                KafkaIO.send(producer, "orders", "o1", "order");
                KafkaIO.send(producer, "payments", "p1", "payment");
            }
            App app = App.create("copartition-it");
            Topic<String, String> orders = app.topic("orders", Serdes.string(), Serdes.string());
            Topic<String, String> payments = app.topic("payments", Serdes.string(), Serdes.string());
            Topic<String, String> events = app.topic("events", Serdes.string(), Serdes.string());
            app.stream(orders).merge(app.stream(payments)).to(events);

            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).stateDir(stateDir).build();
            assertThatThrownBy(() -> Worker.start(app.topology(), config))
                    .isInstanceOf(WorkerException.class)
                    .hasMessageContaining("Topics [orders (4 partitions), payments (6 partitions)] feed sub-topology 0")
                    .hasMessageContaining("not co-partitioned: repartition one with groupBy(...) or create them with equal partition counts.");

            assertThat(KafkaIO.committed(kafka.bootstrapServers(), "copartition-it")).isEmpty();
            assertThat(KafkaIO.readUntil(kafka.bootstrapServers(), "events", Duration.ofSeconds(1), r -> false)).isEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aJoinOfTopicsWithDifferentPartitionCountsOnTheBrokerIsRefusedAtStart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("customers", 4);
            kafka.createTopic("orders", 2);
            kafka.createTopic("enriched", 4);
            App app = App.create("join-copartition-it");
            Topic<String, String> customerTopic = app.topic("customers", Serdes.string(), Serdes.string());
            Topic<String, String> orders = app.topic("orders", Serdes.string(), Serdes.string());
            Topic<String, String> enriched = app.topic("enriched", Serdes.string(), Serdes.string());
            Table<String, String> customers = app.table("customers", Serdes.string(), Serdes.string(), null);
            app.stream(customerTopic).toTable(customers);
            app.stream(orders).join(customers, (o, c) -> o + c).to(enriched);

            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).stateDir(stateDir).build();
            assertThatThrownBy(() -> Worker.start(app.topology(), config))
                    .isInstanceOf(WorkerException.class)
                    .hasMessageContaining("customers (4 partitions)")
                    .hasMessageContaining("orders (2 partitions)")
                    .hasMessageContaining("not co-partitioned");
            assertThat(KafkaIO.committed(kafka.bootstrapServers(), "join-copartition-it")).isEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMissingSourceTopicIsAClearError() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders-by-customer", 1);
            Orders orders = new Orders("missing-it");
            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).stateDir(stateDir).build();
            assertThatThrownBy(() -> Worker.start(orders.app.topology(), config))
                    .isInstanceOf(WorkerException.class)
                    .hasMessageContaining("Source topic \"orders\" does not exist");
        }
    }
}
