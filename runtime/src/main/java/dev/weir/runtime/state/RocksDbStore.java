package dev.weir.runtime.state;

import dev.weir.runtime.engine.ByteStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A table partition in RocksDB. Writes arrive in batches (committed table changes, restored
 * changelog records) without a write-ahead log: the changelog is the log. {@link #flush()} moves
 * the memtables to disk, and a checkpoint is written only after it, so a checkpoint never claims
 * more than the store holds after a crash; whatever the store holds beyond it is replayed
 * (idempotently) from the changelog.
 */
final class RocksDbStore implements ByteStore {

    private final String name;
    private final RocksDB db;
    private final Options options;
    private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
    private final Runnable onClose;
    private boolean closed;

    RocksDbStore(String name, Path dir, Options options, Runnable onClose) throws RocksDBException {
        this.name = name;
        this.options = options;
        this.onClose = onClose;
        try {
            this.db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            writeOptions.close();
            throw e;
        }
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

    /** Writes changelog records below {@code end} in their order (a null value deletes), in one batch. */
    void writeRestored(List<ConsumerRecord<byte[], byte[]>> records, long end) {
        try (WriteBatch wb = new WriteBatch()) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.offset() >= end) {
                    break;
                }
                if (r.value() == null) {
                    wb.delete(r.key());
                } else {
                    wb.put(r.key(), r.value());
                }
            }
            db.write(writeOptions, wb);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB store " + name + " failed to restore " + records.size() + " records: "
                    + e.getMessage(), e);
        }
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

    /** Moves the memtables to disk (RocksDB syncs the files it writes). */
    @Override
    public void flush() {
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

    /** Closes every native handle; what was not flushed is lost (it is in the changelog). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.close();
        } finally {
            writeOptions.close();
            options.close();
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "RocksDbStore{" + name + "}";
    }
}
