package dev.weir.runtime.engine;

import dev.weir.dsl.Table;
import dev.weir.dsl.Window;
import dev.weir.dsl.Windowing;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One table partition in one task: a cache of live objects in front of the {@link ByteStore}.
 * Reads go through the cache; writes stay in it until the host commits. A commit happens in two
 * steps: {@link #prepareCommit()} sends the last value of each changed key to the changelog
 * partition of the task and keeps those bytes as a pending batch; once the host has made the
 * changelog durable (the producer flushed, or the transaction committed), {@link #postCommit()}
 * adds the batch to what is committed but not yet in the store, and {@link #writeToStore()}
 * writes that (the host does it at once under at-least-once, and about once a second under
 * exactly-once, where a key changed in ten commits is written once). So a store never holds a
 * change its changelog does not: after a crash, an abort or a lost fence it is at or before
 * the last commit, and a restore from the changelog brings it to exactly what was committed.
 * Entries not in the store yet stay in the cache.
 */
@SuppressWarnings("unchecked")
final class TableRuntime {

    /** The host commits early when this many keys are dirty, so memory stays bounded between commits. */
    static final int MAX_DIRTY = 10_000;
    /** Forget clean entries past this many, so a large table does not live on the heap twice. */
    static final int MAX_CACHED = 50_000;

    private static final Object DELETED = new Object();

    /**
     * Windowed store keys start with a kind byte: {@link #DATA} for {@code key bytes + window start},
     * {@link #CLOCK} for the table's own clock (event time seen, last window closed), which is
     * changelogged like the data so that it survives moves and restarts.
     */
    static final byte DATA = 0;
    static final byte CLOCK = 1;
    static final ByteBuffer CLOCK_KEY = ByteBuffer.wrap(new byte[] {CLOCK, 'c', 'l', 'o', 'c', 'k'});

    private static final class Entry {
        Object value;
        boolean dirty;
        /** Sent to the changelog but not written to the store yet: must not be evicted. */
        boolean unwritten;
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
    private final RecordCollector.Origin origin;
    private final String changelog;
    private final int partition;
    private final Serde<Object> keySerde;
    private final Serde<Object> valueSerde;
    private final Map<ByteBuffer, Entry> cache = new HashMap<>();
    private int dirty;
    /** Sent to the changelog, not yet in the store: between {@link #prepareCommit()} and {@link #postCommit()}. */
    private Map<ByteBuffer, byte[]> pending;
    /** Committed (durable in the changelog) but not yet in the store. */
    private Map<ByteBuffer, byte[]> committed = new LinkedHashMap<>();
    /** Windowed tables: window start to the (composite) keys that have a value in it. */
    private final TreeMap<Long, Set<ByteBuffer>> windows = new TreeMap<>();
    private final Windowing windowing;
    /**
     * Session tables lay their store keys out as {@code DATA + key bytes + start + end} and index
     * {@link #windows} by the end (the anchor a session closes by) rather than the start; this
     * index finds a key's sessions by start.
     */
    private final boolean session;
    private final Map<ByteBuffer, TreeMap<Long, Long>> sessionsByKey = new HashMap<>();
    /** The anchor (window start; session end) of the last window closed. */
    private long lastClosedStart = Long.MIN_VALUE;
    /**
     * Windowed tables: the highest event time written to this table. Windows close and expire by
     * it rather than by the task's input timestamps, so timestamps set mid-stream (withTimestamps)
     * count.
     */
    private long observedTime = -1;
    private boolean clockDirty;

    TableRuntime(Table<?, ?> table, ByteStore store, RecordCollector collector, int partition) {
        this.table = (Table<Object, Object>) table;
        this.store = store;
        this.collector = collector;
        this.changelog = table.changelogTopic().name();
        this.origin = new ChangelogOrigin("changelog of table " + table.name());
        this.partition = partition;
        this.keySerde = this.table.keySerde();
        this.valueSerde = this.table.valueSerde();
        this.windowing = table.windowing();
        this.session = windowing != null && windowing.kind() == Windowing.Kind.SESSION;
        if (windowing != null) {
            // After a restore the store holds windows the index must know, or they would never expire,
            // and the table's clock, or windows closed before would close (and call back) again.
            store.forEach((k, v) -> {
                if (k.length > 0 && k[0] == DATA) {
                    ByteBuffer composite = ByteBuffer.wrap(k);
                    windows.computeIfAbsent(windowStart(k), s -> new HashSet<>()).add(composite);
                    if (session) {
                        indexSession(composite, true);
                    }
                } else if (ByteBuffer.wrap(k).equals(CLOCK_KEY) && v != null && v.length == 16) {
                    ByteBuffer b = ByteBuffer.wrap(v);
                    observedTime = b.getLong();
                    lastClosedStart = b.getLong();
                }
            });
        }
    }

    /** A changelog record has no input record: it is sent at commit time for everything before. */
    private record ChangelogOrigin(String node) implements RecordCollector.Origin {
        @Override
        public String inputTopic() {
            return null;
        }

        @Override
        public int inputPartition() {
            return -1;
        }

        @Override
        public long inputOffset() {
            return -1;
        }
    }

    Windowing windowing() {
        return windowing;
    }

    private static long windowStart(byte[] composite) {
        return ByteBuffer.wrap(composite, composite.length - 8, 8).getLong();
    }

    private ByteBuffer windowKey(Object key, long windowStart) {
        byte[] k = key(key).array();
        ByteBuffer b = ByteBuffer.allocate(1 + k.length + 8);
        b.put(DATA).put(k).putLong(windowStart);
        return ByteBuffer.wrap(b.array());
    }

    private static final int SESSION_SUFFIX = 16;

    private ByteBuffer sessionKey(ByteBuffer keyBytes, long start, long end) {
        ByteBuffer k = keyBytes.duplicate();
        k.rewind();
        ByteBuffer b = ByteBuffer.allocate(1 + k.remaining() + SESSION_SUFFIX);
        b.put(DATA).put(k).putLong(start).putLong(end);
        return ByteBuffer.wrap(b.array());
    }

    /** Adds (or removes) a session's store key to the index by key. */
    private void indexSession(ByteBuffer composite, boolean add) {
        byte[] c = composite.array();
        ByteBuffer keyBytes = ByteBuffer.wrap(Arrays.copyOfRange(c, 1, c.length - SESSION_SUFFIX));
        long start = composite.getLong(c.length - SESSION_SUFFIX);
        long end = composite.getLong(c.length - 8);
        if (add) {
            sessionsByKey.computeIfAbsent(keyBytes, x -> new TreeMap<>()).put(start, end);
        } else {
            TreeMap<Long, Long> sessions = sessionsByKey.get(keyBytes);
            if (sessions != null && sessions.remove(start, end) && sessions.isEmpty()) {
                sessionsByKey.remove(keyBytes);
            }
        }
    }

    /** The sessions of {@code key} (as {@code [start, end]}) that end at or after {@code from} and start at or before {@code to}, earliest first. */
    List<long[]> sessions(Object key, long from, long to) {
        TreeMap<Long, Long> sessions = sessionsByKey.get(key(key));
        if (sessions == null) {
            return List.of();
        }
        List<long[]> out = new java.util.ArrayList<>();
        for (Map.Entry<Long, Long> e : sessions.headMap(to, true).entrySet()) {
            if (e.getValue() >= from) {
                out.add(new long[] {e.getKey(), e.getValue()});
            }
        }
        return out;
    }

    /** The value of {@code key}'s session {@code [start, end]}, or null. */
    Object getSession(Object key, long start, long end) {
        return read(sessionKey(key(key), start, end));
    }

    /** Sets {@code key}'s session {@code [start, end]} to {@code value}; null deletes it. */
    void putSession(Object key, long start, long end, Object value, long timestamp) {
        ByteBuffer k = sessionKey(key(key), start, end);
        indexSession(k, value != null);
        putWindow(k, end, value, timestamp);
    }

    /** The window a store key of this windowed table stands for. */
    private Window windowOf(ByteBuffer composite, long anchor) {
        if (session) {
            return new Window(composite.getLong(composite.array().length - SESSION_SUFFIX), anchor + 1);
        }
        return new Window(anchor, anchor + windowing.size());
    }

    /** The value of {@code key} in the window starting at {@code windowStart}, or null. */
    Object getWindow(Object key, long windowStart) {
        requireWindowed();
        return read(windowKey(key, windowStart));
    }

    /**
     * The windows of {@code key} whose start lies in {@code [fromStart, toStart]} and that hold a
     * value (not expired), earliest first.
     */
    Map<Window, Object> windowsOf(Object key, long fromStart, long toStart) {
        requireWindowed();
        Map<Window, Object> out = new java.util.LinkedHashMap<>();
        if (fromStart > toStart) {
            return out;
        }
        if (session) {
            TreeMap<Long, Long> sessions = sessionsByKey.get(key(key));
            if (sessions != null) {
                for (Map.Entry<Long, Long> e : sessions.subMap(fromStart, true, toStart, true).entrySet()) {
                    Object v = getSession(key, e.getKey(), e.getValue());
                    if (v != null) {
                        out.put(new Window(e.getKey(), e.getValue() + 1), v);
                    }
                }
            }
            return out;
        }
        for (Map.Entry<Long, Set<ByteBuffer>> e : windows.subMap(fromStart, true, toStart, true).entrySet()) {
            ByteBuffer k = windowKey(key, e.getKey());
            if (e.getValue().contains(k)) {
                Object v = read(k);
                if (v != null) {
                    out.put(new Window(e.getKey(), e.getKey() + windowing.size()), v);
                }
            }
        }
        return out;
    }

    /**
     * Aggregates {@code value} into {@code key}'s value in the window starting at
     * {@code windowStart} (its current value, or {@code defaultValue}) and returns the new value:
     * one key serialization for the read and the write.
     */
    Object aggregateWindow(Object key, long windowStart, java.util.function.BiFunction<Object, Object, Object> aggregator,
                           Object defaultValue, Object value, long timestamp) {
        ByteBuffer k = windowKey(key, windowStart);
        Object current = read(k);
        Object updated = aggregator.apply(current != null ? current : defaultValue, value);
        putWindow(k, windowStart, updated, timestamp);
        return updated;
    }

    /** Sets {@code key} in the window starting at {@code windowStart}. */
    void putWindow(Object key, long windowStart, Object value, long timestamp) {
        requireWindowed();
        putWindow(windowKey(key, windowStart), windowStart, value, timestamp);
    }

    private void putWindow(ByteBuffer k, long windowStart, Object value, long timestamp) {
        if (value == null) {
            Set<ByteBuffer> keys = windows.get(windowStart);
            if (keys != null) {
                keys.remove(k);
            }
        } else {
            windows.computeIfAbsent(windowStart, s -> new HashSet<>()).add(k);
        }
        write(k, value, timestamp);
    }

    private void requireWindowed() {
        if (windowing == null) {
            throw new IllegalStateException("Table \"" + table.name() + "\" is not windowed");
        }
    }

    /**
     * Moves the table to {@code streamTime}: hands each key of each window whose end plus grace
     * has passed to {@code closer} (for its close callback and its emit-final record), then removes the windows whose end plus {@code expires} has
     * passed from the store and, with tombstones, from the changelog. A window counts as closed
     * once every key's callback ran, failed ones included (the closer reports those), so no key's
     * callback runs twice.
     */
    void advance(long streamTime, WindowCloser closer) {
        if (windowing == null || windows.isEmpty()) {
            return;
        }
        long size = windowing.closeAfter();
        int suffix = session ? SESSION_SUFFIX : 8;
        for (Map.Entry<Long, Set<ByteBuffer>> e : windows.tailMap(lastClosedStart, false).entrySet()) {
            long start = e.getKey();
            if (start + size + windowing.grace() > streamTime) {
                break;
            }
            if (windowing.onClose() != null || windowing.emitFinal()) {
                for (ByteBuffer k : List.copyOf(e.getValue())) {
                    byte[] composite = k.array();
                    byte[] keyBytes = Arrays.copyOfRange(composite, 1, composite.length - suffix);
                    Object value = read(k);
                    closer.close(windowing, keyBytes, () -> keySerde.deserialize(changelog, Headers.empty(), keyBytes),
                            windowOf(k, start), value == null ? table.defaultValue() : value);
                }
            }
            lastClosedStart = start;
            clockDirty = true;
        }
        while (!windows.isEmpty() && windows.firstKey() + size + windowing.expires() <= streamTime) {
            Map.Entry<Long, Set<ByteBuffer>> first = windows.pollFirstEntry();
            for (ByteBuffer k : first.getValue()) {
                if (session) {
                    indexSession(k, false);
                }
                write(k, null, streamTime);
            }
        }
    }

    /** Closes a window for one key (its callback, its final record); reports failures itself. */
    @FunctionalInterface
    interface WindowCloser {
        void close(Windowing windowing, byte[] keyBytes, java.util.function.Supplier<Object> key, Window window, Object value);
    }

    /** Serializes a value as the changelog holds it (for dead letters of failed callbacks). */
    byte[] serializeValue(Object value) {
        return value == null ? null : valueSerde.serialize(changelog, Headers.create(), value);
    }

    /** Moves this table's event time forward to {@code timestamp} (never back). */
    void observe(long timestamp) {
        if (timestamp > observedTime) {
            observedTime = timestamp;
            clockDirty = true;
        }
    }

    /** Sets the clock to what the store held when the task started (not a change to commit). */
    void restoreTime(long timestamp) {
        observedTime = Math.max(observedTime, timestamp);
    }

    /** The highest event time written to this windowed table, or -1. */
    long observedTime() {
        return observedTime;
    }

    /** Whether the window starting at {@code windowStart} still accepts writes: its end plus grace has not passed. */
    boolean accepts(long windowStart) {
        return windowStart + windowing.closeAfter() + windowing.grace() > observedTime;
    }

    Table<?, ?> table() {
        return table;
    }

    /** The value stored under raw store key {@code k} (cache first), or null; for buffers that lay out their own keys. */
    Object readRaw(ByteBuffer k) {
        return read(k);
    }

    /** Sets raw store key {@code k} to {@code value} (null deletes) as of {@code timestamp}. */
    void writeRaw(ByteBuffer k, Object value, long timestamp) {
        write(k, value, timestamp);
    }

    /** What the store holds (not the cache): for rebuilding an index when the task starts. */
    void forEachStored(java.util.function.BiConsumer<byte[], byte[]> action) {
        store.forEach(action);
    }

    /** {@code key} serialized as the table's keys are. */
    ByteBuffer keyBytes(Object key) {
        return key(key);
    }

    /** A key the table serialized, deserialized. */
    Object deserializeKey(byte[] bytes) {
        return keySerde.deserialize(changelog, Headers.empty(), bytes);
    }

    /** The stored value of {@code key}, or null. */
    Object get(Object key) {
        return read(key(key));
    }

    private Object read(ByteBuffer k) {
        Object v = entry(k).value;
        return v == DELETED ? null : v;
    }

    /** The cache entry of {@code k}, loaded from the store (clean) when the cache does not hold it. */
    private Entry entry(ByteBuffer k) {
        Entry e = cache.get(k);
        if (e == null) {
            byte[] bytes = store.get(k.array());
            Object value = bytes == null ? null : valueSerde.deserialize(changelog, Headers.empty(), bytes);
            if (cache.size() >= MAX_CACHED) {
                evictClean();
            }
            e = new Entry(value == null ? DELETED : value, false, 0);
            cache.put(k, e);
        }
        return e;
    }

    /**
     * Sets {@code key} to {@code change} applied to its stored value (null when it has none) as
     * of {@code timestamp}, and returns the new value: an aggregation's read and write of one key,
     * with one serialization of the key and one cache lookup. A change that throws changes nothing.
     */
    Object update(Object key, java.util.function.UnaryOperator<Object> change, long timestamp) {
        Entry e = entry(key(key));
        Object updated = change.apply(e.value == DELETED ? null : e.value);
        e.value = updated == null ? DELETED : updated;
        e.timestamp = timestamp;
        if (!e.dirty) {
            e.dirty = true;
            dirty++;
        }
        return updated;
    }

    /** Sets {@code key} to {@code value} (null deletes) as of {@code timestamp}. */
    void put(Object key, Object value, long timestamp) {
        write(key(key), value, timestamp);
    }

    private void write(ByteBuffer k, Object value, long timestamp) {
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
    }

    private ByteBuffer key(Object key) {
        if (key == null) {
            throw new IllegalArgumentException("Table \"" + table.name() + "\" cannot hold a null key; give the records a key"
                    + " (groupBy, selectKey) or filter them out before the table");
        }
        byte[] bytes = keySerde.serialize(changelog, Headers.create(), key);
        return ByteBuffer.wrap(bytes);
    }

    /** Whether changes wait for a commit. */
    boolean hasChanges() {
        return dirty > 0 || clockDirty;
    }

    /** Whether so many keys changed that the host should commit now rather than at the interval. */
    boolean commitRequested() {
        return dirty >= MAX_DIRTY;
    }

    /**
     * Sends every changed key's last value to the changelog and keeps the bytes for
     * {@link #postCommit()}. Calling it again before {@code postCommit} adds to the pending batch.
     */
    void prepareCommit() {
        if (dirty == 0 && !clockDirty) {
            return;
        }
        Map<ByteBuffer, byte[]> batch = new LinkedHashMap<>();
        List<Entry> sent = new java.util.ArrayList<>(dirty);
        if (clockDirty) {
            byte[] clock = ByteBuffer.allocate(16).putLong(observedTime).putLong(lastClosedStart).array();
            collector.send(changelog, partition, CLOCK_KEY.array(), clock, Math.max(0, observedTime), Headers.create(), origin);
            batch.put(CLOCK_KEY, clock);
        }
        for (Map.Entry<ByteBuffer, Entry> e : cache.entrySet()) {
            Entry entry = e.getValue();
            if (entry.dirty) {
                byte[] value = entry.value == DELETED ? null : valueSerde.serialize(changelog, Headers.create(), entry.value);
                collector.send(changelog, partition, e.getKey().array(), value, entry.timestamp, Headers.create(), origin);
                batch.put(e.getKey(), value);
                sent.add(entry);
            }
        }
        // Only once everything is sent: a send that threw leaves the entries dirty for the next attempt.
        for (Entry entry : sent) {
            entry.dirty = false;
            entry.unwritten = true;
        }
        clockDirty = false;
        dirty = 0;
        if (pending == null) {
            pending = batch;
        } else {
            pending.putAll(batch);
        }
    }

    /** What {@link #prepareCommit()} sent is durable in the changelog now: it may go to the store. */
    void postCommit() {
        if (pending != null) {
            if (committed.isEmpty()) {
                committed = pending;        // at-least-once, every commit: no copy
            } else {
                committed.putAll(pending);
            }
            pending = null;
        }
    }

    /** How many committed changes wait to be written to the store. */
    int unwritten() {
        return committed.size();
    }

    /** Writes the committed changes to the store, in one batch. */
    void writeToStore() {
        if (committed.isEmpty()) {
            return;
        }
        store.write(committed);
        for (ByteBuffer k : committed.keySet()) {
            Entry e = cache.get(k);
            if (e != null) {
                e.unwritten = false;
            }
        }
        committed.clear();
    }

    private void evictClean() {
        cache.values().removeIf(e -> !e.dirty && !e.unwritten);
    }
}
