package dev.weir.serdes;

import dev.weir.serdes.internal.ByteArraySerde;
import dev.weir.serdes.internal.CodecChain;
import dev.weir.serdes.internal.DoubleSerde;
import dev.weir.serdes.internal.IntegerSerde;
import dev.weir.serdes.internal.JsonSerde;
import dev.weir.serdes.internal.LongSerde;
import dev.weir.serdes.internal.StringSerde;
import dev.weir.serdes.internal.UuidSerde;
import dev.weir.serdes.internal.VoidSerde;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The built-in serdes. Every serde returned here is thread-safe, maps {@code null} to
 * {@code null} in both directions, and throws {@link SerdeException} on bad input.
 *
 * <p>The primitive serdes write the same bytes as Kafka's own serializers, so Weir can read
 * topics written by other Kafka clients and the other way round.
 *
 * <pre>{@code
 * app.topic("purchases", Serdes.string(), Serdes.json(Purchase.class));
 * app.topic("purchases-b64", Serdes.string(), Serdes.chain("binary|json", Purchase.class));
 * }</pre>
 */
public final class Serdes {

    private Serdes() {
    }

    /**
     * UTF-8 text, as Kafka's {@code StringSerializer}. Bytes that are not valid UTF-8 decode
     * with replacement characters, as in Kafka. {@code describe()} is {@code string}.
     */
    public static Serde<String> string() {
        return StringSerde.INSTANCE;
    }

    /**
     * 8 bytes, big-endian, as Kafka's {@code LongSerializer}. Deserializing any other length
     * throws {@link SerdeException}. {@code describe()} is {@code long}.
     */
    public static Serde<Long> longs() {
        return LongSerde.INSTANCE;
    }

    /**
     * 4 bytes, big-endian, as Kafka's {@code IntegerSerializer}. Deserializing any other length
     * throws {@link SerdeException}. {@code describe()} is {@code int}.
     */
    public static Serde<Integer> ints() {
        return IntegerSerde.INSTANCE;
    }

    /**
     * The 8 bytes of the IEEE 754 bit pattern, big-endian, as Kafka's {@code DoubleSerializer}.
     * Deserializing any other length throws {@link SerdeException}. {@code describe()} is
     * {@code double}.
     */
    public static Serde<Double> doubles() {
        return DoubleSerde.INSTANCE;
    }

    /**
     * The bytes themselves, as Kafka's {@code ByteArraySerializer}: the array is neither copied
     * nor changed, so do not modify it after handing it over. {@code describe()} is {@code bytes}.
     */
    public static Serde<byte[]> bytes() {
        return ByteArraySerde.INSTANCE;
    }

    /**
     * The UUID's 36-character string form in UTF-8, as Kafka's {@code UUIDSerializer}.
     * Deserializing text that is not a UUID throws {@link SerdeException}. {@code describe()}
     * is {@code uuid}.
     */
    public static Serde<UUID> uuid() {
        return UuidSerde.INSTANCE;
    }

    /**
     * For keys or values that are always null, as Kafka's {@code VoidSerializer}. Deserializing
     * anything but null throws {@link SerdeException}. {@code describe()} is {@code void}.
     */
    public static Serde<Void> voids() {
        return VoidSerde.INSTANCE;
    }

    /**
     * JSON for a record or POJO, read strictly ({@link JsonOptions#strict()}): a missing or
     * unknown field, a value of the wrong JSON type and malformed JSON each throw
     * {@link SerdeException} naming the field path, the expected type and the actual value,
     * e.g. {@code Cannot deserialize json(Purchase): field "amount" expected int, got string "12x"}.
     *
     * <p>java.time types are written as ISO-8601 strings and {@link java.util.Optional} as its
     * value or null. Only {@code type} and the types of its fields are ever instantiated: class
     * names in the payload are refused. {@code describe()} is {@code json(Purchase)}.
     */
    public static <T> Serde<T> json(Class<T> type) {
        return json(type, JsonOptions.strict());
    }

    /**
     * JSON for a record or POJO, read as {@code options} say; see {@link #json(Class)}.
     *
     * <pre>{@code
     * Serdes.json(Purchase.class, JsonOptions.strict().allowUnknownFields())
     * }</pre>
     */
    public static <T> Serde<T> json(Class<T> type, JsonOptions options) {
        return new JsonSerde<>(Objects.requireNonNull(type, "type"), Objects.requireNonNull(options, "options"));
    }

    /**
     * A serde for Faust's chain syntax, resolved with {@link SerdeRegistry#defaults()}: one
     * format at either end and byte codecs applied outward from it, so {@code "binary|json"}
     * and {@code "json|binary"} both mean JSON, then Base64. See {@link SerdeRegistry#chain}.
     *
     * @throws IllegalArgumentException when the chain is malformed or names an unknown codec or
     *                                  format, or the format cannot represent {@code type}
     */
    public static <T> Serde<T> chain(String spec, Class<T> type) {
        return SerdeRegistry.defaults().chain(spec, type);
    }

    /**
     * {@code serde} followed by {@code codecs}: serializing applies {@code serde}, then each codec
     * in list order; deserializing decodes in reverse order, then applies {@code serde}. If
     * {@code serde} is itself a chain, the codecs are appended to it. {@code describe()} lists
     * the outermost codec first, as Faust does: {@code gzip|binary|json(Purchase)}.
     *
     * <pre>{@code
     * Serdes.withCodecs(Serdes.json(Purchase.class), List.of(Codecs.base64(), Codecs.gzip()))
     * // same bytes as Serdes.chain("gzip|binary|json", Purchase.class)
     * }</pre>
     */
    public static <T> Serde<T> withCodecs(Serde<T> serde, List<Codec> codecs) {
        Objects.requireNonNull(serde, "serde");
        Objects.requireNonNull(codecs, "codecs");
        for (int i = 0; i < codecs.size(); i++) {
            Objects.requireNonNull(codecs.get(i), "codecs[" + i + "]");
        }
        if (codecs.isEmpty()) {
            return serde;
        }
        return CodecChain.of(serde, codecs);
    }
}
