package dev.weir.dsl;

/**
 * Called once a window of a windowed table is closed: stream time passed its end plus the
 * grace period, so no record can change it any more. Runs in the task that holds the key,
 * with the window's final value. Under at-least-once, a worker that crashes may call it again
 * for a window after it restarts.
 */
@FunctionalInterface
public interface WindowCloseCallback<K, V> {

    void onWindowClose(K key, Window window, V finalValue) throws Exception;
}
