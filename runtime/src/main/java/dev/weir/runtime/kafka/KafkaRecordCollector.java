package dev.weir.runtime.kafka;

import dev.weir.runtime.WorkerException;
import dev.weir.runtime.engine.RecordCollector;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.runtime.engine.RecordProcessingException.Stage;
import dev.weir.serdes.Headers;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a thread's output through its producer and sorts out what goes wrong:
 * <ul>
 *   <li>a record larger than the producer may send ({@code max.request.size}) is refused at
 *       once, as a {@link Stage#PRODUCTION} failure of the input record that made it, so the
 *       error policy handles that record and no other;</li>
 *   <li>a record the broker refuses later (too large for the topic, invalid) is remembered by
 *       the input record and node that made it; the thread goes back to its last commit, and when
 *       it processes that input again its send fails at once as above;</li>
 *   <li>a send that ran out of retries (the broker is away longer than {@code delivery.timeout.ms})
 *       sends the thread back to its last commit, to process again once the broker is back;</li>
 *   <li>a fenced producer means the tasks moved to another worker;</li>
 *   <li>authentication, authorization and similar errors stop the worker.</li>
 * </ul>
 * Failures are collected by the producer's callbacks and acted on by the task manager on its
 * own thread ({@link #checkFailures()}); a failure of work already abandoned (an older
 * {@link #newGeneration() generation}) is ignored.
 */
final class KafkaRecordCollector implements RecordCollector {

    private static final Logger log = LoggerFactory.getLogger(KafkaRecordCollector.class);
    /** Kafka's record batch overhead and largest per-record overhead: the producer's own size estimate. */
    private static final int BATCH_OVERHEAD = 61;
    private static final int MAX_RECORD_OVERHEAD = 21;
    private static final String INNOCENT_BATCH_MATE = "part of a batch which had";

    /** How a failed send is handled. */
    enum Kind {
        /** Kafka refused the record for what it is; the input that made it is a bad record. */
        REFUSED,
        /** The record may go through later (the broker was away, a leader moved); process again from the last commit. */
        RETRIABLE,
        /** The producer was fenced: the thread's tasks moved to another worker. */
        MIGRATED,
        /** Nothing the worker can do about it (credentials, permissions, versions). */
        FATAL
    }

    /** What the task manager needs to know of a failed send. */
    record Failure(Kind kind, Exception exception, String topic, String node, String inputTopic, int inputPartition,
                   long inputOffset) {
        boolean hasInput() {
            return inputTopic != null;
        }

        String describe() {
            String from = inputTopic == null ? "sent by " + node : "made by node \"" + node + "\" from " + inputTopic + "-"
                    + inputPartition + "@" + inputOffset;
            return "record for topic \"" + topic + "\" (" + from + "): " + exception;
        }
    }

    /** An input record and node whose send to a topic Kafka refused: the same send fails at once when it is made again. */
    private record RefusedSend(String inputTopic, int inputPartition, long inputOffset, String node, String topic) {
    }

    private final StreamsProducer producer;
    private final String threadName;
    private final int maxRequestSize;
    private final long bufferMemory;
    /**
     * Key and value bytes together below which a record without headers fits both limits whatever
     * its varints: most records, which then skip the exact estimate.
     */
    private final long surelyFits;
    private final Map<RefusedSend, Exception> refused = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, Long> acked = new ConcurrentHashMap<>();
    private volatile long generation;

    KafkaRecordCollector(StreamsProducer producer, String threadName, int maxRequestSize, long bufferMemory) {
        this.producer = producer;
        this.threadName = threadName;
        this.maxRequestSize = maxRequestSize;
        this.bufferMemory = bufferMemory;
        // Two length varints of at most 5 bytes each and a header count of 1 byte.
        this.surelyFits = Math.min(maxRequestSize, bufferMemory) - BATCH_OVERHEAD - MAX_RECORD_OVERHEAD - 11;
    }

    int maxRequestSize() {
        return maxRequestSize;
    }

    @Override
    public void send(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers, Origin origin) {
        String inputTopic = origin.inputTopic();
        if (inputTopic != null && !refused.isEmpty()) {
            Exception before = refused.get(new RefusedSend(inputTopic, origin.inputPartition(), origin.inputOffset(), origin.node(),
                    topic));
            if (before != null) {
                throw new RecordProcessingException(Stage.PRODUCTION, origin.node(), inputTopic, origin.inputPartition(),
                        origin.inputOffset(), before);
            }
        }
        long bytes = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        int size = bytes < surelyFits && (headers == null || headers.isEmpty()) ? 0 : sizeUpperBound(key, value, headers);
        if (size > maxRequestSize || size > bufferMemory) {
            RecordTooLargeException e = new RecordTooLargeException("the record for topic \"" + topic + "\" is " + size
                    + " bytes when serialized, larger than the producer's " + (size > maxRequestSize
                    ? "max.request.size (" + maxRequestSize + ")" : "buffer.memory (" + bufferMemory + ")")
                    + "; raise it (and the topic's max.message.bytes) or make the record smaller");
            throw new RecordProcessingException(Stage.PRODUCTION, origin.node(), inputTopic, origin.inputPartition(),
                    origin.inputOffset(), e);
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition < 0 ? null : partition, timestamp, key,
                value, KafkaHeaders.toKafka(headers));
        SendCallback callback = new SendCallback(this, generation, topic, partition, origin.node(), inputTopic,
                origin.inputPartition(), origin.inputOffset());
        try {
            producer.send(record, callback);
        } catch (RuntimeException e) {
            // Thrown rather than passed to the callback: the producer itself is in a bad state (fenced, failed, closed).
            callback.onCompletion(null, e);
        }
    }

    /** The producer's estimate of a record's size, as it checks it against {@code max.request.size}. */
    static int sizeUpperBound(byte[] key, byte[] value, Headers headers) {
        int size = BATCH_OVERHEAD + MAX_RECORD_OVERHEAD;
        size += key == null ? 1 : varintSize(key.length) + key.length;
        size += value == null ? 1 : varintSize(value.length) + value.length;
        int count = 0;
        if (headers != null) {
            for (Headers.Header h : headers) {
                count++;
                int k = Utils.utf8Length(h.key());
                size += varintSize(k) + k;
                size += h.value() == null ? 1 : varintSize(h.value().length) + h.value().length;
            }
        }
        return size + varintSize(count);
    }

    /** Bytes of a zig-zag varint, as Kafka's record format writes lengths. */
    private static int varintSize(int value) {
        int v = (value << 1) ^ (value >> 31);
        int bytes = 1;
        while ((v & 0xffffff80) != 0) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }

    private static final class SendCallback implements Callback {
        private final KafkaRecordCollector collector;
        private final long generation;
        private final String topic;
        private final int partition;
        private final String node;
        private final String inputTopic;
        private final int inputPartition;
        private final long inputOffset;

        SendCallback(KafkaRecordCollector collector, long generation, String topic, int partition, String node, String inputTopic,
                     int inputPartition, long inputOffset) {
            this.collector = collector;
            this.generation = generation;
            this.topic = topic;
            this.partition = partition;
            this.node = node;
            this.inputTopic = inputTopic;
            this.inputPartition = inputPartition;
            this.inputOffset = inputOffset;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception e) {
            collector.completed(this, metadata, e);
        }
    }

    private void completed(SendCallback cb, RecordMetadata metadata, Exception e) {
        boolean current = cb.generation == generation;
        if (e == null) {
            if (current && cb.partition >= 0) {
                acked.merge(new TopicPartition(cb.topic, cb.partition), metadata.offset(), Math::max);
            }
            return;
        }
        Kind kind = classify(e);
        if (kind == Kind.REFUSED && cb.inputTopic != null) {
            // Remembered whatever the generation: the input is processed again and must not be sent again.
            refused.putIfAbsent(new RefusedSend(cb.inputTopic, cb.inputPartition, cb.inputOffset, cb.node, cb.topic), e);
        }
        if (!current || e instanceof TransactionAbortedException) {
            return;
        }
        failures.add(new Failure(kind, e, cb.topic, cb.node, cb.inputTopic, cb.inputPartition, cb.inputOffset));
    }

    /** Sorts a send failure. */
    static Kind classify(Throwable e) {
        if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
                || e instanceof InvalidPidMappingException) {
            return Kind.MIGRATED;
        }
        if (e instanceof AuthenticationException || e instanceof AuthorizationException || e instanceof SecurityDisabledException
                || e instanceof UnsupportedVersionException || e instanceof InvalidTopicException
                || e instanceof OffsetMetadataTooLarge || e instanceof SerializationException) {
            return Kind.FATAL;
        }
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidRecordException || e instanceof InvalidTimestampException) {
            return Kind.REFUSED;
        }
        if (e instanceof RetriableException) {
            return Kind.RETRIABLE;
        }
        // A record that failed only because another record of its batch was invalid goes through when sent again.
        if (String.valueOf(e.getMessage()).contains(INNOCENT_BATCH_MATE)) {
            return Kind.RETRIABLE;
        }
        return e instanceof KafkaException ? Kind.RETRIABLE : Kind.FATAL;
    }

    /**
     * Acts on the send failures of the current generation, most serious first: a fatal one stops
     * the worker; fencing migrates the tasks; anything else sends them back to their last commit
     * (a refused record's input then fails at once when it is processed again).
     *
     * @throws WorkerException         for a fatal failure, or a changelog record Kafka refuses
     * @throws TaskMigratedException   when the producer was fenced
     * @throws TaskCorruptedException  when output was lost or refused
     */
    void checkFailures() {
        if (failures.isEmpty()) {
            return;
        }
        Failure worst = null;
        Failure f;
        int count = 0;
        while ((f = failures.poll()) != null) {
            count++;
            if (worst == null || f.kind().ordinal() > worst.kind().ordinal()) {
                worst = f;
            }
        }
        switch (worst.kind()) {
            case FATAL -> throw new WorkerException("Kafka refused a " + worst.describe() + " and retrying cannot help;"
                    + " check the credentials, ACLs and topic names of the app. Stream thread " + threadName + " stops.",
                    worst.exception());
            case MIGRATED -> throw new TaskMigratedException("The producer of " + threadName + " was fenced (" + worst.exception()
                    + "): another worker owns its tasks now", worst.exception());
            case REFUSED -> {
                if (!worst.hasInput()) {
                    throw new WorkerException("Kafka refused a " + worst.describe() + "; the record has no input record to"
                            + " skip or dead-letter (a table's changelog, a callback's output). Raise the topic's max.message.bytes"
                            + " and the producer's max.request.size, or make the values smaller.", worst.exception());
                }
                throw new TaskCorruptedException("Kafka refused a " + worst.describe() + " (" + count + " send failure(s));"
                        + " going back to the last commit, the input record is handled by the error policy when it comes again",
                        worst.exception(), false);
            }
            default -> throw new TaskCorruptedException("Output did not reach Kafka: a " + worst.describe() + " (" + count
                    + " send failure(s)); going back to the last commit to process the input again", worst.exception(), false);
        }
    }

    /** Whether failures wait for {@link #checkFailures()}. */
    boolean hasFailures() {
        return !failures.isEmpty();
    }

    /**
     * The next offset after the last acknowledged record of each partition sent to explicitly
     * (changelogs) since the last call; complete once the output is durable.
     */
    Map<TopicPartition, Long> takeAcked() {
        if (acked.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : Set.copyOf(acked.keySet())) {
            Long offset = acked.remove(tp);
            if (offset != null) {
                out.put(tp, offset + 1);
            }
        }
        return out;
    }

    /**
     * Starts a new generation: sends before it belong to abandoned work (the thread went back to
     * its last commit), so their outcomes are ignored, except that refused records stay remembered.
     */
    void newGeneration() {
        generation++;
        failures.clear();
        acked.clear();
    }

    /** Forgets refused records of inputs below these offsets: a commit passed them. */
    void committed(Map<TopicPartition, Long> offsets) {
        if (refused.isEmpty()) {
            return;
        }
        refused.keySet().removeIf(r -> {
            Long next = offsets.get(new TopicPartition(r.inputTopic(), r.inputPartition()));
            return next != null && r.inputOffset() < next;
        });
    }

    @Override
    public String toString() {
        return "KafkaRecordCollector{" + threadName + ", generation " + generation + ", " + refused.size() + " refused}";
    }
}
