package dev.weir.runtime;

/**
 * A worker cannot start or had to stop: missing or not co-partitioned topics, a record that
 * failed under {@link ErrorPolicy#FAIL}, a send Kafka refused. The message says what and
 * where; the cause carries the details.
 */
public class WorkerException extends RuntimeException {

    public WorkerException(String message) {
        super(message);
    }

    public WorkerException(String message, Throwable cause) {
        super(message, cause);
    }
}
