package dev.weir.runtime.state;

import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.runtime.engine.InMemoryByteStore;
import dev.weir.runtime.engine.TaskId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a worker's table stores: RocksDB under {@code <state dir>/<app>/<task>/<table>}, all of
 * them sharing one block cache and one write-buffer budget so the worker's memory stays bounded
 * however many tasks it runs; or memory for tables declared in memory.
 *
 * <p>A store that RocksDB reports corrupt is deleted and opened empty, to be rebuilt from its
 * changelog. A store whose lock is held, or that cannot be opened for lack of file handles, is
 * left alone: {@link StoreLockedException} names the directory and, when this worker holds it,
 * the task that does.
 */
public final class RocksDbStores implements StoreProvider, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RocksDbStores.class);

    static {
        RocksDB.loadLibrary();
    }

    private final Path appDir;
    private final Cache cache;
    private final WriteBufferManager writeBuffers;
    /** Stores this worker has open, by directory: who holds a lock RocksDB refuses. */
    private final Map<Path, String> open = new ConcurrentHashMap<>();
    private boolean closed;

    public RocksDbStores(Path appDir, long blockCacheBytes, long writeBufferBytes) {
        this.appDir = appDir;
        this.cache = new LRUCache(blockCacheBytes);
        this.writeBuffers = new WriteBufferManager(writeBufferBytes, cache);
    }

    @Override
    public Path taskDir(TaskId task) {
        return appDir.resolve(task.toString());
    }

    @Override
    public Opened open(TaskId task, Table<?, ?> table) {
        if (table.options().store() == TableOptions.Store.IN_MEMORY) {
            return new Opened(new InMemoryByteStore(), true);
        }
        return open(storeDir(task, table), table.name() + "@" + task, "table \"" + table.name() + "\" for task " + task,
                "task " + task + " on thread " + Thread.currentThread().getName());
    }

    /**
     * Opens (creating if needed) this worker's RocksDB copy of a global table, under
     * {@code <app dir>/global/<table>}; {@link #globalDir()} holds its checkpoint.
     */
    public Opened openGlobal(dev.weir.dsl.GlobalTable<?, ?> table) {
        return open(globalDir().resolve(table.name()), table.name() + "@global", "global table \"" + table.name() + "\"",
                "the global thread");
    }

    /** Where the worker's global tables live. */
    public Path globalDir() {
        return appDir.resolve("global");
    }

    private Opened open(Path dir, String name, String what, String owner) {
        String holder = open.putIfAbsent(dir, owner);
        if (holder != null) {
            throw new StoreLockedException("The store of " + what + " in " + dir + " is still open by " + holder
                    + " of this worker", null);
        }
        try {
            boolean existed = Files.isDirectory(dir) && !isEmpty(dir);
            Files.createDirectories(dir);
            try {
                return new Opened(new RocksDbStore(name, dir, options(), () -> open.remove(dir)), !existed);
            } catch (RocksDBException e) {
                if (!isCorruption(e)) {
                    throw new StoreLockedException("RocksDB cannot open the store of " + what + " in " + dir + " ("
                            + e.getMessage() + "); " + holderHint(e, dir), e);
                }
                log.warn("RocksDB store {} in {} is corrupt ({}); deleting it to rebuild it from the changelog", name, dir,
                        e.getMessage());
                deleteRecursively(dir);
                Files.createDirectories(dir);
                return new Opened(new RocksDbStore(name, dir, options(), () -> open.remove(dir)), true);
            }
        } catch (IOException e) {
            open.remove(dir);
            throw new UncheckedIOException("Cannot open the store of " + what + " in " + dir + ": " + e.getMessage(), e);
        } catch (RocksDBException e) {
            open.remove(dir);
            throw new IllegalStateException("Cannot open the store of " + what + " in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            open.remove(dir);
            throw e;
        }
    }

    private static boolean isCorruption(RocksDBException e) {
        Status s = e.getStatus();
        return s != null && s.getCode() == Status.Code.Corruption;
    }

    private static String holderHint(RocksDBException e, Path dir) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Too many open files")) {
            return "the process has run out of file handles: raise its limit (ulimit -n) or run fewer tasks per worker";
        }
        if (m.contains("lock")) {
            return "another process holds " + dir.resolve("LOCK") + " (this worker holds the app's state directory lock,"
                    + " so it is not a Weir worker of this app; find it with lsof " + dir.resolve("LOCK") + ")";
        }
        return "the store's data was left as it is";
    }

    @Override
    public void wipe(TaskId task, Table<?, ?> table) {
        if (table.options().store() == TableOptions.Store.IN_MEMORY) {
            return;
        }
        Path dir = storeDir(task, table);
        if (open.containsKey(dir)) {
            throw new IllegalStateException("Cannot wipe the store in " + dir + ": it is open");
        }
        try {
            deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the store in " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path storeDir(TaskId task, Table<?, ?> table) {
        return taskDir(task).resolve(table.name());
    }

    private Options options() {
        BlockBasedTableConfig tableConfig = new BlockBasedTableConfig();
        tableConfig.setBlockCache(cache);
        tableConfig.setCacheIndexAndFilterBlocks(true);
        return new Options()
                .setCreateIfMissing(true)
                .setWriteBufferManager(writeBuffers)
                .setTableFormatConfig(tableConfig)
                .setMaxOpenFiles(-1);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The bytes the shared block cache holds now, memtables included (they are charged to it);
     * 0 once closed.
     */
    public synchronized long memoryInUse() {
        return closed ? 0 : cache.getUsage();
    }

    /** Releases the shared cache; every store must be closed first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!open.isEmpty()) {
            log.warn("Closing RocksDB's shared cache while stores are open: {}", open);
        }
        writeBuffers.close();
        cache.close();
    }
}
