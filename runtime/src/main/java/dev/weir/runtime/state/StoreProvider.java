package dev.weir.runtime.state;

import dev.weir.dsl.Table;
import dev.weir.runtime.engine.ByteStore;
import dev.weir.runtime.engine.InMemoryByteStore;
import dev.weir.runtime.engine.TaskId;
import java.nio.file.Path;

/**
 * Opens the store of one table partition for a task: RocksDB or memory in a worker, memory in
 * the testkit. Thread-safe: the state updater and the stream threads open and close stores.
 */
public interface StoreProvider {

    /** An open store, and whether it was created empty now (so no checkpoint applies to it). */
    record Opened(ByteStore store, boolean empty) {
    }

    /**
     * Opens (creating if needed) the store of {@code table} for {@code task}. A store that is
     * corrupt is deleted and opened empty, to be rebuilt from its changelog.
     *
     * @throws StoreLockedException when another owner still holds the store: the caller retries
     */
    Opened open(TaskId task, Table<?, ?> table);

    /** Deletes what the store of {@code table} for {@code task} holds; it must be closed. */
    void wipe(TaskId task, Table<?, ?> table);

    /** The directory of a task's checkpoint, or null when no store of it outlives the process. */
    Path taskDir(TaskId task);

    /** Keeps every store in memory (nothing survives a restart; every restore starts at the changelog's beginning). */
    static StoreProvider inMemory() {
        return new StoreProvider() {
            @Override
            public Opened open(TaskId task, Table<?, ?> table) {
                return new Opened(new InMemoryByteStore(), true);
            }

            @Override
            public void wipe(TaskId task, Table<?, ?> table) {
            }

            @Override
            public Path taskDir(TaskId task) {
                return null;
            }
        };
    }
}
