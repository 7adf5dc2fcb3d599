package dev.weir.serdes.avro.internal;

import java.io.OutputStream;
import java.util.Arrays;

/** An unsynchronized, reusable ByteArrayOutputStream: one per thread, reset for each record. */
final class ByteOutput extends OutputStream {

    private byte[] buffer;
    private int count;

    ByteOutput(int capacity) {
        buffer = new byte[capacity];
    }

    @Override
    public void write(int b) {
        ensure(count + 1);
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        ensure(count + length);
        System.arraycopy(bytes, offset, buffer, count, length);
        count += length;
    }

    void reset() {
        count = 0;
    }

    int capacity() {
        return buffer.length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, count);
    }

    private void ensure(int needed) {
        if (needed > buffer.length) {
            if (needed < 0) {
                throw new OutOfMemoryError("an Avro record larger than 2 GiB");
            }
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
    }
}
