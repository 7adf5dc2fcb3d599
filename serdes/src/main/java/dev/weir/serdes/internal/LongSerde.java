package dev.weir.serdes.internal;

import java.nio.ByteBuffer;

/** 8 bytes, big-endian, as Kafka's {@code LongSerializer}. */
public final class LongSerde extends FixedWidthSerde<Long> {

    public static final LongSerde INSTANCE = new LongSerde();

    private LongSerde() {
        super("long", Long.BYTES);
    }

    @Override
    void write(ByteBuffer buffer, Long value) {
        buffer.putLong(value);
    }

    @Override
    Long read(ByteBuffer buffer) {
        return buffer.getLong();
    }

    @Override
    public Long parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.valueOf(text.trim());
        } catch (NumberFormatException e) {
            throw new dev.weir.serdes.SerdeException("Cannot parse long: expected a decimal number, got \"" + text + "\"", e);
        }
    }
}
