package dev.weir.runtime.state;

import dev.weir.dsl.Table;
import dev.weir.runtime.engine.ByteStore;
import dev.weir.runtime.engine.InMemoryByteStore;
import dev.weir.runtime.engine.TaskId;

/** Opens the store of one table partition for a task: RocksDB or memory in a worker, memory in the testkit. */
@FunctionalInterface
public interface StoreProvider {

    /**
     * Opens (creating if needed) the store of {@code table} for {@code task}.
     *
     * @param fresh when true, whatever the store held before is discarded (no valid checkpoint)
     */
    ByteStore open(TaskId task, Table<?, ?> table, boolean fresh);

    /** Keeps every store in memory. */
    static StoreProvider inMemory() {
        return (task, table, fresh) -> new InMemoryByteStore();
    }
}
