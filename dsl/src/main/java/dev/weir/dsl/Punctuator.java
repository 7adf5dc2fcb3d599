package dev.weir.dsl;

/** A callback scheduled with {@link ProcessorContext#schedule}. */
@FunctionalInterface
public interface Punctuator {

    /** @param wallClockTime the task's wall-clock time in epoch millis when the callback runs */
    void punctuate(long wallClockTime) throws Exception;
}
