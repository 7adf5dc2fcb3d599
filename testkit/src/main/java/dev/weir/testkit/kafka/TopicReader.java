package dev.weir.testkit.kafka;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.testkit.TestRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one topic of an {@link EmbeddedKafka} from its beginning, every partition, keeping its
 * own position: each read returns what came since the last one. Read-committed, so the output
 * of an exactly-once worker shows only once committed. Typed readers deserialize with the topic's
 * serdes; raw ones return the bytes. Not thread-safe; close it when done.
 *
 * <pre>{@code
 * try (TopicReader<String, Long> counts = kafka.reader(countsTopic)) {
 *     List<TestRecord<String, Long>> first = counts.read(3, Duration.ofSeconds(30));
 *     List<TestRecord<String, Long>> more = counts.read(1, Duration.ofSeconds(30));   // only records after those
 * }
 * }</pre>
 */
public final class TopicReader<K, V> implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String topic;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final KafkaConsumer<byte[], byte[]> consumer;

    TopicReader(Map<String, Object> clientConfig, String topic, Serde<K> keySerde, Serde<V> valueSerde, Duration timeout) {
        this.topic = topic;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        Map<String, Object> c = new java.util.HashMap<>(clientConfig);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, timeout).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalArgumentException("Topic \"" + topic + "\" does not exist on the embedded broker; create it first");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * The records after the last read, waiting until there are at least {@code atLeast} of them or
     * {@code timeout} passed (then it returns what there is).
     */
    public List<TestRecord<K, V>> read(int atLeast, Duration timeout) {
        List<TestRecord<K, V>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                out.add(convert(r));
            }
        } while (out.size() < atLeast && System.nanoTime() < deadline);
        return out;
    }

    /** The records after the last read that arrive within {@code wait}. */
    public List<TestRecord<K, V>> readAvailable(Duration wait) {
        return read(Integer.MAX_VALUE, wait);
    }

    private TestRecord<K, V> convert(ConsumerRecord<byte[], byte[]> r) {
        Headers headers = Headers.create();
        for (Header h : r.headers()) {
            headers.add(h.key(), h.value());
        }
        K key = r.key() == null ? null : keySerde.deserialize(topic, headers, r.key());
        V value = r.value() == null ? null : valueSerde.deserialize(topic, headers, r.value());
        return new TestRecord<>(r.topic(), r.partition(), r.offset(), key, value, r.timestamp(), headers);
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
    }
}
