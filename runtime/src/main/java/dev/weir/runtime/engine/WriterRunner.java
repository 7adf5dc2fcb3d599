package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import dev.weir.dsl.Topic;
import dev.weir.runtime.engine.RecordProcessingException.Stage;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import java.util.function.BiFunction;

/**
 * A sink, or the writing side of a repartition: re-keys when asked, serializes with the
 * topic's serdes and hands the bytes to the collector.
 */
@SuppressWarnings("unchecked")
final class WriterRunner extends NodeRunner {

    private final String topic;
    private final Serde<Object> keySerde;
    private final Serde<Object> valueSerde;
    private final BiFunction<Object, Object, Object> keySelector;

    WriterRunner(String name, TaskState state, Topic<?, ?> topic, BiFunction<Object, Object, Object> keySelector) {
        super(name, state);
        this.topic = topic.name();
        this.keySerde = (Serde<Object>) topic.keySerde();
        this.valueSerde = (Serde<Object>) topic.valueSerde();
        this.keySelector = keySelector;
    }

    @Override
    void handle(Record<Object, Object> record) {
        Object key;
        try {
            key = keySelector == null ? record.key() : keySelector.apply(record.key(), record.value());
        } catch (RuntimeException e) {
            throw fail(Stage.PROCESSING, e);
        }
        write(state, topic, keySerde, valueSerde, key, record.value(), record.timestamp(), record.headers());
    }

    @Override
    Stage stage(Exception e) {
        return Stage.SERIALIZATION;
    }

    /** Serializes and sends; shared with {@code ProcessorContext.send}. */
    static void write(TaskState state, String topic, Serde<Object> keySerde, Serde<Object> valueSerde,
                      Object key, Object value, long timestamp, Headers headers) {
        // A serde may add headers; siblings of this node must not see them.
        Headers out = headers.isEmpty() ? Headers.create() : headers.copy();
        byte[] k = keySerde.serialize(topic, out, key);
        byte[] v = valueSerde.serialize(topic, out, value);
        state.collector.send(topic, k, v, timestamp, out);
    }
}
