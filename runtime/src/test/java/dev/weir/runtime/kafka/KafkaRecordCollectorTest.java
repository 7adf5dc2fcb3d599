package dev.weir.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.runtime.WorkerException;
import dev.weir.runtime.engine.RecordCollector;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.serdes.Headers;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaRecordCollectorTest {

    private record Origin(String node, String inputTopic, int inputPartition, long inputOffset) implements RecordCollector.Origin {
    }

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final KafkaRecordCollector collector = new KafkaRecordCollector(new StreamsProducer(() -> producer, false, "t"),
            "t", 2_000, 32 << 20);
    private final Origin origin = new Origin("sink", "in", 0, 7);

    @Test
    void sendErrorsAreSortedByWhatTheWorkerCanDoAboutThem() {
        assertThat(KafkaRecordCollector.classify(new RecordTooLargeException("too big"))).isEqualTo(KafkaRecordCollector.Kind.REFUSED);
        assertThat(KafkaRecordCollector.classify(new InvalidRecordException("null key on a compacted topic")))
                .isEqualTo(KafkaRecordCollector.Kind.REFUSED);
        assertThat(KafkaRecordCollector.classify(new TimeoutException("Expiring 3 record(s)"))).isEqualTo(KafkaRecordCollector.Kind.RETRIABLE);
        assertThat(KafkaRecordCollector.classify(new KafkaException("Failed to append record because it was part of a batch which"
                + " had one more more invalid records"))).as("an innocent batch-mate").isEqualTo(KafkaRecordCollector.Kind.RETRIABLE);
        assertThat(KafkaRecordCollector.classify(new ProducerFencedException("fenced"))).isEqualTo(KafkaRecordCollector.Kind.MIGRATED);
        assertThat(KafkaRecordCollector.classify(new InvalidProducerEpochException("old epoch"))).isEqualTo(KafkaRecordCollector.Kind.MIGRATED);
        assertThat(KafkaRecordCollector.classify(new TopicAuthorizationException("no ACL"))).isEqualTo(KafkaRecordCollector.Kind.FATAL);
    }

    @Test
    void aRecordLargerThanMaxRequestSizeIsABadRecordOfItsInputAtOnce() {
        assertThatThrownBy(() -> collector.send("out", -1, new byte[10], new byte[3_000], 0, Headers.create(), origin))
                .isInstanceOf(RecordProcessingException.class)
                .hasMessageStartingWith("Kafka refused the output of record at in-0@7 in node \"sink\"")
                .hasMessageContaining("larger than the producer's max.request.size (2000)")
                .extracting(e -> ((RecordProcessingException) e).stage()).isEqualTo(RecordProcessingException.Stage.PRODUCTION);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void theSizeEstimateIsKafkasOwnUpperBound() {
        // 61 (batch) + 21 (record) + key (1 + 3) + value (1 + 5) + 1 header count varint
        assertThat(KafkaRecordCollector.sizeUpperBound(new byte[3], new byte[5], Headers.create())).isEqualTo(93);
        // A header "h" = "vv": 1 + 1 + 1 + 2
        assertThat(KafkaRecordCollector.sizeUpperBound(null, null, Headers.of("h", "vv"))).isEqualTo(61 + 21 + 1 + 1 + 1 + 5);
    }

    @Test
    void aRecordTheBrokerRefusesLaterFailsAtOnceWhenItsInputMakesItAgain() {
        collector.send("out", -1, new byte[1], new byte[1], 0, Headers.create(), origin);
        producer.errorNext(new RecordTooLargeException("larger than max.message.bytes of topic out"));

        assertThatThrownBy(collector::checkFailures).isInstanceOf(TaskCorruptedException.class)
                .hasMessageContaining("Kafka refused a record for topic \"out\" (made by node \"sink\" from in-0@7)");
        collector.newGeneration();
        assertThatThrownBy(() -> collector.send("out", -1, new byte[1], new byte[1], 0, Headers.create(), origin))
                .isInstanceOf(RecordProcessingException.class)
                .hasMessageContaining("larger than max.message.bytes of topic out");
        // Another input record goes through.
        collector.send("out", -1, new byte[1], new byte[1], 0, Headers.create(), new Origin("sink", "in", 0, 8));
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void anExpiredSendGoesBackToTheLastCommitAndAFencedOneMigratesTheTasks() {
        collector.send("out", -1, new byte[1], new byte[1], 0, Headers.create(), origin);
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for out-0"));
        assertThatThrownBy(collector::checkFailures).isInstanceOf(TaskCorruptedException.class)
                .hasMessageContaining("Output did not reach Kafka");

        collector.send("out", -1, new byte[1], new byte[1], 0, Headers.create(), origin);
        producer.errorNext(new ProducerFencedException("another producer with the same transactional.id"));
        assertThatThrownBy(collector::checkFailures).isInstanceOf(TaskMigratedException.class);
    }

    @Test
    void outcomesOfAbandonedWorkAreIgnored() {
        collector.send("out", -1, new byte[1], new byte[1], 0, Headers.create(), origin);
        collector.newGeneration();
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for out-0"));
        collector.checkFailures();
        assertThat(collector.hasFailures()).isFalse();
    }

    @Test
    void aChangelogRecordKafkaRefusesStopsTheWorker() {
        collector.send("app-counts-changelog", 0, new byte[1], new byte[1], 0, Headers.create(),
                new Origin("changelog of table counts", null, -1, -1));
        producer.errorNext(new RecordTooLargeException("too large"));
        assertThatThrownBy(collector::checkFailures).isInstanceOf(WorkerException.class)
                .hasMessageContaining("has no input record to skip or dead-letter");
    }

    @Test
    void authorizationFailuresStopTheWorkerWithAdvice() {
        collector.send("out", -1, new byte[1], new byte[1], 0, Headers.create(), origin);
        producer.errorNext(new TopicAuthorizationException("Not authorized to access topics: [out]"));
        assertThatThrownBy(collector::checkFailures).isInstanceOf(WorkerException.class)
                .hasMessageContaining("check the credentials, ACLs and topic names");
    }
}
