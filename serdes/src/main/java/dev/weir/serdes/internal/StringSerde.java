package dev.weir.serdes.internal;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import java.nio.charset.StandardCharsets;

/** UTF-8 text, byte-compatible with Kafka's {@code StringSerializer}. */
public final class StringSerde implements Serde<String> {

    public static final StringSerde INSTANCE = new StringSerde();

    private StringSerde() {
    }

    @Override
    public byte[] serialize(String topic, Headers headers, String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String deserialize(String topic, Headers headers, byte[] data) {
        return data == null ? null : new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String parse(String text) {
        return text;
    }

    @Override
    public String describe() {
        return "string";
    }

    @Override
    public String toString() {
        return describe();
    }
}
