package dev.weir.runtime.engine;

import dev.weir.dsl.GlobalTable;
import dev.weir.serdes.Headers;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A worker's copy of one {@link GlobalTable}: the latest value bytes of every key of every
 * partition of its topic. One thread applies the topic's records ({@link #apply}) while the
 * tasks of every stream thread read it ({@link #get}), so the store must allow that (RocksDB
 * does; in memory use {@link InMemoryByteStore#concurrent()}). Keys are looked up by their
 * bytes in the topic's key serde, so a key computed by a join finds the record written under it.
 */
public final class GlobalStore {

    private final GlobalTable<?, ?> table;
    private final ByteStore store;

    public GlobalStore(GlobalTable<?, ?> table, ByteStore store) {
        this.table = Objects.requireNonNull(table, "table");
        this.store = Objects.requireNonNull(store, "store");
    }

    public GlobalTable<?, ?> table() {
        return table;
    }

    /** The store behind the table (to flush, iterate or close it). */
    public ByteStore store() {
        return store;
    }

    /** Applies one record of the table's topic: the key's new value, or a delete for a null value. A null key is ignored. */
    public void apply(byte[] key, byte[] value) {
        if (key == null) {
            return;
        }
        Map<ByteBuffer, byte[]> one = new HashMap<>(2);
        one.put(ByteBuffer.wrap(key), value);
        store.write(one);
    }

    /**
     * The value of {@code key}, deserialized with the topic's value serde, or null when the table
     * has none.
     *
     * @throws RuntimeException from the serdes, when the key cannot be serialized or the stored value not read
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object get(Object key) {
        String topic = table.name();
        byte[] bytes = ((dev.weir.serdes.Serde) table.keySerde()).serialize(topic, Headers.create(), key);
        if (bytes == null) {
            return null;
        }
        byte[] value = store.get(bytes);
        if (value == null) {
            return null;
        }
        try {
            return table.valueSerde().deserialize(topic, Headers.create(), value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the value of key " + key + " in global table \"" + topic + "\" cannot be read with"
                    + " the topic's value serde (" + e.getMessage() + "); write a readable value (or a tombstone) for the key to"
                    + " topic \"" + topic + "\"", e);
        }
    }
}
