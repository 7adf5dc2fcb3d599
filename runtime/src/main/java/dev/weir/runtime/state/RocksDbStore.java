package dev.weir.runtime.state;

import dev.weir.runtime.engine.ByteStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiConsumer;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A table partition in RocksDB. Writes arrive in batches (the table's cache flushes them);
 * the write-ahead log is on but not synced per write: {@link #flush()} syncs it before the host
 * writes a checkpoint, so a checkpoint never claims more than the store holds after a crash.
 */
public final class RocksDbStore implements ByteStore {

    private final String name;
    private final RocksDB db;
    private final org.rocksdb.Options options;
    private final WriteOptions writeOptions = new WriteOptions();
    /** For restores: the changelog can replay them, so no write-ahead log; {@link #flushMemtables()} ends a restore. */
    private final WriteOptions unlogged = new WriteOptions().setDisableWAL(true);
    private boolean unloggedPending;
    private final boolean empty;

    RocksDbStore(String name, Path dir, org.rocksdb.Options options, boolean empty) throws RocksDBException {
        this.name = name;
        this.empty = empty;
        this.options = options;
        this.db = RocksDB.open(options, dir.toString());
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB store " + name + " failed to read: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(Map<ByteBuffer, byte[]> batch) {
        try (WriteBatch wb = new WriteBatch()) {
            for (Map.Entry<ByteBuffer, byte[]> e : batch.entrySet()) {
                byte[] key = bytes(e.getKey());
                if (e.getValue() == null) {
                    wb.delete(key);
                } else {
                    wb.put(key, e.getValue());
                }
            }
            db.write(writeOptions, wb);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB store " + name + " failed to write " + batch.size() + " keys: " + e.getMessage(), e);
        }
    }

    /**
     * Writes changelog records in their order (a null value deletes), without the write-ahead
     * log; the next {@link #flush()} puts them on disk.
     */
    void writeRestored(java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records, long end) {
        try (WriteBatch wb = new WriteBatch()) {
            for (org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r : records) {
                if (r.offset() >= end) {
                    break;
                }
                if (r.value() == null) {
                    wb.delete(r.key());
                } else {
                    wb.put(r.key(), r.value());
                }
            }
            db.write(unlogged, wb);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB store " + name + " failed to restore " + records.size() + " records: "
                    + e.getMessage(), e);
        }
        unloggedPending = true;
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
            return b.array();
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Override
    public void forEach(BiConsumer<byte[], byte[]> action) {
        try (RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                action.accept(it.key(), it.value());
            }
        }
    }

    @Override
    public void flush() {
        if (unloggedPending) {
            // Restored data lives only in memtables until flushed: before a checkpoint may count on it.
            flushMemtables();
            unloggedPending = false;
        }
        try {
            db.flushWal(true);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB store " + name + " failed to sync its write-ahead log: " + e.getMessage(), e);
        }
    }

    /** Moves the memtables to disk; used before a clean close so the next open reads no log. */
    void flushMemtables() {
        try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
            db.flush(fo);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB store " + name + " failed to flush: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean persistent() {
        return true;
    }

    /** Whether the store was created empty now (new, wiped or rebuilt after corruption): a checkpoint does not apply to it. */
    public boolean createdEmpty() {
        return empty;
    }

    @Override
    public void close() {
        try {
            flushMemtables();
        } finally {
            writeOptions.close();
            unlogged.close();
            db.close();
            options.close();
        }
    }
}
