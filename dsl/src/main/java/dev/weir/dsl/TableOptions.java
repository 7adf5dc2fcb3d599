package dev.weir.dsl;

/**
 * How a {@link Table} is stored: in RocksDB on local disk (the default, for tables larger than
 * memory) or in memory. Either way the table is backed by its changelog topic and restored
 * from it. Immutable.
 */
public final class TableOptions {

    /** Where a table's local copy lives. */
    public enum Store {
        /** RocksDB under {@code <state dir>/<app>/<task>/<table>}; survives restarts, restores only what changed since. */
        ROCKSDB,
        /** A map in the heap; restored in full from the changelog whenever the task starts. */
        IN_MEMORY
    }

    private static final TableOptions DEFAULTS = new TableOptions(Store.ROCKSDB);

    private final Store store;

    private TableOptions(Store store) {
        this.store = store;
    }

    /** RocksDB. */
    public static TableOptions defaults() {
        return DEFAULTS;
    }

    /** An in-memory store. */
    public static TableOptions inMemory() {
        return new TableOptions(Store.IN_MEMORY);
    }

    public Store store() {
        return store;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableOptions t && t.store == store;
    }

    @Override
    public int hashCode() {
        return store.hashCode();
    }

    @Override
    public String toString() {
        return "TableOptions{store=" + store + "}";
    }
}
