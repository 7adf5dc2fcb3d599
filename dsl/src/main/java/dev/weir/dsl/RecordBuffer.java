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
}
