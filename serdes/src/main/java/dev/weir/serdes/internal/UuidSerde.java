package dev.weir.serdes.internal;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The UUID's string form in UTF-8, as Kafka's {@code UUIDSerializer}. */
public final class UuidSerde implements Serde<UUID> {

    public static final UuidSerde INSTANCE = new UuidSerde();

    private UuidSerde() {
    }

    @Override
    public byte[] serialize(String topic, Headers headers, UUID value) {
        return value == null ? null : value.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public UUID deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new SerdeException("Cannot deserialize uuid: expected text like 123e4567-e89b-12d3-a456-426614174000, got "
                    + JsonValueText.quote(text), e);
        }
    }

    @Override
    public UUID parse(String text) {
        return text == null ? null : deserialize(null, Headers.create(), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String describe() {
        return "uuid";
    }

    @Override
    public String toString() {
        return describe();
    }
}
