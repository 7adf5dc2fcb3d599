package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import dev.weir.dsl.Topic;
import dev.weir.dsl.Window;
import dev.weir.dsl.WindowCloseContext;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import java.util.Objects;

/**
 * The context of a table's window close callbacks: sends through the task's collector, named
 * {@code onWindowClose(<table>)} as the origin of what it sends (dead letters and errors say so).
 */
final class WindowClosing extends NodeRunner implements WindowCloseContext {

    private final TableRuntime table;
    private Window window;

    WindowClosing(String name, TaskState state, TableRuntime table) {
        super(name, state);
        this.table = table;
    }

    /** This context for the callbacks of {@code closing}. */
    WindowClosing of(Window closing) {
        this.window = closing;
        return this;
    }

    @Override
    void handle(Record<Object, Object> record) {
        throw new UnsupportedOperationException("a window close context takes no input records");
    }

    @Override
    public String taskId() {
        return state.taskId.toString();
    }

    @Override
    public long currentStreamTime() {
        return table.observedTime();
    }

    @Override
    public long currentWallClockTime() {
        return state.wallClock.getAsLong();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> void send(Topic<K, V> topic, K key, V value) {
        Objects.requireNonNull(topic, "topic");
        WriterRunner.write(state, this, topic.name(), (Serde<Object>) topic.keySerde(), (Serde<Object>) topic.valueSerde(), key, value,
                window.end() - 1, Headers.empty());
    }
}
