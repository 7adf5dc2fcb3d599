package dev.weir.serdes.internal;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import java.nio.ByteBuffer;

/**
 * A number in a fixed number of big-endian bytes, the wire format of Kafka's
 * {@code LongSerializer}, {@code IntegerSerializer} and {@code DoubleSerializer}.
 */
abstract class FixedWidthSerde<T> implements Serde<T> {

    private final String name;
    private final int width;

    FixedWidthSerde(String name, int width) {
        this.name = name;
        this.width = width;
    }

    abstract void write(ByteBuffer buffer, T value);

    abstract T read(ByteBuffer buffer);

    @Override
    public final byte[] serialize(String topic, Headers headers, T value) {
        if (value == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate(width);
        write(buffer, value);
        return buffer.array();
    }

    @Override
    public final T deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length != width) {
            throw new SerdeException("Cannot deserialize " + name + ": expected " + width + " bytes, got " + data.length);
        }
        return read(ByteBuffer.wrap(data));
    }

    @Override
    public final String describe() {
        return name;
    }

    @Override
    public final String toString() {
        return name;
    }
}
