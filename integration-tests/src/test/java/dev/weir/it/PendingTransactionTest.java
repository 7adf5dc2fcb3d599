package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.runtime.kafka.TaskAssignor;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's previous owner froze between sending its offsets into a transaction and committing
 * it; the group moved the task on; then the old transaction committed after all. Under
 * exactly-once the new owner must restore the table with what that transaction wrote: it waits
 * until the committed offsets of its input are stable before it reads the changelog's end.
 */
class PendingTransactionTest {

    private static final String APP = "pending-txn";

    @TempDir
    Path dir;

    private static App app() {
        App app = App.create(APP);
        Topic<String, String> words = app.topic("words", Serdes.string(), Serdes.string());
        Topic<String, Long> counts = app.topic("word-counts", Serdes.string(), Serdes.longs());
        Table<String, Long> table = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        app.stream(words).count(table).to(counts);
        return app;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aTransactionOfThePreviousOwnerThatCommitsAfterTheMoveIsRestoredBeforeProcessing() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("words", 1);
            kafka.createTopic("word-counts", 1);
            String servers = kafka.bootstrapServers();
            try (KafkaProducer<byte[], byte[]> input = KafkaIO.producer(servers)) {
                for (int i = 0; i < 5; i++) {
                    KafkaIO.send(input, "words", "ada", "w" + i);
                }
            }
            String changelog = APP + "-counts-changelog";
            kafka.createTopic(changelog, 1, Map.of("cleanup.policy", "compact"));

            // The previous owner: a member of the app's group that counted the five words, sent its offsets into its
            // transaction, and froze before committing it.
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, APP);
            c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, TaskAssignor.class.getName());
            c.put(TaskAssignor.TOPOLOGY_CONFIG, app().topology());
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            Map<String, Object> p = new HashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "previous-owner");
            try (KafkaProducer<byte[], byte[]> previous = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                previous.initTransactions();
                try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    member.subscribe(List.of("words"));
                    KafkaIO.await("the previous owner to be assigned the task", Duration.ofSeconds(30), () -> {
                        member.poll(Duration.ofMillis(100));
                        return !member.assignment().isEmpty();
                    });
                    previous.beginTransaction();
                    previous.send(new ProducerRecord<>(changelog, 0, KafkaIO.utf8("ada"), Serdes.longs().serialize(5L)));
                    previous.send(new ProducerRecord<>("word-counts", 0, KafkaIO.utf8("ada"), Serdes.longs().serialize(5L)));
                    previous.sendOffsetsToTransaction(Map.of(new TopicPartition("words", 0), new OffsetAndMetadata(5)),
                            member.groupMetadata());
                }
                // The member left the group; its transaction stays open. The task moves to a Weir worker.
                WorkerConfig config = WorkerConfig.builder(servers).stateDir(dir).guarantee(Guarantee.EXACTLY_ONCE).build();
                try (Worker worker = Worker.start(app().topology(), config)) {
                    Thread.sleep(3000);
                    previous.commitTransaction();
                    try (KafkaProducer<byte[], byte[]> input = KafkaIO.producer(servers)) {
                        KafkaIO.send(input, "words", "ada", "w5");
                    }
                    Map<String, List<Long>> out = Chaos.readCommitted(servers, "word-counts", Duration.ofSeconds(60),
                            v -> v.getOrDefault("ada", List.of()).size() >= 2);
                    assertThat(out.get("ada")).as("the previous owner's 5, then the new owner's 6").containsExactly(5L, 6L);
                    assertThat(worker.state()).isEqualTo(Worker.State.RUNNING);
                }
            }
        }
    }
}
