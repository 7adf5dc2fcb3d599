package dev.weir.runtime.engine;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** A {@link ByteStore} in a hash map: for the testkit and for tables declared in memory. */
public final class InMemoryByteStore implements ByteStore {

    private final Map<ByteBuffer, byte[]> map;

    /** A store for one thread, as a task's. */
    public InMemoryByteStore() {
        this.map = new HashMap<>();
    }

    private InMemoryByteStore(Map<ByteBuffer, byte[]> map) {
        this.map = map;
    }

    /** A store that one thread writes while others read it, as a global table's. */
    public static InMemoryByteStore concurrent() {
        return new InMemoryByteStore(new ConcurrentHashMap<>());
    }

    @Override
    public byte[] get(byte[] key) {
        return map.get(ByteBuffer.wrap(key));
    }

    @Override
    public void write(Map<ByteBuffer, byte[]> batch) {
        for (Map.Entry<ByteBuffer, byte[]> e : batch.entrySet()) {
            if (e.getValue() == null) {
                map.remove(e.getKey());
            } else {
                map.put(e.getKey(), e.getValue());
            }
        }
    }

    @Override
    public void forEach(BiConsumer<byte[], byte[]> action) {
        map.forEach((k, v) -> action.accept(toArray(k), v));
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Number of keys. */
    public int size() {
        return map.size();
    }

    @Override
    public void flush() {
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public void close() {
        map.clear();
    }
}
