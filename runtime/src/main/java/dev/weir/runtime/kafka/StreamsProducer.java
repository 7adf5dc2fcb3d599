package dev.weir.runtime.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream thread's producer, hiding whether a commit is a transaction. At-least-once: sends go
 * straight out and a commit is a flush. Exactly-once (Kafka's v2, one transactional producer per
 * thread): the first send after a commit begins a transaction, and a commit sends the input
 * offsets with the consumer's group metadata into it and commits it. After fencing, or a commit
 * whose outcome is unknown, the producer is replaced by a new one with the same
 * {@code transactional.id}, whose {@code initTransactions()} fences the old one and finishes its
 * transaction.
 */
final class StreamsProducer {

    private static final Logger log = LoggerFactory.getLogger(StreamsProducer.class);

    private final Supplier<Producer<byte[], byte[]>> factory;
    private final boolean exactlyOnce;
    private final String name;
    private Producer<byte[], byte[]> producer;
    private boolean initialized;
    private boolean inTransaction;

    StreamsProducer(Supplier<Producer<byte[], byte[]>> factory, boolean exactlyOnce, String name) {
        this.factory = factory;
        this.exactlyOnce = exactlyOnce;
        this.name = name;
        this.producer = factory.get();
        this.initialized = !exactlyOnce;
    }

    boolean exactlyOnce() {
        return exactlyOnce;
    }

    /**
     * Makes the producer ready to send: under exactly-once, {@code initTransactions()} (which may
     * block up to {@code max.block.ms} and throw a {@code TimeoutException} while the broker is
     * away; the caller tries again).
     */
    void init() {
        if (!initialized) {
            producer.initTransactions();
            initialized = true;
            log.info("Producer of {} is ready for transactions", name);
        }
    }

    boolean ready() {
        return initialized;
    }

    boolean transactionInFlight() {
        return inTransaction;
    }

    void send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (exactlyOnce && !inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
        producer.send(record, callback);
    }

    /** Waits until everything sent is acknowledged or failed. */
    void flush() {
        producer.flush();
    }

    /**
     * Exactly-once: commits the open transaction with {@code offsets} (beginning one when only
     * offsets are to be committed). Does nothing under at-least-once or when there is nothing
     * to commit.
     */
    void commitTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
        if (!exactlyOnce) {
            return;
        }
        if (!inTransaction) {
            if (offsets.isEmpty()) {
                return;
            }
            producer.beginTransaction();
            inTransaction = true;
        }
        if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, groupMetadata);
        }
        producer.commitTransaction();
        inTransaction = false;
    }

    /** Aborts the open transaction; when that fails, replaces the producer (whose initialization aborts it). */
    void abort() {
        if (!inTransaction) {
            return;
        }
        try {
            producer.abortTransaction();
            inTransaction = false;
        } catch (KafkaException e) {
            log.warn("Producer of {} could not abort its transaction ({}); replacing it, which aborts the transaction",
                    name, e.toString());
            recreate();
        }
    }

    /**
     * Closes the producer without waiting and creates a new one. Under exactly-once it must be
     * {@link #init initialized} again; that fences the old producer and finishes its transaction.
     */
    void recreate() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("Closing the old producer of {} failed", name, e);
        }
        producer = factory.get();
        initialized = !exactlyOnce;
        inTransaction = false;
    }

    void close(Duration timeout) {
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            log.warn("Closing the producer of {} failed: {}", name, e.toString());
        }
    }
}
