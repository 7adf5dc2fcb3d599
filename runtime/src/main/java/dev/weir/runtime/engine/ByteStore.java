package dev.weir.runtime.engine;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The local copy of one table partition, in bytes: what a task's table reads and writes
 * behind its cache, and what the runtime restores from the changelog. Single-threaded, like
 * the task that owns it.
 */
public interface ByteStore extends AutoCloseable {

    /** The value of {@code key}, or null. */
    byte[] get(byte[] key);

    /** Writes a batch: a null value deletes its key. Keys are compared by content. */
    void write(Map<java.nio.ByteBuffer, byte[]> batch);

    /** Calls {@code action} for every key and value (no particular order). */
    void forEach(BiConsumer<byte[], byte[]> action);

    /** Makes everything written so far survive a process crash (before a checkpoint is written). */
    void flush();

    /** Whether the store keeps its data across restarts, so a checkpoint means something. */
    boolean persistent();

    /** Releases every resource (native handles included). */
    @Override
    void close();
}
