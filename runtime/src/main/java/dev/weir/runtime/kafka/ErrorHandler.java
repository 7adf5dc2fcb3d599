package dev.weir.runtime.kafka;

import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.WorkerException;
import dev.weir.runtime.engine.RecordCollector;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.serdes.Headers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the worker's {@link ErrorPolicy} to a record that failed, or to a callback that
 * failed. A dead letter is the failed input record as it was read (key, value, timestamp,
 * headers) plus headers saying where it came from and why it failed; one too large for the
 * producer is cut to fit, with headers saying what was cut, never dropped.
 */
final class ErrorHandler {

    /** Headers added to a dead-lettered record, next to its original headers. */
    static final String TOPIC = "weir.error.topic";
    static final String PARTITION = "weir.error.partition";
    static final String OFFSET = "weir.error.offset";
    static final String NODE = "weir.error.node";
    static final String STAGE = "weir.error.stage";
    static final String EXCEPTION = "weir.error.exception";
    static final String MESSAGE = "weir.error.message";
    static final String APP = "weir.error.app";
    static final String TRUNCATED = "weir.error.truncated";
    static final String KEY_SIZE = "weir.error.key.size";
    static final String VALUE_SIZE = "weir.error.value.size";

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);
    /** Room left for the record's framing when a dead letter is cut to fit. */
    private static final int MARGIN = 512;

    private final String appId;
    private final ErrorPolicy policy;
    private final String deadLetterTopic;
    private final MeterRegistry metrics;

    ErrorHandler(String appId, ErrorPolicy policy, String deadLetterTopic, MeterRegistry metrics) {
        this.appId = appId;
        this.policy = policy;
        this.deadLetterTopic = deadLetterTopic;
        this.metrics = metrics;
    }

    ErrorPolicy policy() {
        return policy;
    }

    /** The origin of a dead letter: the input record, sent by the error handler. */
    private record DeadLetterOrigin(String node, String inputTopic, int inputPartition, long inputOffset)
            implements RecordCollector.Origin {
    }

    /**
     * Handles a failed input record: returns when it was skipped or dead-lettered, rethrows
     * {@code e} under {@link ErrorPolicy#FAIL} (the thread stops; the record's offset is not committed).
     *
     * @throws WorkerException when even a cut-down dead letter cannot be written
     */
    void handle(RecordProcessingException e, String topic, int partition, long offset, long timestamp, Headers headers,
                byte[] key, byte[] value, KafkaRecordCollector collector) {
        switch (policy) {
            case FAIL -> throw e;
            case SKIP -> {
                log.warn("Skipped record: {}", e.getMessage(), e.getCause());
                counter("weir.records.skipped", e).increment();
            }
            case DEAD_LETTER -> {
                Headers h = headers == null ? Headers.create() : headers.copy();
                h.add(APP, appId)
                        .add(TOPIC, topic)
                        .add(PARTITION, Integer.toString(partition))
                        .add(OFFSET, Long.toString(offset));
                describe(h, e);
                deadLetter(collector, new DeadLetterOrigin("dead-letters", topic, partition, offset), key, value,
                        Math.max(0, timestamp), h, e);
                log.warn("Sent record to dead-letter topic {}: {}", deadLetterTopic, e.getMessage());
                counter("weir.records.dead.lettered", e).increment();
            }
            default -> throw new IllegalStateException("unknown policy " + policy);
        }
    }

    /**
     * Handles a failed callback (a scheduled callback, a window close callback): rethrows under
     * {@link ErrorPolicy#FAIL}; otherwise counts it and, under {@link ErrorPolicy#DEAD_LETTER},
     * dead-letters the key and value it was about, when there are any.
     */
    void handleCallback(RecordProcessingException e, byte[] key, byte[] value, KafkaRecordCollector collector, long now) {
        if (policy == ErrorPolicy.FAIL) {
            throw e;
        }
        log.warn("Callback failed, continuing under error policy {}: {}", policy, e.getMessage(), e.getCause());
        counter("weir.callbacks.failed", e).increment();
        if (policy == ErrorPolicy.DEAD_LETTER && (key != null || value != null)) {
            Headers h = Headers.create().add(APP, appId);
            describe(h, e);
            deadLetter(collector, new DeadLetterOrigin("dead-letters", null, -1, -1), key, value, now, h, e);
            counter("weir.records.dead.lettered", e).increment();
        }
    }

    private static void describe(Headers h, RecordProcessingException e) {
        Throwable cause = e.rootCause();
        h.add(NODE, e.node())
                .add(STAGE, e.stage().name())
                .add(EXCEPTION, cause == null ? e.getClass().getName() : cause.getClass().getName())
                .add(MESSAGE, truncate(e.getMessage()));
    }

    /**
     * Sends a dead letter, cut to what the producer may send. When Kafka refused it before (the
     * dead-letter topic takes less than the producer may send), sends a copy without key and
     * value instead; when that was refused too, stops the worker.
     */
    private void deadLetter(KafkaRecordCollector collector, DeadLetterOrigin origin, byte[] key, byte[] value, long timestamp,
                            Headers headers, RecordProcessingException cause) {
        int limit = collector.maxRequestSize() - MARGIN;
        byte[] k = key;
        byte[] v = value;
        if (KafkaRecordCollector.sizeUpperBound(k, v, headers) > limit) {
            int room = limit - KafkaRecordCollector.sizeUpperBound(null, null, headers) - 64;
            int keyRoom = key == null ? 0 : Math.min(key.length, Math.max(0, room / 8));
            if (key != null && keyRoom < key.length) {
                k = Arrays.copyOf(key, keyRoom);
            }
            int valueRoom = Math.max(0, room - (k == null ? 0 : k.length));
            if (value != null && valueRoom < value.length) {
                v = Arrays.copyOf(value, valueRoom);
            }
            headers.add(TRUNCATED, (k != key ? "key," : "") + (v != value ? "value" : ""))
                    .add(KEY_SIZE, key == null ? "null" : Integer.toString(key.length))
                    .add(VALUE_SIZE, value == null ? "null" : Integer.toString(value.length));
            log.warn("The dead letter of {}-{}@{} is larger than the producer may send; sending a copy cut to {} bytes",
                    origin.inputTopic(), origin.inputPartition(), origin.inputOffset(), limit);
        }
        try {
            collector.send(deadLetterTopic, -1, k, v, timestamp, headers, origin);
        } catch (RecordProcessingException refused) {
            // The dead-letter topic refused this copy before: send one without key and value.
            Headers minimal = headers.copy().add(TRUNCATED, "key,value")
                    .add(KEY_SIZE, key == null ? "null" : Integer.toString(key.length))
                    .add(VALUE_SIZE, value == null ? "null" : Integer.toString(value.length));
            try {
                collector.send(deadLetterTopic, -1, null, null, timestamp, minimal,
                        new DeadLetterOrigin("dead-letters (headers only)", origin.inputTopic(), origin.inputPartition(),
                                origin.inputOffset()));
            } catch (RecordProcessingException again) {
                throw new WorkerException("The dead-letter topic \"" + deadLetterTopic + "\" refuses the dead letter of "
                        + origin.inputTopic() + "-" + origin.inputPartition() + "@" + origin.inputOffset() + " even without key and"
                        + " value (" + again.getCause() + "); check the topic's configuration (max.message.bytes, ACLs). The"
                        + " record's failure: " + cause.getMessage(), again);
            }
        }
    }

    private Counter counter(String name, RecordProcessingException e) {
        return Counter.builder(name).tag("app", appId).tag("stage", e.stage().name()).register(metrics);
    }

    private static String truncate(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= 4000 ? s : new String(b, 0, 4000, StandardCharsets.UTF_8) + "...";
    }
}
