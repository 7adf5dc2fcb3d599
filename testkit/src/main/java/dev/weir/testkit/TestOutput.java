package dev.weir.testkit;

import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Headers;
import dev.weir.testkit.internal.StoredRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads one topic of a {@link TestDriver}, deserializing with the topic's serdes. Reading
 * consumes: each record is returned once, in the order it was written (across partitions).
 * Returns plain lists for AssertJ: {@code assertThat(out.readKeyValues()).containsExactly(KeyValue.of("a", 1L))}.
 */
public final class TestOutput<K, V> {

    private final TestDriver driver;
    private final Topic<K, V> topic;

    TestOutput(TestDriver driver, Topic<K, V> topic) {
        this.driver = driver;
        this.topic = topic;
    }

    /** Every unread record with its partition, offset, timestamp and headers. */
    public List<TestRecord<K, V>> readRecords() {
        List<StoredRecord> unread = driver.unread(topic.name());
        List<TestRecord<K, V>> out = new ArrayList<>(unread.size());
        for (StoredRecord r : unread) {
            Headers h = r.headers().copy();
            out.add(new TestRecord<>(r.topic(), r.partition(), r.offset(),
                    topic.keySerde().deserialize(r.topic(), h, r.key()),
                    topic.valueSerde().deserialize(r.topic(), h, r.value()), r.timestamp(), h));
        }
        driver.markRead(topic.name(), unread.size());
        return out;
    }

    /** Every unread key and value. */
    public List<KeyValue<K, V>> readKeyValues() {
        List<StoredRecord> unread = driver.unread(topic.name());
        List<KeyValue<K, V>> out = new ArrayList<>(unread.size());
        for (StoredRecord r : unread) {
            // Serdes may read headers but must not keep them: the stored ones are passed as they are.
            out.add(KeyValue.of(topic.keySerde().deserialize(r.topic(), r.headers(), r.key()),
                    topic.valueSerde().deserialize(r.topic(), r.headers(), r.value())));
        }
        driver.markRead(topic.name(), unread.size());
        return out;
    }

    /** Every unread value. */
    public List<V> readValues() {
        List<StoredRecord> unread = driver.unread(topic.name());
        List<V> out = new ArrayList<>(unread.size());
        for (StoredRecord r : unread) {
            out.add(topic.valueSerde().deserialize(r.topic(), r.headers(), r.value()));
        }
        driver.markRead(topic.name(), unread.size());
        return out;
    }

    /** The next unread record. @throws NoSuchElementException when there is none */
    public TestRecord<K, V> readRecord() {
        List<StoredRecord> unread = driver.unread(topic.name());
        if (unread.isEmpty()) {
            throw new NoSuchElementException("No unread record in topic \"" + topic.name() + "\"");
        }
        StoredRecord r = unread.get(0);
        Headers h = r.headers().copy();
        TestRecord<K, V> out = new TestRecord<>(r.topic(), r.partition(), r.offset(),
                topic.keySerde().deserialize(r.topic(), h, r.key()),
                topic.valueSerde().deserialize(r.topic(), h, r.value()), r.timestamp(), h);
        driver.markRead(topic.name(), 1);
        return out;
    }

    /** The next unread key and value. @throws NoSuchElementException when there is none */
    public KeyValue<K, V> readKeyValue() {
        TestRecord<K, V> r = readRecord();
        return KeyValue.of(r.key(), r.value());
    }

    /** How many records are unread. */
    public int size() {
        return driver.unread(topic.name()).size();
    }

    public boolean isEmpty() {
        return size() == 0;
    }
}
