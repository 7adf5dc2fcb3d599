package dev.weir.runtime.engine;

import dev.weir.dsl.Cancellable;
import dev.weir.dsl.Processor;
import dev.weir.dsl.ProcessorContext;
import dev.weir.dsl.Punctuator;
import dev.weir.dsl.Record;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/** Runs one {@link Processor} instance and is its {@link ProcessorContext}. */
@SuppressWarnings("unchecked")
final class ProcessorRunner extends NodeRunner implements ProcessorContext<Object, Object> {

    private final Processor<Object, Object, Object, Object> processor;
    /** Headers of the record being processed, for send(); null in a callback. */
    private Record<Object, Object> current;

    ProcessorRunner(String name, TaskState state, Processor<Object, Object, Object, Object> processor) {
        super(name, state);
        this.processor = processor;
    }

    Processor<Object, Object, Object, Object> processor() {
        return processor;
    }

    void init() {
        try {
            processor.init(this);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Processor \"" + name + "\" failed in init() for task " + state.taskId + ": " + e, e);
        }
    }

    @Override
    void handle(Record<Object, Object> record) throws Exception {
        Record<Object, Object> previous = current;
        current = record;
        try {
            processor.process(record);
        } finally {
            current = previous;
        }
    }

    @Override
    void close() {
        processor.close();
    }

    @Override
    public String appId() {
        return state.appId;
    }

    @Override
    public String taskId() {
        return state.taskId.toString();
    }

    @Override
    public String nodeName() {
        return name;
    }

    @Override
    public String topic() {
        return state.topic;
    }

    @Override
    public int partition() {
        return state.partition;
    }

    @Override
    public long offset() {
        return state.offset;
    }

    @Override
    public long currentStreamTime() {
        return state.streamTime;
    }

    @Override
    public long currentWallClockTime() {
        return state.wallClock.getAsLong();
    }

    @Override
    public void forward(Record<?, ?> record) {
        Objects.requireNonNull(record, () -> "Node \"" + name + "\" forwarded a null record");
        forwardAll((Record<Object, Object>) record);
    }

    @Override
    public void forward(Record<?, ?> record, String childName) {
        Objects.requireNonNull(record, () -> "Node \"" + name + "\" forwarded a null record");
        for (NodeRunner c : children) {
            if (c.name.equals(childName)) {
                c.process((Record<Object, Object>) record);
                return;
            }
        }
        throw new IllegalArgumentException("Node \"" + name + "\" has no child \"" + childName + "\"; its children are "
                + Arrays.stream(children).map(NodeRunner::name).toList());
    }

    @Override
    public <K2, V2> void send(Topic<K2, V2> topic, K2 key, V2 value) {
        long ts = current != null ? current.timestamp() : state.wallClock.getAsLong();
        Headers headers = current != null ? current.headers() : Headers.empty();
        send(topic, new Record<>(key, value, ts, headers));
    }

    @Override
    public <K2, V2> void send(Topic<K2, V2> topic, Record<K2, V2> record) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(record, "record");
        WriterRunner.write(state, this, topic.name(), (Serde<Object>) topic.keySerde(), (Serde<Object>) topic.valueSerde(),
                record.key(), record.value(), record.timestamp(), record.headers());
    }

    @Override
    public Cancellable schedule(Duration interval, Punctuator punctuator) {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(punctuator, "punctuator");
        return state.scheduler.schedule(name, interval.toMillis(), punctuator);
    }
}
