package dev.weir.serdes;

/**
 * A bytes-to-bytes transformation in a serde chain, such as base64 ("binary") or gzip.
 * Codecs sit between a format (which turns objects into bytes) and Kafka.
 *
 * <p>Implementations must be thread-safe. {@link #decode} throws {@link SerdeException}
 * naming the codec when its input is not valid.
 */
public interface Codec {

    /** The name this codec has in chain strings such as {@code binary|json}. */
    String name();

    /** Encodes bytes produced by the format (or by the codec nearer to it). */
    byte[] encode(byte[] data);

    /** Reverses {@link #encode}. */
    byte[] decode(byte[] data);
}
