package dev.weir.serdes;

/**
 * Turns values of one type into bytes and back, for the key or the value of a Kafka record.
 *
 * <p>Both directions see the topic and the record's headers, so a serde can write or read
 * a schema reference in a header. {@code null} maps to {@code null} in both directions
 * unless a serde documents otherwise (Kafka uses a null value as a tombstone).
 *
 * <p>Implementations must be thread-safe: one instance serves every task of a worker.
 * A deserializer that meets bad input throws {@link SerdeException} with a message that
 * says what was expected and what was found; the runtime adds topic, partition and offset.
 *
 * @param <T> the type of the values
 */
public interface Serde<T> {

    /**
     * Serializes {@code value} for a record of {@code topic}.
     *
     * @param topic   the topic the record goes to; may be null outside Kafka
     * @param headers the record's headers; a serde may add to them
     * @param value   the value; may be null
     * @return the bytes, or null for a null value
     * @throws SerdeException when the value cannot be represented
     */
    byte[] serialize(String topic, Headers headers, T value);

    /**
     * Deserializes bytes read from {@code topic}.
     *
     * @throws SerdeException when the bytes are not a valid encoding, naming what was wrong
     */
    T deserialize(String topic, Headers headers, byte[] data);

    /**
     * Reads a value from its text form, as typed on a command line (the CLI's {@code send}):
     * the text itself for {@code string}, a decimal number for {@code long}, {@code int} and
     * {@code double}, JSON for {@code json(...)}; a chain reads the text with its format.
     *
     * @throws UnsupportedOperationException when this serde has no text form
     * @throws SerdeException                when the text is not a valid value, naming what was expected
     */
    default T parse(String text) {
        throw new UnsupportedOperationException("Serde " + describe() + " has no text form; send its bytes with a Kafka producer instead");
    }

    /** Serializes without a topic or headers. */
    default byte[] serialize(T value) {
        return serialize(null, Headers.create(), value);
    }

    /** Deserializes without a topic or headers. */
    default T deserialize(byte[] data) {
        return deserialize(null, Headers.create(), data);
    }

    /**
     * A short description used by {@code describe()} and error messages, e.g. {@code string},
     * {@code json(Purchase)}, {@code binary|json(Purchase)}.
     */
    default String describe() {
        return getClass().getSimpleName();
    }

    /**
     * This serde followed by a byte codec: serializing applies this serde, then {@code codec};
     * deserializing decodes with {@code codec} first. {@code Serdes.json(Purchase.class).then(Codecs.base64())}
     * is the chain Faust spells {@code json|binary} (and {@code binary|json}).
     */
    default Serde<T> then(Codec codec) {
        return Serdes.withCodecs(this, java.util.List.of(codec));
    }
}
