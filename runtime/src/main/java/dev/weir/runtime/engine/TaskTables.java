package dev.weir.runtime.engine;

import dev.weir.dsl.Table;
import dev.weir.dsl.spi.TableAccess;
import java.util.Map;

/** The tables of one task, reachable from {@link Table}'s methods while the task runs. */
final class TaskTables implements TableAccess {

    private final TaskState state;
    private final Map<String, TableRuntime> tables;

    public TaskTables(TaskState state, Map<String, TableRuntime> tables) {
        this.state = state;
        this.tables = tables;
    }

    private TableRuntime runtime(Table<?, ?> table) {
        TableRuntime t = tables.get(table.name());
        if (t == null) {
            throw new IllegalStateException("Table \"" + table.name() + "\" is not declared in sub-topology "
                    + state.taskId.subTopology() + " (task " + state.taskId + ", tables " + tables.keySet()
                    + "); pass it to the agent or process(...) call of this stream, e.g. app.agent(name, topic, agent, "
                    + table.name() + ")");
        }
        return t;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> V get(Table<K, V> table, K key) {
        return (V) runtime(table).get(key);
    }

    @Override
    public <K, V> void put(Table<K, V> table, K key, V value) {
        runtime(table).put(key, value, Math.max(0, state.streamTime));
    }

    @Override
    public <K, V> void delete(Table<K, V> table, K key) {
        runtime(table).put(key, null, Math.max(0, state.streamTime));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> V getWindow(Table<K, V> table, K key, long windowStart) {
        return (V) runtime(table).getWindow(key, windowStart);
    }

    @Override
    public <K, V> void putWindow(Table<K, V> table, K key, long windowStart, V value) {
        TableRuntime t = runtime(table);
        long eventTime = Math.max(0, state.eventTime());
        t.observe(eventTime);
        // A closed window is final: its close callback may already have seen its value.
        if (t.accepts(windowStart)) {
            t.putWindow(key, windowStart, value, eventTime);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Map<dev.weir.dsl.Window, V> windows(Table<K, V> table, K key, long fromStart, long toStart) {
        return (Map<dev.weir.dsl.Window, V>) (Map<?, ?>) runtime(table).windowsOf(key, fromStart, toStart);
    }

    @Override
    public long eventTime() {
        return state.eventTime();
    }

    @Override
    public long streamTime() {
        return state.streamTime;
    }

    @Override
    public long wallClockTime() {
        return state.wallClock.getAsLong();
    }
}
