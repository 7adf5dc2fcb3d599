package dev.weir.runtime.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 *
 * <p>A commit may also be {@linkplain #startCommit started} and left to end on the
 * producer's committer thread while the stream thread processes on. At-least-once, the flush
 * runs there and what the thread sends meanwhile goes straight out. Exactly-once, what it sends
 * meanwhile cannot join the transaction being committed (its input offsets are not in it) and a
 * producer cannot begin the next one before that ended, so those records are held, in order,
 * and sent into the next transaction once the stream thread has {@linkplain #awaitCommit() seen}
 * the commit end and {@linkplain #releaseHeld() releases} them. One commit at a time.
 */
final class StreamsProducer {

    private static final Logger log = LoggerFactory.getLogger(StreamsProducer.class);

    private final Supplier<Producer<byte[], byte[]>> factory;
    private final boolean exactlyOnce;
    private final String name;
    private Producer<byte[], byte[]> producer;
    private boolean initialized;
    private boolean inTransaction;
    /** The transaction being committed on the committer thread; null when none is. */
    private CompletableFuture<Void> committing;
    /** Records sent while a transaction is committed, for the next one: in the order they were sent. */
    private List<HeldRecord> held = new ArrayList<>();
    /** The list {@link #releaseHeld()} sends from, kept to be swapped in again. */
    private List<HeldRecord> spare = new ArrayList<>();
    private long heldBytes;
    /** Ends transactions while the stream thread goes on; started with the first commit in the background. */
    private ExecutorService committer;

    private record HeldRecord(ProducerRecord<byte[], byte[]> record, Callback callback) {
    }

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

    /** Whether a transaction is open, being committed, or waiting for one to end to begin with the records it holds. */
    boolean transactionInFlight() {
        return exactlyOnce && (inTransaction || committing != null || !held.isEmpty());
    }

    void send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (exactlyOnce && (committing != null || !held.isEmpty())) {
            held.add(new HeldRecord(record, callback));
            heldBytes += (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
            return;
        }
        if (exactlyOnce && !inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
        producer.send(record, callback);
    }

    /**
     * Starts the producer's part of a commit, in the {@code background} on the committer thread
     * or here; either way {@link #awaitCommit()} then says how it ended. At-least-once: a flush,
     * which waits for the records sent so far (the offsets are the consumer's to commit).
     * Exactly-once: commits the open transaction with {@code offsets} (beginning one when only
     * offsets are to be committed); records sent until {@code awaitCommit} are held for the next
     * transaction. Returns false, starting nothing, when there is nothing to commit.
     */
    boolean startCommit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata, boolean background) {
        if (committing != null) {
            throw new IllegalStateException("A commit of " + name + " is already in flight");
        }
        Executor executor = background ? committer() : Runnable::run;
        if (!exactlyOnce) {
            // Waits for what was sent before this call only: what the stream thread sends meanwhile goes straight out.
            committing = CompletableFuture.runAsync(producer::flush, executor);
            return true;
        }
        releaseHeld();
        if (!inTransaction) {
            if (offsets.isEmpty()) {
                return false;
            }
            producer.beginTransaction();
        }
        inTransaction = false;
        Producer<byte[], byte[]> p = producer;
        Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
        committing = CompletableFuture.runAsync(() -> {
            if (!copy.isEmpty()) {
                p.sendOffsetsToTransaction(copy, groupMetadata);
            }
            p.commitTransaction();
        }, executor);
        return true;
    }

    /** Whether no commit is in flight, or the one in flight has ended (so {@link #awaitCommit()} does not wait). */
    boolean commitEnded() {
        return committing == null || committing.isDone();
    }

    /** Bytes of the records held for the next transaction. */
    long heldBytes() {
        return heldBytes;
    }

    /**
     * Waits for the commit in flight to end; throws what ended it when it failed (as the
     * producer threw it). The records held stay held: {@link #releaseHeld()} sends them, after a
     * failure {@link #dropHeld()} forgets them.
     */
    void awaitCommit() {
        if (committing == null) {
            return;
        }
        CompletableFuture<Void> c = committing;
        committing = null;
        try {
            c.join();
        } catch (java.util.concurrent.CompletionException e) {
            inTransaction = true;           // still open as far as the producer knows: abort() aborts it
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new KafkaException(cause);
        }
    }

    /** Begins the next transaction with the records held while the last one was committed. */
    void releaseHeld() {
        if (held.isEmpty() || committing != null) {
            return;
        }
        // Two lists swapped rather than a copy per commit: held is empty again before the first send.
        List<HeldRecord> records = held;
        held = spare;
        spare = records;
        heldBytes = 0;
        try {
            for (HeldRecord h : records) {
                try {
                    send(h.record(), h.callback());
                } catch (RuntimeException e) {
                    // As for any send: the producer is in a bad state (fenced, failed); the record's callback is told.
                    h.callback().onCompletion(null, e);
                }
            }
        } finally {
            records.clear();
        }
    }

    /** Forgets the held records: the work that made them is abandoned (the tasks go back to their last commit). */
    void dropHeld() {
        held.clear();
        heldBytes = 0;
    }

    /** Waits for a commit in flight whose outcome no longer matters, and forgets the records held for after it. */
    private void abandonCommit() {
        try {
            awaitCommit();
        } catch (RuntimeException e) {
            log.debug("The abandoned commit of {} failed: {}", name, e.toString());
        }
        dropHeld();
    }

    private Executor committer() {
        if (committer == null) {
            committer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name + "-committer");
                t.setDaemon(true);
                return t;
            });
        }
        return committer;
    }

    /** Aborts the open transaction; when that fails, replaces the producer (whose initialization aborts it). */
    void abort() {
        abandonCommit();
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
        abandonCommit();
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
        abandonCommit();
        if (committer != null) {
            committer.shutdown();
        }
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            log.warn("Closing the producer of {} failed: {}", name, e.toString());
        }
    }
}
