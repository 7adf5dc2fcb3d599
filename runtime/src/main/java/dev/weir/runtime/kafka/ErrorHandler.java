package dev.weir.runtime.kafka;

import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.WorkerException;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.serdes.Headers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the worker's {@link ErrorPolicy} to a record that failed. */
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

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

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

    /**
     * Handles a failed input record: returns when it was skipped or dead-lettered, throws
     * {@link WorkerException} under {@link ErrorPolicy#FAIL}.
     */
    void handle(RecordProcessingException e, ConsumerRecord<byte[], byte[]> record, KafkaRecordCollector collector) {
        switch (policy) {
            case FAIL -> throw new WorkerException(e.getMessage() + " (error policy FAIL: the worker stops; the record's offset"
                    + " is not committed. Fix the input or the code, or run with error policy SKIP or DEAD_LETTER.)", e);
            case SKIP -> {
                log.warn("Skipped record: {}", e.getMessage(), e.getCause());
                counter("weir.records.skipped", e).increment();
            }
            case DEAD_LETTER -> {
                Headers headers = KafkaHeaders.fromKafka(record.headers());
                headers.add(APP, appId)
                        .add(TOPIC, record.topic())
                        .add(PARTITION, Integer.toString(record.partition()))
                        .add(OFFSET, Long.toString(record.offset()))
                        .add(NODE, e.node())
                        .add(STAGE, e.stage().name())
                        .add(EXCEPTION, e.getCause() == null ? e.getClass().getName() : e.getCause().getClass().getName())
                        .add(MESSAGE, truncate(e.getMessage()));
                collector.send(deadLetterTopic, record.key(), record.value(), Math.max(0, record.timestamp()), headers);
                log.warn("Sent record to dead-letter topic {}: {}", deadLetterTopic, e.getMessage());
                counter("weir.records.dead.lettered", e).increment();
            }
            default -> throw new IllegalStateException("unknown policy " + policy);
        }
    }

    /** Handles a failure in a scheduled callback, where there is no record to skip or dead-letter. */
    void handleCallback(RecordProcessingException e) {
        if (policy == ErrorPolicy.FAIL) {
            throw new WorkerException(e.getMessage() + " (error policy FAIL: the worker stops)", e);
        }
        log.warn("Callback failed, continuing under error policy {}: {}", policy, e.getMessage(), e.getCause());
        counter("weir.callbacks.failed", e).increment();
    }

    private Counter counter(String name, RecordProcessingException e) {
        return Counter.builder(name).tag("app", appId).tag("stage", e.stage().name()).register(metrics);
    }

    private static String truncate(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= 4000 ? s : new String(b, 0, 4000, StandardCharsets.UTF_8) + "...";
    }
}
