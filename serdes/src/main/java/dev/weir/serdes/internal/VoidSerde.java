package dev.weir.serdes.internal;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;

/** Always null, as Kafka's {@code VoidSerializer}. */
public final class VoidSerde implements Serde<Void> {

    public static final VoidSerde INSTANCE = new VoidSerde();

    private VoidSerde() {
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Void value) {
        return null;
    }

    @Override
    public Void deserialize(String topic, Headers headers, byte[] data) {
        if (data != null) {
            throw new SerdeException("Cannot deserialize void: expected null, got " + data.length + " bytes");
        }
        return null;
    }

    @Override
    public Void parse(String text) {
        if (text == null || text.isEmpty() || text.equals("null")) {
            return null;
        }
        throw new SerdeException("Cannot parse void: expected no text or \"null\", got \"" + text + "\"");
    }

    @Override
    public String describe() {
        return "void";
    }

    @Override
    public String toString() {
        return describe();
    }
}
