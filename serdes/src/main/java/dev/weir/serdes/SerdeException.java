package dev.weir.serdes;

/**
 * Thrown when a value cannot be serialized or bytes cannot be deserialized. The message
 * says what was wrong (the field path, the expected and the actual type where known);
 * the runtime wraps it with the topic, partition and offset of the record.
 */
public class SerdeException extends RuntimeException {

    /** An error described by {@code message}, which says what was expected and what was found. */
    public SerdeException(String message) {
        super(message);
    }

    /** An error described by {@code message}, caused by {@code cause} (e.g. the parser's exception). */
    public SerdeException(String message, Throwable cause) {
        super(message, cause);
    }
}
