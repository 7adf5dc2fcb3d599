package dev.weir.serdes.internal;

import java.nio.ByteBuffer;

/** 4 bytes, big-endian, as Kafka's {@code IntegerSerializer}. */
public final class IntegerSerde extends FixedWidthSerde<Integer> {

    public static final IntegerSerde INSTANCE = new IntegerSerde();

    private IntegerSerde() {
        super("int", Integer.BYTES);
    }

    @Override
    void write(ByteBuffer buffer, Integer value) {
        buffer.putInt(value);
    }

    @Override
    Integer read(ByteBuffer buffer) {
        return buffer.getInt();
    }

    @Override
    public Integer parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            throw new dev.weir.serdes.SerdeException("Cannot parse int: expected a decimal number, got \"" + text + "\"", e);
        }
    }
}
