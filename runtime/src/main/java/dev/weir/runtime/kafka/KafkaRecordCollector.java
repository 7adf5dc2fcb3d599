package dev.weir.runtime.kafka;

import dev.weir.runtime.WorkerException;
import dev.weir.runtime.engine.RecordCollector;
import dev.weir.serdes.Headers;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a thread's output through its producer. Sends are asynchronous; the first failure is
 * kept and thrown by {@link #flush()} or {@link #checkError()}, so offsets are never committed
 * past output Kafka refused.
 */
final class KafkaRecordCollector implements RecordCollector {

    private final Producer<byte[], byte[]> producer;
    private volatile RuntimeException sendError;
    private final Map<TopicPartition, Long> acked = new ConcurrentHashMap<>();

    KafkaRecordCollector(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** One error-recording callback per topic for records the partitioner places: no allocation per send. */
    private final Map<String, org.apache.kafka.clients.producer.Callback> callbacks = new java.util.HashMap<>();

    private String lastTopic;
    private org.apache.kafka.clients.producer.Callback lastCallback;

    private org.apache.kafka.clients.producer.Callback callback(String topic) {
        if (topic.equals(lastTopic)) {
            return lastCallback;
        }
        lastTopic = topic;
        lastCallback = callbacks.computeIfAbsent(topic, t -> (metadata, e) -> {
            if (e != null && sendError == null) {
                sendError = new WorkerException("Kafka refused a record sent to topic \"" + t + "\": " + e, e);
            }
        });
        return lastCallback;
    }

    @Override
    public void send(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        checkError();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition < 0 ? null : partition, timestamp, key, value,
                KafkaHeaders.toKafka(headers));
        if (partition < 0) {
            producer.send(record, callback(topic));
            return;
        }
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                if (sendError == null) {
                    sendError = new WorkerException("Kafka refused a record sent to topic \"" + topic + "\": " + e, e);
                }
            } else if (partition >= 0) {
                acked.merge(new TopicPartition(topic, partition), metadata.offset(), Math::max);
            }
        });
    }

    /**
     * The highest acknowledged offset of each partition that records were sent to explicitly
     * (changelogs); complete for everything sent before the last {@link #flush()}.
     */
    Map<TopicPartition, Long> ackedOffsets() {
        return acked;
    }

    /** Waits until everything sent so far is acknowledged; throws the first send failure. */
    void flush() {
        producer.flush();
        checkError();
    }

    void checkError() {
        RuntimeException e = sendError;
        if (e != null) {
            throw e;
        }
    }

}
