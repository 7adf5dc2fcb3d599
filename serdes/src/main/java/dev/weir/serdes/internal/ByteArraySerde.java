package dev.weir.serdes.internal;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;

/** Passes the array through uncopied, as Kafka's {@code ByteArraySerializer}. */
public final class ByteArraySerde implements Serde<byte[]> {

    public static final ByteArraySerde INSTANCE = new ByteArraySerde();

    private ByteArraySerde() {
    }

    @Override
    public byte[] serialize(String topic, Headers headers, byte[] value) {
        return value;
    }

    @Override
    public byte[] deserialize(String topic, Headers headers, byte[] data) {
        return data;
    }

    /** The text's UTF-8 bytes. */
    @Override
    public byte[] parse(String text) {
        return text == null ? null : text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String describe() {
        return "bytes";
    }

    @Override
    public String toString() {
        return describe();
    }
}
