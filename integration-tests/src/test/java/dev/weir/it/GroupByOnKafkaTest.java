package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class GroupByOnKafkaTest {

    @TempDir
    Path stateDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void groupByOverFourPartitionsProducesExactlyTheExpectedOutputPerKey() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 4);
            kafka.createTopic("orders-by-customer", 4);
            Orders orders = new Orders("groupby-it");

            Map<String, List<String>> expected = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < 4000; i++) {
                    String customer = "customer-" + (i % 37);
                    KafkaIO.send(producer, "orders", "order-" + i, Orders.json("order-" + i, customer, i));
                    expected.computeIfAbsent(customer, c -> new ArrayList<>()).add("order-" + i);
                }
            }

            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).threads(2)
                    .stateDir(stateDir).commitInterval(Duration.ofMillis(200)).build();
            try (Worker worker = Worker.start(orders.app.topology(), config)) {
                List<ConsumerRecord<byte[], byte[]>> out = KafkaIO.readUntil(kafka.bootstrapServers(), "orders-by-customer",
                        Duration.ofSeconds(60), r -> r.size() >= 4000);
                assertThat(worker.tasks()).hasSize(8);
                assertThat(kafka.topicPartitions("groupby-it-by-customer-repartition")).isEqualTo(4);

                Map<String, List<String>> actual = new HashMap<>();
                Map<String, Set<Integer>> partitions = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : out) {
                    String customer = KafkaIO.text(r.key());
                    String value = KafkaIO.text(r.value());
                    actual.computeIfAbsent(customer, c -> new ArrayList<>()).add(value.substring(7, value.indexOf('"', 7)));
                    partitions.computeIfAbsent(customer, c -> new HashSet<>()).add(r.partition());
                }
                assertThat(out).hasSize(4000);
                assertThat(actual.keySet()).isEqualTo(expected.keySet());
                expected.forEach((customer, ids) -> {
                    assertThat(actual.get(customer)).as(customer).containsExactlyInAnyOrderElementsOf(ids);
                    assertThat(partitions.get(customer)).as(customer)
                            .containsExactly(Utils.toPositive(Utils.murmur2(KafkaIO.utf8(customer))) % 4);
                });
            }

            Map<TopicPartition, Long> committed = KafkaIO.committed(kafka.bootstrapServers(), "groupby-it");
            Map<TopicPartition, Long> end = KafkaIO.endOffsets(kafka.bootstrapServers(), "orders", 4);
            end.forEach((tp, offset) -> assertThat(committed.get(tp)).as("committed offset of " + tp).isEqualTo(offset));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void timestampsAndHeadersFlowFromInputToOutputThroughTheRepartition() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("orders", 2);
            kafka.createTopic("orders-by-customer", 2);
            long eventTime = 1_700_000_000_000L;
            try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(kafka.bootstrapServers())) {
                org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> r = new org.apache.kafka.clients.producer.ProducerRecord<>(
                        "orders", null, eventTime, KafkaIO.utf8("o1"), KafkaIO.utf8(Orders.json("o1", "ada", 3)));
                r.headers().add("trace-id", KafkaIO.utf8("t-42"));
                producer.send(r);
            }
            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).stateDir(stateDir).build();
            try (Worker worker = Worker.start(new Orders("headers-it").app.topology(), config)) {
                List<ConsumerRecord<byte[], byte[]>> out = KafkaIO.readUntil(kafka.bootstrapServers(), "orders-by-customer",
                        Duration.ofSeconds(30), r -> !r.isEmpty());
                assertThat(out).hasSize(1);
                assertThat(out.get(0).timestamp()).isEqualTo(eventTime);
                assertThat(KafkaIO.text(out.get(0).headers().lastHeader("trace-id").value())).isEqualTo("t-42");
                assertThat(KafkaIO.text(out.get(0).key())).isEqualTo("ada");
            }
        }
    }
}
