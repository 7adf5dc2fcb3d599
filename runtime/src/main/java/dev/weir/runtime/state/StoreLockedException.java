package dev.weir.runtime.state;

/**
 * A store's directory is held by another owner (a task of this worker that has not finished
 * closing, or another process), or the store cannot be opened for the moment (too many open
 * files). Its data is fine: the caller waits and retries, and reports the message when that
 * takes too long.
 */
public final class StoreLockedException extends RuntimeException {

    StoreLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
