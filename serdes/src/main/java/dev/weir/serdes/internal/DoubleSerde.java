package dev.weir.serdes.internal;

import java.nio.ByteBuffer;

/** The IEEE 754 bits, big-endian, as Kafka's {@code DoubleSerializer}. */
public final class DoubleSerde extends FixedWidthSerde<Double> {

    public static final DoubleSerde INSTANCE = new DoubleSerde();

    private DoubleSerde() {
        super("double", Double.BYTES);
    }

    @Override
    void write(ByteBuffer buffer, Double value) {
        // doubleToLongBits (not the raw variant) collapses every NaN to one pattern, as Kafka does.
        buffer.putLong(Double.doubleToLongBits(value));
    }

    @Override
    Double read(ByteBuffer buffer) {
        return Double.longBitsToDouble(buffer.getLong());
    }

    @Override
    public Double parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Double.valueOf(text.trim());
        } catch (NumberFormatException e) {
            throw new dev.weir.serdes.SerdeException("Cannot parse double: expected a decimal number, got \"" + text + "\"", e);
        }
    }
}
