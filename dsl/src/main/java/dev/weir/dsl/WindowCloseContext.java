package dev.weir.dsl;

/**
 * What a window close callback can do besides reading the closed window: send records to any
 * topic of the app, as an agent's context does. Records sent from it are part of the task's
 * output: committed with it (in its transaction under exactly-once).
 */
public interface WindowCloseContext {

    /** The task closing the window, e.g. {@code 1_3}. */
    String taskId();

    /** The table's event-time clock that closed the window. */
    long currentStreamTime();

    /** The task's wall-clock time in epoch millis; the testkit controls it. */
    long currentWallClockTime();

    /**
     * Sends a record to {@code topic} with the topic's serdes, timestamped with the closed
     * window's last millisecond and without headers.
     */
    <K, V> void send(Topic<K, V> topic, K key, V value);
}
