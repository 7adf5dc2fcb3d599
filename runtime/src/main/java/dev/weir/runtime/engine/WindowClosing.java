package dev.weir.runtime.engine;

import dev.weir.dsl.Topic;
import dev.weir.dsl.Window;
import dev.weir.dsl.WindowCloseContext;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import java.util.Objects;

/**
 * The context of a table's window close callbacks: sends through the task's collector, named
 * {@code onWindowClose(<table>)} as the origin of what it sends (dead letters and errors say so).
 * One per windowed table of a task; {@link #of} points it at the window being closed.
 */
final class WindowClosing implements WindowCloseContext, RecordCollector.Origin {

    private final String node;
    private final TaskState state;
    private final TableRuntime table;
    private Window window;

    WindowClosing(String node, TaskState state, TableRuntime table) {
        this.node = node;
        this.state = state;
        this.table = table;
    }

    /** This context for the callbacks of {@code closing}. */
    WindowClosing of(Window closing) {
        this.window = closing;
        return this;
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

    @Override
    public String node() {
        return node;
    }

    @Override
    public String inputTopic() {
        return null;
    }

    @Override
    public int inputPartition() {
        return -1;
    }

    @Override
    public long inputOffset() {
        return -1;
    }
}
