package dev.weir.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.runtime.WorkerConfig;
import dev.weir.runtime.state.StateUpdater;
import dev.weir.runtime.state.StoreProvider;
import dev.weir.serdes.Serdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A task that reads several partitions takes their records in timestamp order, however the
 * consumer returned them: a join's result does not depend on the poll order.
 */
class TimeOrderTest {

    private static final TopicPartition ORDERS = new TopicPartition("orders", 0);
    private static final TopicPartition CUSTOMERS = new TopicPartition("customers", 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockConsumer<byte[], byte[]> restoreConsumer = new MockConsumer<>("none");
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private long now = 1_000_000;

    /** Orders left-joined with the country of their customer; unknown customers give "none". */
    private TaskManager joining(Duration maxTaskIdle) {
        App app = App.create("shop");
        Topic<String, String> orders = app.topic("orders", Serdes.string(), Serdes.string());
        Topic<String, String> customerTopic = app.topic("customers", Serdes.string(), Serdes.string());
        Topic<String, String> enriched = app.topic("enriched", Serdes.string(), Serdes.string());
        Table<String, String> customers = app.table("customers", Serdes.string(), Serdes.string(), null);
        app.stream(customerTopic).toTable(customers);
        app.stream(orders).leftJoin(customers, (o, c) -> o + ":" + (c == null ? "none" : c)).to(enriched);

        TopicPartition changelog = new TopicPartition("shop-customers-changelog", 0);
        restoreConsumer.updateBeginningOffsets(Map.of(changelog, 0L));
        restoreConsumer.updateEndOffsets(Map.of(changelog, 0L));
        StateUpdater updater = new StateUpdater("updater", "shop", restoreConsumer, new SimpleMeterRegistry(), Duration.ZERO);
        TaskManager tm = TaskManager.create("thread", app.topology(), WorkerConfig.builder("mock").maxTaskIdle(maxTaskIdle).build(),
                null, consumer, () -> producer, updater, StoreProvider.inMemory(), () -> now, new SimpleMeterRegistry(), dev.weir.runtime.engine.GlobalStores.none());
        consumer.assign(List.of(ORDERS, CUSTOMERS));
        consumer.updateBeginningOffsets(Map.of(ORDERS, 0L, CUSTOMERS, 0L));
        consumer.updateEndOffsets(Map.of(ORDERS, 0L, CUSTOMERS, 0L));
        tm.handleAssignment(List.of(ORDERS, CUSTOMERS));
        for (int i = 0; i < 10 && !tm.allRunning(); i++) {
            updater.runOnce(Duration.ZERO);
            tm.checkStateUpdater();
        }
        assertThat(tm.allRunning()).isTrue();
        return tm;
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, long timestamp, String key, String value) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, timestamp, TimestampType.CREATE_TIME, -1, -1,
                key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), new RecordHeaders(),
                java.util.Optional.empty());
    }

    /** A poll's result: the records of each partition, and the consumer's positions after them. */
    @SafeVarargs
    private ConsumerRecords<byte[], byte[]> polled(ConsumerRecord<byte[], byte[]>... records) {
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            byPartition.computeIfAbsent(tp, k -> new ArrayList<>()).add(r);
            consumer.seek(tp, r.offset() + 1);
        }
        return new ConsumerRecords<>(byPartition, Map.of());
    }

    private List<String> output() {
        return producer.history().stream().filter(r -> r.topic().equals("enriched"))
                .map(ProducerRecord::value).map(v -> new String(v, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void anOrderPolledBeforeTheEarlierCustomerUpdateWaitsForItAndIsJoinedWithIt() {
        TaskManager tm = joining(Duration.ZERO);
        consumer.updateEndOffsets(Map.of(ORDERS, 1L, CUSTOMERS, 1L));     // the broker holds a customer record not fetched yet

        tm.process(polled(record(ORDERS, 0, 20, "ada", "o1")));
        assertThat(output()).as("the order waits while its task's other partition has records on the broker").isEmpty();
        assertThat(tm.waitingForInput()).isTrue();

        tm.process(polled(record(CUSTOMERS, 0, 10, "ada", "UK")));
        assertThat(output()).containsExactly("o1:UK");
        assertThat(tm.waitingForInput()).isFalse();
    }

    @Test
    void recordsBufferedTogetherAreTakenInTimestampOrderAcrossPartitions() {
        TaskManager tm = joining(Duration.ZERO);
        consumer.updateEndOffsets(Map.of(ORDERS, 3L, CUSTOMERS, 2L));

        tm.process(polled(record(ORDERS, 0, 5, "ada", "o1"), record(ORDERS, 1, 15, "ada", "o2"), record(ORDERS, 2, 25, "ada", "o3"),
                record(CUSTOMERS, 0, 10, "ada", "UK"), record(CUSTOMERS, 1, 20, "ada", "FR")));

        assertThat(output()).containsExactly("o1:none", "o2:UK", "o3:FR");
    }

    @Test
    void aCaughtUpEmptyPartitionIsWaitedForMaxTaskIdleThenTheTaskGoesOn() {
        TaskManager tm = joining(Duration.ofMillis(50));
        consumer.updateEndOffsets(Map.of(ORDERS, 1L, CUSTOMERS, 0L));     // nothing on the broker for customers

        tm.process(polled(record(ORDERS, 0, 20, "ada", "o1")));
        now += 49;
        tm.process(polled());
        assertThat(output()).isEmpty();

        now += 1;
        tm.process(polled());
        assertThat(output()).containsExactly("o1:none");
    }

    @Test
    void withTheDefaultIdleACaughtUpEmptyPartitionIsNotWaitedFor() {
        TaskManager tm = joining(Duration.ZERO);
        consumer.updateEndOffsets(Map.of(ORDERS, 1L, CUSTOMERS, 0L));

        tm.process(polled(record(ORDERS, 0, 20, "ada", "o1")));

        assertThat(output()).containsExactly("o1:none");
    }

    @Test
    void withoutWaitingRecordsAreTakenInTheOrderPolled() {
        TaskManager tm = joining(null);
        consumer.updateEndOffsets(Map.of(ORDERS, 1L, CUSTOMERS, 1L));

        tm.process(polled(record(ORDERS, 0, 20, "ada", "o1")));
        tm.process(polled(record(CUSTOMERS, 0, 10, "ada", "UK")));

        assertThat(output()).containsExactly("o1:none");
    }

    @Test
    void aPartitionWithAFullBufferIsPausedUntilItDrains() {
        TaskManager tm = joining(Duration.ZERO);
        consumer.updateEndOffsets(Map.of(ORDERS, 2000L, CUSTOMERS, 1L));
        List<ConsumerRecord<byte[], byte[]>> orders = new ArrayList<>();
        for (int i = 0; i < InputQueues.MAX_BUFFERED; i++) {
            orders.add(record(ORDERS, i, 100 + i, "ada", "o" + i));
        }

        tm.process(polled(orders.toArray(ConsumerRecord[]::new)));
        assertThat(consumer.paused()).containsExactly(ORDERS);

        tm.process(polled(record(CUSTOMERS, 0, 10, "ada", "UK")));
        assertThat(consumer.paused()).isEmpty();
        assertThat(output()).hasSize(InputQueues.MAX_BUFFERED).allSatisfy(v -> assertThat(v).endsWith(":UK"));
    }

    @Test
    void aCommitCoversOnlyWhatWasProcessedNotWhatWaitsInTheBuffer() {
        TaskManager tm = joining(Duration.ZERO);
        consumer.updateEndOffsets(Map.of(ORDERS, 2L, CUSTOMERS, 1L));
        tm.process(polled(record(ORDERS, 0, 5, "ada", "o1"), record(CUSTOMERS, 0, 10, "ada", "UK"),
                record(ORDERS, 1, 20, "ada", "o2")));
        // o1 (5) and the customer (10) went; o2 (20) waits for customers, whose lag is 0 now: with idle 0 it goes too.
        assertThat(output()).containsExactly("o1:none", "o2:UK");

        consumer.updateEndOffsets(Map.of(ORDERS, 3L, CUSTOMERS, 2L));
        tm.process(polled(record(ORDERS, 2, 30, "ada", "o3")));
        tm.commit();

        assertThat(consumer.committed(java.util.Set.of(ORDERS, CUSTOMERS)))
                .containsEntry(ORDERS, new org.apache.kafka.clients.consumer.OffsetAndMetadata(2))
                .containsEntry(CUSTOMERS, new org.apache.kafka.clients.consumer.OffsetAndMetadata(1));
    }
}
