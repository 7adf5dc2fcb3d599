package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import dev.weir.dsl.Topic;
import dev.weir.runtime.engine.RecordProcessingException.Stage;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;

/**
 * Reads one topic of a task: a source node, or the reading side of a repartition node.
 * Deserializes with the topic's serdes and pushes the record through the sub-topology.
 */
@SuppressWarnings("unchecked")
final class SourceRunner extends NodeRunner {

    private final Serde<Object> keySerde;
    private final Serde<Object> valueSerde;

    SourceRunner(String name, TaskState state, Topic<?, ?> topic) {
        super(name, state);
        this.keySerde = (Serde<Object>) topic.keySerde();
        this.valueSerde = (Serde<Object>) topic.valueSerde();
    }

    /** Deserializes and forwards one input record; the task has set the input location. */
    public void process(String topic, long timestamp, Headers headers, byte[] key, byte[] value) {
        Object k;
        Object v;
        try {
            k = keySerde.deserialize(topic, headers, key);
            v = valueSerde.deserialize(topic, headers, value);
        } catch (RuntimeException e) {
            throw fail(Stage.DESERIALIZATION, e);
        }
        Record<Object, Object> record;
        try {
            record = new Record<>(k, v, timestamp, headers);
        } catch (IllegalArgumentException e) {
            throw fail(Stage.DESERIALIZATION, e);
        }
        forwardAll(record);
    }

    @Override
    void handle(Record<Object, Object> record) {
        forwardAll(record);
    }
}
