package dev.weir.serdes.avro;

/**
 * A {@link SchemaRegistry} could not answer: it was unreachable, refused the credentials,
 * rejected a schema, or answered something that is not a schema. Not thrown for ids,
 * subjects or versions that do not exist.
 *
 * <p>A serde passes this exception through unwrapped rather than as a
 * {@link dev.weir.serdes.SerdeException}: the record is not at fault, and retrying later may
 * succeed. Messages name the registry by its URL, never by its credentials.
 */
public class SchemaRegistryException extends RuntimeException {

    /** A failure described by {@code message}. */
    public SchemaRegistryException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
