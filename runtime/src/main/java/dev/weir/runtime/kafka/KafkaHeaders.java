package dev.weir.runtime.kafka;

import dev.weir.serdes.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Converts between Weir's and Kafka's headers. */
final class KafkaHeaders {

    private KafkaHeaders() {
    }

    /** Kafka headers for a producer record, or null when there are none (the producer makes its own). */
    static RecordHeaders toKafka(Headers headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        RecordHeaders out = new RecordHeaders();
        for (Headers.Header h : headers) {
            out.add(h.key(), h.value());
        }
        return out;
    }

    static Headers fromKafka(org.apache.kafka.common.header.Headers headers) {
        Headers out = Headers.create();
        for (org.apache.kafka.common.header.Header h : headers.toArray()) {
            out.add(h.key(), h.value());
        }
        return out;
    }
}
