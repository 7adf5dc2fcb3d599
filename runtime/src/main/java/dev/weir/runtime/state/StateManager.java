package dev.weir.runtime.state;

import dev.weir.dsl.Table;
import dev.weir.runtime.engine.ByteStore;
import dev.weir.runtime.engine.TaskId;
import dev.weir.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores of one stateful task and where each stands in its changelog: the offset before
 * which the store holds every change. Stores only ever receive changes whose changelog records
 * are durable (restored ones, and committed ones after a commit), so that offset is exact, and a
 * checkpoint written after a flush never claims more than the store holds. Restoring a store
 * means reading its changelog from that offset to the end.
 *
 * <p>Owned by one thread at a time: the state updater while the task restores, the stream thread
 * while it runs; the hand-over goes through the updater's queues.
 */
public final class StateManager {

    private static final Logger log = LoggerFactory.getLogger(StateManager.class);

    /**
     * Write a checkpoint while running once a store moved this many changelog offsets past the
     * last one, and this long after it: each checkpoint flushes the stores to disk, so under
     * exactly-once (a commit every 100 ms) a checkpoint per commit would cost more than it saves.
     * A crash re-reads at most what the changelog got in that time.
     */
    static final long CHECKPOINT_DELTA = 10_000;
    static final long CHECKPOINT_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    /** One table's store and its place in the changelog. */
    static final class Changelog {
        final Table<?, ?> table;
        final TopicPartition partition;
        ByteStore store;
        /** The store holds every change before this changelog offset; null while not known (restore from the start). */
        Long offset;
        Long checkpointed;
        /** Where a restore ended: the changes before it come from the changelog and need no checkpoint soon. */
        Long restoredTo;
        /** Restore state, kept by the state updater. */
        long end = -1;
        boolean restored;
        long restoredRecords;

        Changelog(Table<?, ?> table, TopicPartition partition) {
            this.table = table;
            this.partition = partition;
        }

        @Override
        public String toString() {
            return "table " + table.name() + " (" + partition + ")";
        }
    }

    private final TaskId task;
    private final StoreProvider provider;
    private final Checkpoint checkpoint;
    private final Map<String, Changelog> changelogs = new LinkedHashMap<>();
    private final Map<TopicPartition, Changelog> byPartition = new LinkedHashMap<>();
    private boolean open;
    private boolean closed;
    private long lastCheckpointNanos = System.nanoTime();

    public StateManager(TaskId task, Topology topology, StoreProvider provider) {
        this.task = task;
        this.provider = provider;
        Path dir = provider.taskDir(task);
        this.checkpoint = dir == null ? null : new Checkpoint(dir);
        for (String name : topology.subTopologies().get(task.subTopology()).tables()) {
            Table<?, ?> table = topology.tables().get(name);
            Changelog c = new Changelog(table, new TopicPartition(table.changelogTopic().name(), task.partition()));
            changelogs.put(name, c);
            byPartition.put(c.partition, c);
        }
    }

    public TaskId task() {
        return task;
    }

    /** The changelog partitions of the task's stores. */
    public Set<TopicPartition> changelogPartitions() {
        return Collections.unmodifiableSet(byPartition.keySet());
    }

