package dev.weir.runtime.state;

import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.runtime.engine.ByteStore;
import dev.weir.runtime.engine.InMemoryByteStore;
import dev.weir.runtime.state.StoreProvider;
import dev.weir.runtime.engine.TaskId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a worker's table stores: RocksDB under {@code <state dir>/<app>/<task>/<table>}, all of
 * them sharing one block cache and one write-buffer budget so the worker's memory stays bounded
 * however many tasks it runs; or memory for tables declared in memory. A store that cannot be
 * opened (corrupt) is deleted and opened empty, to be rebuilt from its changelog.
 */
public final class RocksDbStores implements StoreProvider, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RocksDbStores.class);

    static {
        RocksDB.loadLibrary();
    }

    private final Path appDir;
    private final Cache cache;
    private final WriteBufferManager writeBuffers;

    public RocksDbStores(Path appDir, long blockCacheBytes, long writeBufferBytes) {
        this.appDir = appDir;
        this.cache = new LRUCache(blockCacheBytes);
        this.writeBuffers = new WriteBufferManager(writeBufferBytes, cache);
    }

    /** The directory of a task's state. */
    public Path taskDir(TaskId task) {
        return appDir.resolve(task.toString());
    }

    @Override
    public ByteStore open(TaskId task, Table<?, ?> table, boolean fresh) {
        if (table.options().store() == TableOptions.Store.IN_MEMORY) {
            return new InMemoryByteStore();
        }
        Path dir = taskDir(task).resolve(table.name());
        String name = table.name() + "@" + task;
        try {
            if (fresh) {
                deleteRecursively(dir);
            }
            boolean existed = Files.isDirectory(dir) && !isEmpty(dir);
            Files.createDirectories(dir);
            try {
                return new RocksDbStore(name, dir, options(), !existed);
            } catch (RocksDBException e) {
                log.warn("RocksDB store {} in {} cannot be opened ({}); deleting it to rebuild it from the changelog",
                        name, dir, e.getMessage());
                deleteRecursively(dir);
                Files.createDirectories(dir);
                return new RocksDbStore(name, dir, options(), true);
            }
        } catch (IOException | RocksDBException e) {
            throw new IllegalStateException("Cannot open the store of table \"" + table.name() + "\" for task " + task
                    + " in " + dir + ": " + e.getMessage(), e);
        }
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

    @Override
    public void close() {
        writeBuffers.close();
        cache.close();
    }
}
