package dev.weir.runtime;

/**
 * What a worker does with a record it cannot process: bytes that do not deserialize, an
 * exception in user code, output that does not serialize. Whatever the policy, a record is
 * never dropped silently.
 */
public enum ErrorPolicy {

    /**
     * Stop the worker. The message names topic, partition, offset, node and reason; the failed
     * record's offset is not committed, so a restarted worker reads it again. The default.
     */
    FAIL,

    /** Log the failure at WARN with its location and reason, count it, and go on with the next record. */
    SKIP,

    /**
     * Send the record's original key and value bytes to the dead-letter topic with headers that
     * say where it came from and why it failed ({@code weir.error.*}), count it, and go on.
     */
    DEAD_LETTER
}
