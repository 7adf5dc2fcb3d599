package dev.weir.runtime.internal;

import dev.weir.dsl.Table;
import dev.weir.runtime.task.ByteStore;
import dev.weir.runtime.task.RecordCollector;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One table partition in one task: a cache of live objects in front of the {@link ByteStore}.
 * Reads go through the cache; writes stay in it until {@link #flush()}, which writes them to
 * the store in one batch and sends the last value of each changed key to the changelog
 * partition of the task. The host flushes before it flushes the producer and commits, so the
 * changelog always holds what the committed input produced.
 */
@SuppressWarnings("unchecked")
public final class TableRuntime {

    /** Flush early when this many keys are dirty, so memory stays bounded between commits. */
    static final int MAX_DIRTY = 10_000;
    /** Forget clean entries past this many, so a large table does not live on the heap twice. */
    static final int MAX_CACHED = 50_000;

    private static final Object DELETED = new Object();

    private static final class Entry {
        Object value;
        boolean dirty;
        long timestamp;

        Entry(Object value, boolean dirty, long timestamp) {
            this.value = value;
            this.dirty = dirty;
            this.timestamp = timestamp;
        }
    }

    private final Table<Object, Object> table;
    private final ByteStore store;
    private final RecordCollector collector;
    private final String changelog;
    private final int partition;
    private final Serde<Object> keySerde;
    private final Serde<Object> valueSerde;
    private final Map<ByteBuffer, Entry> cache = new HashMap<>();
    private int dirty;

    public TableRuntime(Table<?, ?> table, ByteStore store, RecordCollector collector, int partition) {
        this.table = (Table<Object, Object>) table;
        this.store = store;
        this.collector = collector;
        this.changelog = table.changelogTopic().name();
        this.partition = partition;
        this.keySerde = this.table.keySerde();
        this.valueSerde = this.table.valueSerde();
    }

    public Table<?, ?> table() {
        return table;
    }

    public ByteStore store() {
        return store;
    }

    /** The stored value of {@code key}, or null. */
    public Object get(Object key) {
        ByteBuffer k = key(key);
        Entry e = cache.get(k);
        if (e == null) {
            byte[] bytes = store.get(k.array());
            Object value = bytes == null ? null : valueSerde.deserialize(changelog, Headers.empty(), bytes);
            if (cache.size() >= MAX_CACHED) {
                evictClean();
            }
            cache.put(k, new Entry(value == null ? DELETED : value, false, 0));
            return value;
        }
        return e.value == DELETED ? null : e.value;
    }

    /** Sets {@code key} to {@code value} (null deletes) as of {@code timestamp}. */
    public void put(Object key, Object value, long timestamp) {
        ByteBuffer k = key(key);
        Entry e = cache.get(k);
        Object v = value == null ? DELETED : value;
        if (e == null) {
            cache.put(k, new Entry(v, true, timestamp));
            dirty++;
        } else {
            e.value = v;
            e.timestamp = timestamp;
            if (!e.dirty) {
                e.dirty = true;
                dirty++;
            }
        }
        if (dirty >= MAX_DIRTY) {
            flush();
        }
    }

    private ByteBuffer key(Object key) {
        if (key == null) {
            throw new IllegalArgumentException("Table \"" + table.name() + "\" cannot hold a null key; give the records a key"
                    + " (groupBy, selectKey) or filter them out before the table");
        }
        byte[] bytes = keySerde.serialize(changelog, Headers.create(), key);
        return ByteBuffer.wrap(bytes);
    }

    /** Writes every dirty entry to the store and the changelog. */
    public void flush() {
        if (dirty == 0) {
            return;
        }
        Map<ByteBuffer, byte[]> batch = new LinkedHashMap<>();
        Map<ByteBuffer, Long> timestamps = new HashMap<>();
        for (Map.Entry<ByteBuffer, Entry> e : cache.entrySet()) {
            Entry entry = e.getValue();
            if (entry.dirty) {
                byte[] value = entry.value == DELETED ? null : valueSerde.serialize(changelog, Headers.create(), entry.value);
                batch.put(e.getKey(), value);
                timestamps.put(e.getKey(), entry.timestamp);
                entry.dirty = false;
            }
        }
        store.write(batch);
        for (Map.Entry<ByteBuffer, byte[]> e : batch.entrySet()) {
            collector.send(changelog, partition, e.getKey().array(), e.getValue(), timestamps.get(e.getKey()), Headers.create());
        }
        dirty = 0;
    }

    private void evictClean() {
        cache.values().removeIf(e -> !e.dirty);
    }

    /** Flushes and closes the store. */
    public void close() {
        store.close();
    }
}
