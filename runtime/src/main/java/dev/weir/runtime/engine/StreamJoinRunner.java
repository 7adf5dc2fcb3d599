package dev.weir.runtime.engine;

import dev.weir.dsl.JoinWindows;
import dev.weir.dsl.Record;
import dev.weir.serdes.Headers;
import dev.weir.topology.Node;
import java.nio.ByteBuffer;
import java.util.function.BiFunction;

/**
 * Runs one side of a windowed stream-stream join. Each record moves the join's clock {@code T}
 * (the highest timestamp either side has seen, kept with the left buffer and changelogged with
 * it). A record at {@code t} is late, dropped and counted, when its window towards the other side
 * closed: {@code t + after + grace < T} ({@code after} as seen from its side). Otherwise it expires
 * what the clock left behind in both buffers (forwarding, for left and outer joins, the records
 * that found no partner), joins the other side's records of its key within the window, and waits
 * in its own buffer.
 *
 * <p>Records are kept while {@code T <= t + before + after + grace}: every record that is not late
 * when it arrives finds every partner it has, whatever the arrival order, and a record that
 * expires without a partner can get none any more (any partner still to come would be late), so
 * forwarding it alone then is final.
 */
final class StreamJoinRunner extends NodeRunner {

    /** What both sides of one join share: the buffers, the clock, and each side's runner to forward through. */
    static final class Join {
        final JoinBuffer left;
        final JoinBuffer right;
        final TableRuntime clock;
        StreamJoinRunner leftRunner;
        StreamJoinRunner rightRunner;

        Join(TableRuntime leftTable, TableRuntime rightTable, JoinWindows windows) {
            // Kept until no record that may still arrive can pair with it (see the class comment).
            long keep = windows.beforeMs() + windows.afterMs() + windows.graceMs();
            this.left = new JoinBuffer(leftTable, keep);
            this.right = new JoinBuffer(rightTable, keep);
            this.clock = leftTable;
            leftTable.forEachStored((k, v) -> {
                if (ByteBuffer.wrap(k).equals(TableRuntime.CLOCK_KEY) && v != null && v.length >= 8) {
                    leftTable.restoreTime(ByteBuffer.wrap(v).getLong());
                }
            });
        }

        void expire(long time) {
            left.expire(time, leftRunner::forwardUnmatched);
            right.expire(time, rightRunner::forwardUnmatched);
        }
    }

    private final Join join;
    private final boolean left;
    private final JoinBuffer mine;
    private final JoinBuffer other;
    private final long before;
    private final long after;
    private final long grace;
    private final boolean keepsUnmatched;
    private final BiFunction<Object, Object, Object> joiner;

    StreamJoinRunner(String name, TaskState state, Join join, Node.StreamStreamJoin node) {
        super(name, state);
        this.join = join;
        this.left = node.left();
        this.mine = left ? join.left : join.right;
        this.other = left ? join.right : join.left;
        // Seen from this side: the other side's record may be this much earlier / later.
        this.before = left ? node.windows().beforeMs() : node.windows().afterMs();
        this.after = left ? node.windows().afterMs() : node.windows().beforeMs();
        this.grace = node.windows().graceMs();
        this.keepsUnmatched = node.keepsUnmatched();
        this.joiner = node.joiner();
        if (left) {
            join.leftRunner = this;
        } else {
            join.rightRunner = this;
        }
    }

    @Override
    void handle(Record<Object, Object> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("Stream join \"" + name + "\" got a record with a null value (a tombstone) for key "
                    + record.key() + "; a stream join pairs values, so filter null values out before the join");
        }
        ByteBuffer key = mine.table().keyBytes(record.key());
        long t = record.timestamp();
        join.clock.observe(t);
        long now = join.clock.observedTime();
        if (t + after + grace < now) {
            lateDropped(mine.table().table().name(), record.timestamp(), now, grace);
            return;
        }
        join.expire(now);
        boolean found = false;
        for (JoinBuffer.Slot partner : other.range(key, t - before, t + after)) {
            Object theirs = other.value(partner);
            Object joined = left ? joiner.apply(record.value(), theirs) : joiner.apply(theirs, record.value());
            forwardAll(new Record<>(record.key(), joined, Math.max(t, partner.timestamp), record.headers()));
            other.matched(partner);
            found = true;
        }
        mine.add(key, t, record.value(), keepsUnmatched && !found);
    }

    /** Forwards a record of this side that expired without a partner, with null for the other side. */
    private void forwardUnmatched(ByteBuffer keyBytes, Object value, long timestamp) {
        Object key = mine.table().deserializeKey(keyBytes.array());
        Object joined = left ? joiner.apply(value, null) : joiner.apply(null, value);
        forwardAll(new Record<>(key, joined, timestamp, Headers.empty()));
    }
}
