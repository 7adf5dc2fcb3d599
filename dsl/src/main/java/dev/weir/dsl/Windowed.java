package dev.weir.dsl;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The key of a windowed aggregate's output record: the table's key and the window the value
 * belongs to, as Kafka Streams' {@code Windowed<K>}. Downstream and the testkit tell windows apart
 * by it.
 *
 * <pre>{@code
 * Topic<Windowed<String>, Long> perMinuteTopic =
 *         app.topic("clicks-per-minute", Windowed.serde(Serdes.string()), Serdes.longs());
 * app.stream(clicks).groupBy(ClickEvent::uri, Serdes.string(), "by-uri").count(perMinute).to(perMinuteTopic);
 * }</pre>
 *
 * @param key    the table's key
 * @param window the window, start inclusive and end exclusive, in epoch milliseconds
 * @param <K>    key type
 */
public record Windowed<K>(K key, Window window) {

    /** Bytes a serialized windowed key adds to its key's bytes: the window's start and end. */
    public static final int WINDOW_BYTES = 16;

    public Windowed {
        Objects.requireNonNull(window, "window");
    }

    /** The window's start (inclusive), epoch milliseconds. */
    public long start() {
        return window.start();
    }

    /** The window's end (exclusive), epoch milliseconds. */
    public long end() {
        return window.end();
    }

    /**
     * The serde of windowed keys. Bytes: the key as {@code keySerde} writes it, then the window's
     * start and its end, each an 8-byte big-endian count of epoch milliseconds; so the key's bytes
     * are all but the last 16, and a consumer in any language can read it.
     */
    public static <K> Serde<Windowed<K>> serde(Serde<K> keySerde) {
        Objects.requireNonNull(keySerde, "keySerde");
        return new Serde<>() {
            @Override
            public byte[] serialize(String topic, Headers headers, Windowed<K> value) {
                if (value == null) {
                    return null;
                }
                byte[] key = keySerde.serialize(topic, headers, value.key());
                int length = key == null ? 0 : key.length;
                ByteBuffer out = ByteBuffer.allocate(length + WINDOW_BYTES);
                if (key != null) {
                    out.put(key);
                }
                return out.putLong(value.start()).putLong(value.end()).array();
            }

            @Override
            public Windowed<K> deserialize(String topic, Headers headers, byte[] data) {
                if (data == null) {
                    return null;
                }
                if (data.length < WINDOW_BYTES) {
                    throw new SerdeException("Cannot deserialize " + describe() + (topic == null ? "" : " from topic \"" + topic + "\"")
                            + ": " + data.length + " bytes, but a windowed key ends with 16 bytes of window start and end;"
                            + " was it written with Windowed.serde(...)?");
                }
                ByteBuffer in = ByteBuffer.wrap(data, data.length - WINDOW_BYTES, WINDOW_BYTES);
                long start = in.getLong();
                long end = in.getLong();
                if (end <= start) {
                    throw new SerdeException("Cannot deserialize " + describe() + (topic == null ? "" : " from topic \"" + topic + "\"")
                            + ": the window ends (" + end + ") before it starts (" + start + ")");
                }
                K key = keySerde.deserialize(topic, headers, Arrays.copyOf(data, data.length - WINDOW_BYTES));
                return new Windowed<>(key, new Window(start, end));
            }

            @Override
            public String describe() {
                return "windowed(" + keySerde.describe() + ")";
            }
        };
    }

    @Override
    public String toString() {
        return key + "@" + window;
    }
}
