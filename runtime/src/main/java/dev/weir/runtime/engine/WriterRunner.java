package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import dev.weir.dsl.Topic;
import dev.weir.runtime.engine.RecordProcessingException.Stage;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import java.util.function.BiFunction;

/**
 * A sink, or the writing side of a repartition: re-keys when asked, serializes with the
 * topic's serdes and hands the bytes to the collector. A {@code groupBy} refuses a null key:
 * the table after it could not hold the record.
 */
@SuppressWarnings("unchecked")
final class WriterRunner extends NodeRunner {

    private final String topic;
    private final Serde<Object> keySerde;
    private final Serde<Object> valueSerde;
    private final BiFunction<Object, Object, Object> keySelector;
    private final boolean requireKey;

    WriterRunner(String name, TaskState state, Topic<?, ?> topic, BiFunction<Object, Object, Object> keySelector, boolean requireKey) {
        super(name, state);
        this.topic = topic.name();
        this.keySerde = (Serde<Object>) topic.keySerde();
        this.valueSerde = (Serde<Object>) topic.valueSerde();
        this.keySelector = keySelector;
        this.requireKey = requireKey;
    }

    @Override
    void handle(Record<Object, Object> record) {
        Object key;
        if (keySelector == null) {
            key = record.key();
        } else {
            try {
                key = keySelector.apply(record.key(), record.value());
            } catch (RuntimeException e) {
                BadRecordException bad = BadRecordException.explain(name, e, record.key(), record.value());
                throw fail(Stage.PROCESSING, bad != null ? bad : e);
            }
            if (key == null && requireKey) {
                throw fail(Stage.PROCESSING, BadRecordException.nullKeyFromGroupBy(name));
            }
        }
        write(state, this, topic, keySerde, valueSerde, key, record.value(), record.timestamp(), record.headers());
    }

    /**
     * Serializes and sends; shared with {@code ProcessorContext.send}. Serde failures are
     * {@link Stage#SERIALIZATION} failures of {@code origin}; the collector reports its own.
     */
    static void write(TaskState state, RecordCollector.Origin origin, String topic, Serde<Object> keySerde, Serde<Object> valueSerde,
                      Object key, Object value, long timestamp, Headers headers) {
        // A serde may add headers; siblings of this node must not see them.
        Headers out = headers.isEmpty() ? Headers.create() : headers.copy();
        byte[] k;
        byte[] v;
        try {
            k = keySerde.serialize(topic, out, key);
            v = valueSerde.serialize(topic, out, value);
        } catch (RuntimeException e) {
            throw new RecordProcessingException(Stage.SERIALIZATION, origin.node(), origin.inputTopic(), origin.inputPartition(),
                    origin.inputOffset(), e);
        }
        state.collector.send(topic, -1, k, v, timestamp, out, origin);
        state.recordsOut++;
    }
}
