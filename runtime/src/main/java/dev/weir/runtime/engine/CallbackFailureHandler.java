package dev.weir.runtime.engine;

/**
 * What the host does when code fails outside the processing of an input record: a scheduled
 * callback ({@code take(n, within)} emitting, a punctuator), a window close callback, a buffer
 * emitted when its task is suspended. There is no input record to skip; the host's error
 * policy decides whether the task goes on.
 */
@FunctionalInterface
public interface CallbackFailureHandler {

    /**
     * Handles one failure. Returning means "go on with the next callback"; throwing stops the
     * task's thread.
     *
     * @param key   the serialized key the callback was about (a closing window's table key), or null
     * @param value the serialized value it was about (the window's final value), or null
     */
    void failed(RecordProcessingException failure, byte[] key, byte[] value);

    /** Rethrows every failure: for hosts whose error policy is "fail". */
    static CallbackFailureHandler rethrow() {
        return (failure, key, value) -> {
            throw failure;
        };
    }
}
