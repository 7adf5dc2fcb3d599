package dev.weir.testkit.internal;

import dev.weir.serdes.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * The testkit's producer: the runtime's record collector and transactions write through it to
 * {@link InMemoryTopics}, as they would through a Kafka producer to a broker. Without
 * transactions a record is appended when it is sent; with them it is held until the
 * transaction commits (read-committed readers see nothing before), and dropped when it aborts.
 * Every appended record is passed to {@code appended}, so that the driver can process it.
 */
public final class InMemoryProducer implements Producer<byte[], byte[]> {

    private record Pending(ProducerRecord<byte[], byte[]> record, Callback callback) {
    }

    private final InMemoryTopics topics;
    private final Consumer<StoredRecord> appended;
    private final Consumer<Map<TopicPartition, OffsetAndMetadata>> commitOffsets;
    private final boolean transactional;
    private boolean initialized;
    private boolean inTransaction;
    private final List<Pending> pending = new ArrayList<>();
    private final Map<TopicPartition, OffsetAndMetadata> pendingOffsets = new HashMap<>();

    /**
     * @param commitOffsets where offsets sent to a transaction go when it commits (the group's committed offsets)
     */
    public InMemoryProducer(InMemoryTopics topics, Consumer<StoredRecord> appended,
                            Consumer<Map<TopicPartition, OffsetAndMetadata>> commitOffsets, boolean transactional) {
        this.topics = topics;
        this.appended = appended;
        this.commitOffsets = commitOffsets;
        this.transactional = transactional;
    }

    @Override
    public void initTransactions() {
        requireTransactional("initTransactions");
        initialized = true;
    }

    @Override
    public void beginTransaction() {
        requireTransactional("beginTransaction");
        if (!initialized) {
            throw new IllegalStateException("initTransactions() was not called");
        }
        if (inTransaction) {
            throw new IllegalStateException("a transaction is already open");
        }
        inTransaction = true;
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
        requireOpen("sendOffsetsToTransaction");
        pendingOffsets.putAll(offsets);
    }

    @Override
    public void commitTransaction() {
        requireOpen("commitTransaction");
        for (Pending p : pending) {
            append(p.record(), p.callback());
        }
        pending.clear();
        if (!pendingOffsets.isEmpty()) {
            commitOffsets.accept(Map.copyOf(pendingOffsets));
            pendingOffsets.clear();
        }
        inTransaction = false;
    }

    @Override
    public void abortTransaction() {
        requireTransactional("abortTransaction");
        List<Pending> dropped = List.copyOf(pending);
        pending.clear();
        pendingOffsets.clear();
        inTransaction = false;
        for (Pending p : dropped) {
            if (p.callback() != null) {
                p.callback().onCompletion(null, new TransactionAbortedException("the transaction was aborted"));
            }
        }
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return send(record, null);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (transactional) {
            requireOpen("send");
            pending.add(new Pending(record, callback));
            return new CompletableFuture<>();
        }
        return CompletableFuture.completedFuture(append(record, callback));
    }

    private RecordMetadata append(ProducerRecord<byte[], byte[]> record, Callback callback) {
        Headers headers = Headers.create();
        for (Header h : record.headers()) {
            headers.add(h.key(), h.value());
        }
        StoredRecord stored = topics.append(record.topic(), record.partition() == null ? -1 : record.partition(), record.key(),
                record.value(), record.timestamp() == null ? 0 : record.timestamp(), headers);
        RecordMetadata metadata = new RecordMetadata(new TopicPartition(stored.topic(), stored.partition()), stored.offset(), 0,
                stored.timestamp(), record.key() == null ? -1 : record.key().length,
                record.value() == null ? -1 : record.value().length);
        if (callback != null) {
            callback.onCompletion(metadata, null);
        }
        appended.accept(stored);
        return metadata;
    }

    private void requireTransactional(String method) {
        if (!transactional) {
            throw new IllegalStateException(method + "() needs a transactional producer");
        }
    }

    private void requireOpen(String method) {
        requireTransactional(method);
        if (!inTransaction) {
            throw new IllegalStateException(method + "() needs an open transaction");
        }
    }

    @Override
    public void flush() {
        // Every send completed when it was made.
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        int n = topics.partitions(topic);
        List<PartitionInfo> out = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            out.add(new PartitionInfo(topic, p, null, null, null));
        }
        return out;
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return Map.of();
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return Uuid.ZERO_UUID;
    }

    @Override
    public void close() {
    }

    @Override
    public void close(Duration timeout) {
    }
}
