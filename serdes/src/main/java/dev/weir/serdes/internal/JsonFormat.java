package dev.weir.serdes.internal;

import dev.weir.serdes.Format;
import dev.weir.serdes.Serde;
import dev.weir.serdes.Serdes;

/** The "json" format: {@link Serdes#json(Class)} for any type. */
public final class JsonFormat implements Format {

    public static final JsonFormat INSTANCE = new JsonFormat();

    private JsonFormat() {
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public <T> Serde<T> serde(Class<T> type) {
        return Serdes.json(type);
    }

    @Override
    public String toString() {
        return name();
    }
}
