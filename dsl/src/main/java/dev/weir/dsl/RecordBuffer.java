package dev.weir.dsl;

import java.util.Map;

/**
 * Implemented by a {@link Processor} that keeps input records in memory after
 * {@code process} returns (a batch, a buffer). The runtime asks it, before every commit, for
 * the lowest offset it still holds per source topic and never commits input offsets at or past
 * that offset, so a crash re-reads held records instead of losing them (at-least-once).
 * Weir's own {@link Stream#take take} is one.
 */
public interface RecordBuffer {

    /**
     * For each source topic of this task, the lowest offset of an input record this processor
     * holds and has not yet forwarded; an empty map when it holds none.
     */
    Map<String, Long> heldOffsets();

    /**
     * Forwards what the processor holds now. The runtime calls it when the task is about to
     * commit and give up its partitions cleanly (a rebalance moves it, the worker shuts down),
     * so that held records are processed and committed here rather than read again by the next
     * owner. Not called when a task is lost without a commit (then held records are read again).
     * Does nothing by default.
     */
    default void flush() {
    }
}
