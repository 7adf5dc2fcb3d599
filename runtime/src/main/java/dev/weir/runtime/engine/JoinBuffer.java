package dev.weir.runtime.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The records of one side of a stream-stream join that a partner may still arrive for, in the
 * side's buffer table. Each record is stored under {@code DATA + key + timestamp + sequence} and,
 * while it waits for a partner on a side that forwards unmatched records, also under
 * {@code PENDING + key + timestamp + sequence}, so that both survive a move through the changelog.
 * An index on the heap (keys and times only, values stay in the table's cache and store) finds a
 * key's records in a time range and the oldest records to expire; it is rebuilt from the store when
 * the task starts.
 */
final class JoinBuffer {

    private static final byte DATA = TableRuntime.DATA;
    private static final byte PENDING = 2;
    private static final int SUFFIX = 16;

    /** One buffered record: its key's bytes, timestamp, a sequence number that tells duplicates apart. */
    static final class Slot {
        final ByteBuffer key;
        final long timestamp;
        final long sequence;
        boolean pending;

        Slot(ByteBuffer key, long timestamp, long sequence) {
            this.key = key;
            this.timestamp = timestamp;
            this.sequence = sequence;
        }
    }

    private static final Comparator<Slot> BY_TIME = Comparator.comparingLong((Slot s) -> s.timestamp).thenComparingLong(s -> s.sequence);

    /** Called for a record that expires without having found a partner. */
    @FunctionalInterface
    interface Unmatched {
        void expired(ByteBuffer key, Object value, long timestamp);
    }

    private final TableRuntime table;
    private final long keepFor;
    private final Map<ByteBuffer, TreeSet<Slot>> byKey = new HashMap<>();
    private final TreeSet<Slot> byTime = new TreeSet<>(BY_TIME);
    private long nextSequence;

    /**
     * @param table   the side's buffer table
     * @param keepFor a record is kept while the join's time is at most its timestamp plus this
     */
    JoinBuffer(TableRuntime table, long keepFor) {
        this.table = table;
        this.keepFor = keepFor;
        Map<ByteBuffer, Slot> restored = new HashMap<>();
        table.forEachStored((k, v) -> {
            if (k.length <= SUFFIX || (k[0] != DATA && k[0] != PENDING)) {
                return;
            }
            ByteBuffer id = ByteBuffer.wrap(Arrays.copyOfRange(k, 1, k.length));
            Slot slot = restored.computeIfAbsent(id, i -> {
                ByteBuffer b = ByteBuffer.wrap(k);
                return index(ByteBuffer.wrap(Arrays.copyOfRange(k, 1, k.length - SUFFIX)), b.getLong(k.length - SUFFIX),
                        b.getLong(k.length - 8));
            });
            slot.pending |= k[0] == PENDING;
            nextSequence = Math.max(nextSequence, slot.sequence + 1);
        });
    }

    TableRuntime table() {
        return table;
    }

    /** Indexes a record of {@code key} (one key buffer shared by a key's records) and returns its slot. */
    private Slot index(ByteBuffer key, long timestamp, long sequence) {
        TreeSet<Slot> slots = byKey.get(key);
        if (slots == null) {
            slots = new TreeSet<>(BY_TIME);
            byKey.put(key, slots);
        } else {
            key = slots.first().key;
        }
        Slot s = new Slot(key, timestamp, sequence);
        slots.add(s);
        byTime.add(s);
        return s;
    }

    private ByteBuffer storeKey(byte kind, Slot s) {
        ByteBuffer k = s.key.duplicate();
        k.rewind();
        ByteBuffer b = ByteBuffer.allocate(1 + k.remaining() + SUFFIX);
        b.put(kind).put(k).putLong(s.timestamp).putLong(s.sequence);
        return ByteBuffer.wrap(b.array());
    }

    /** Buffers {@code value} under {@code key} at {@code timestamp}; {@code pending} when it found no partner yet and must be forwarded alone if none comes. */
    void add(ByteBuffer key, long timestamp, Object value, boolean pending) {
        Slot s = index(key, timestamp, nextSequence++);
        s.pending = pending;
        table.writeRaw(storeKey(DATA, s), value, timestamp);
        if (pending) {
            table.writeRaw(storeKey(PENDING, s), value, timestamp);
        }
    }

    /** The records of {@code key} with timestamps in {@code [from, to]}, earliest first (a view: do not add while iterating). */
    NavigableSet<Slot> range(ByteBuffer key, long from, long to) {
        TreeSet<Slot> slots = byKey.get(key);
        if (slots == null || from > to) {
            return java.util.Collections.emptyNavigableSet();
        }
        return slots.subSet(new Slot(key, from, Long.MIN_VALUE), true, new Slot(key, to, Long.MAX_VALUE), true);
    }

    /** The value buffered for {@code s}. */
    Object value(Slot s) {
        return table.readRaw(storeKey(DATA, s));
    }

    /** {@code s} found a partner: it will not be forwarded alone. */
    void matched(Slot s) {
        if (s.pending) {
            s.pending = false;
            table.writeRaw(storeKey(PENDING, s), null, s.timestamp);
        }
    }

    /**
     * Removes the records the join's time {@code time} has left behind (timestamp plus keepFor
     * before it), oldest first, handing those that never found a partner to {@code unmatched}
     * after they are removed.
     */
    void expire(long time, Unmatched unmatched) {
        while (!byTime.isEmpty() && byTime.first().timestamp + keepFor < time) {
            Slot s = byTime.pollFirst();
            TreeSet<Slot> slots = byKey.get(s.key);
            slots.remove(s);
            if (slots.isEmpty()) {
                byKey.remove(s.key);
            }
            ByteBuffer data = storeKey(DATA, s);
            Object value = s.pending ? table.readRaw(data) : null;
            table.writeRaw(data, null, time);
            if (s.pending) {
                table.writeRaw(storeKey(PENDING, s), null, time);
                unmatched.expired(s.key, value, s.timestamp);
            }
        }
    }

    /** How many records wait. */
    int size() {
        return byTime.size();
    }
}
