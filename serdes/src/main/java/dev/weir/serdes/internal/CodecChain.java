package dev.weir.serdes.internal;

import dev.weir.serdes.Codec;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import java.util.ArrayList;
import java.util.List;

/**
 * A format serde followed by byte codecs, nearest to the format first. Describes itself in
 * Faust's outer-first order: {@code gzip|binary|json(Purchase)}.
 */
public final class CodecChain<T> implements Serde<T> {

    private final Serde<T> format;
    private final Codec[] codecs;
    private final String description;

    private CodecChain(Serde<T> format, List<Codec> codecsNearestFirst) {
        this.format = format;
        this.codecs = codecsNearestFirst.toArray(new Codec[0]);
        StringBuilder d = new StringBuilder();
        for (int i = codecs.length - 1; i >= 0; i--) {
            d.append(codecs[i].name()).append('|');
        }
        this.description = d.append(format.describe()).toString();
    }

    /** {@code serde} followed by {@code codecs}; a chain given as {@code serde} is extended, not nested. */
    public static <T> CodecChain<T> of(Serde<T> serde, List<Codec> codecsNearestFirst) {
        if (serde instanceof CodecChain<T> chain) {
            List<Codec> all = new ArrayList<>(List.of(chain.codecs));
            all.addAll(codecsNearestFirst);
            return new CodecChain<>(chain.format, all);
        }
        return new CodecChain<>(serde, codecsNearestFirst);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T value) {
        byte[] data = format.serialize(topic, headers, value);
        if (data == null) {
            return null;
        }
        for (Codec codec : codecs) {
            try {
                data = requireResult(codec.encode(data), codec, "encode");
            } catch (RuntimeException e) {
                throw new SerdeException("Cannot serialize " + description + " at element \"" + codec.name() + "\": "
                        + e.getMessage(), e);
            }
        }
        return data;
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return format.deserialize(topic, headers, null);
        }
        byte[] bytes = data;
        for (int i = codecs.length - 1; i >= 0; i--) {
            try {
                bytes = requireResult(codecs[i].decode(bytes), codecs[i], "decode");
            } catch (RuntimeException e) {
                throw new SerdeException("Cannot deserialize " + description + " at element \"" + codecs[i].name() + "\": "
                        + e.getMessage(), e);
            }
        }
        return format.deserialize(topic, headers, bytes);
    }

    private static byte[] requireResult(byte[] result, Codec codec, String operation) {
        if (result == null) {
            throw new SerdeException("codec \"" + codec.name() + "\" (" + codec.getClass().getName() + ") returned null from "
                    + operation + "; a codec must return bytes for non-null input");
        }
        return result;
    }

    /** Reads the text with the chain's format; the codecs only apply to bytes. */
    @Override
    public T parse(String text) {
        return format.parse(text);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
