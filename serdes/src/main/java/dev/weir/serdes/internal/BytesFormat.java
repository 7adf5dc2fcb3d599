package dev.weir.serdes.internal;

import dev.weir.serdes.Format;
import dev.weir.serdes.Serde;

/** The "bytes" format: {@code byte[]} passed through, for {@code byte[]} only. */
public final class BytesFormat implements Format {

    public static final BytesFormat INSTANCE = new BytesFormat();

    private BytesFormat() {
    }

    @Override
    public String name() {
        return "bytes";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Serde<T> serde(Class<T> type) {
        if (type != byte[].class) {
            throw new IllegalArgumentException("format \"bytes\" serializes byte[] only, not " + type.getTypeName()
                    + "; use \"json\" for records and POJOs or \"string\" for text");
        }
        return (Serde<T>) ByteArraySerde.INSTANCE;
    }

    @Override
    public String toString() {
        return name();
    }
}