    /**
     * Opens every store not open yet and reads the checkpoint; a store created empty ignores
     * it. Idempotent.
     *
     * @throws StoreLockedException when a store is still held elsewhere; stores opened so far stay open
     */
    public void open() {
        if (open) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("The stores of task " + task + " are closed");
        }
        Map<String, Long> offsets = checkpoint == null ? Map.of() : checkpoint.read();
        for (Changelog c : changelogs.values()) {
            if (c.store != null) {
                continue;
            }
            StoreProvider.Opened opened = provider.open(task, c.table);
            c.store = opened.store();
            Long from = offsets.get(c.table.name());
            // Nothing on disk to build on (memory, a deleted or corrupt store): the checkpoint does not apply.
            c.offset = opened.empty() || !c.store.persistent() ? null : from;
            c.checkpointed = c.offset;
        }
        open = true;
    }

    public boolean isOpen() {
        return open;
    }

    /** Table name to store, for the task's engine; call after {@link #open()}. */
    public Map<String, ByteStore> stores() {
        Map<String, ByteStore> out = new LinkedHashMap<>();
        changelogs.forEach((name, c) -> out.put(name, c.store));
        return Collections.unmodifiableMap(out);
    }

    Collection<Changelog> changelogs() {
        return changelogs.values();
    }

    Changelog changelog(TopicPartition partition) {
        return byPartition.get(partition);
    }

    /** Marks every store as needing a restore check (after a reset the changelog may be ahead of the store). */
    public void resetRestoreState() {
        for (Changelog c : changelogs.values()) {
            c.restored = false;
            c.end = -1;
            c.restoredRecords = 0;
        }
    }

    /**
     * Records that the stores now hold every change before these changelog offsets: a commit
     * made its changelog records durable and wrote them to the stores.
     */
    public void committed(Map<TopicPartition, Long> nextOffsets) {
        nextOffsets.forEach((tp, next) -> {
            Changelog c = byPartition.get(tp);
            if (c != null && (c.offset == null || next > c.offset)) {
                c.offset = next;
            }
        });
    }

    /** The state updater caught the stores up with their changelogs. */
    void restoreCompleted() {
        for (Changelog c : changelogs.values()) {
            c.restoredTo = c.offset;
        }
    }

    /**
     * Whether a store moved far enough past its last checkpoint, or the end of its restore, to
     * write a new one: a crash then re-reads at most that much of the changelog.
     */
    public boolean checkpointDue() {
        if (checkpoint == null || System.nanoTime() - lastCheckpointNanos < CHECKPOINT_INTERVAL_NANOS) {
            return false;
        }
        for (Changelog c : changelogs.values()) {
            if (c.store == null || !c.store.persistent() || c.offset == null) {
                continue;
            }
            long since = Math.max(c.checkpointed == null ? -1 : c.checkpointed, c.restoredTo == null ? -1 : c.restoredTo);
            if (since < 0 || c.offset - since >= CHECKPOINT_DELTA) {
                return true;
            }
        }
        return false;
    }

    /**
     * Flushes the persistent stores to disk and then writes the checkpoint: every store's
     * changelog offset. Does nothing when nothing changed since the last one.
     */
    public void checkpoint() {
        if (checkpoint == null || !open) {
            return;
        }
        Map<String, Long> offsets = new LinkedHashMap<>();
        boolean changed = false;
        for (Changelog c : changelogs.values()) {
            if (c.store != null && c.store.persistent() && c.offset != null) {
                offsets.put(c.table.name(), c.offset);
                changed |= !c.offset.equals(c.checkpointed);
            }
        }
        if (!changed) {
            return;
        }
        for (Changelog c : changelogs.values()) {
            if (c.store != null && c.store.persistent()) {
                c.store.flush();
            }
        }
        checkpoint.write(offsets);
        lastCheckpointNanos = System.nanoTime();
        for (Changelog c : changelogs.values()) {
            if (offsets.containsKey(c.table.name())) {
                c.checkpointed = c.offset;
            }
        }
    }

    /** Deletes a store's data and opens it empty, to be restored from the changelog's start. */
    void wipe(Changelog c) {
        if (c.store != null) {
            c.store.close();
            c.store = null;
        }
        provider.wipe(task, c.table);
        StoreProvider.Opened opened = provider.open(task, c.table);
        c.store = opened.store();
        c.offset = null;
        c.checkpointed = null;
        c.restored = false;
        c.restoredRecords = 0;
    }

    /** Writes a last checkpoint (every store holds only durable changes, so this is right after a crash of the task too) and closes the stores. */
    public void close() {
        if (closed) {
            return;
        }
        try {
            checkpoint();
        } catch (RuntimeException e) {
            log.warn("Cannot checkpoint the stores of task {} before closing them; they are restored from an earlier"
                    + " checkpoint next time: {}", task, e.toString());
        } finally {
            closeStores();
        }
    }

    /** Closes the stores without a checkpoint: after a failure that may have left them with writes nobody committed. */
    public void closeWithoutCheckpoint() {
        if (!closed) {
            closeStores();
        }
    }

    private void closeStores() {
        closed = true;
        open = false;
        List<RuntimeException> failures = new ArrayList<>();
        for (Changelog c : changelogs.values()) {
            if (c.store != null) {
                try {
                    c.store.close();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
                c.store = null;
            }
        }
        if (!failures.isEmpty()) {
            log.warn("Closing the stores of task {} failed: {}", task, failures);
        }
    }

    /** For logs: the tables and their offsets. */
    @Override
    public String toString() {
        return "task " + task + " " + changelogs.values().stream().map(c -> c.table.name() + "@" + c.offset)
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
