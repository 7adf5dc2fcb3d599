package dev.weir.runtime.task;

import dev.weir.dsl.Table;

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
