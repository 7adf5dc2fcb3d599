package dev.weir.serdes.internal;

import dev.weir.serdes.Format;
import dev.weir.serdes.Serde;

/** The "string" format: UTF-8 text, for {@code String} only. */
public final class StringFormat implements Format {

    public static final StringFormat INSTANCE = new StringFormat();

    private StringFormat() {
    }

    @Override
    public String name() {
        return "string";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Serde<T> serde(Class<T> type) {
        if (type != String.class) {
            throw new IllegalArgumentException("format \"string\" serializes java.lang.String only, not " + type.getName()
                    + "; use \"json\" for records and POJOs");
        }
        return (Serde<T>) StringSerde.INSTANCE;
    }

    @Override
    public String toString() {
        return name();
    }
}
