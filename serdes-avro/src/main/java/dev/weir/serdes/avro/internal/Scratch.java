package dev.weir.serdes.avro.internal;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;

/**
 * Per-thread encoder, decoder and output buffer, reused across records and serdes as Avro's
 * factories intend. A serde used again while the thread's scratch is in use (an Avro
 * conversion or a record constructor that itself (de)serializes) gets fresh ones.
 */
final class Scratch {

    /** Buffers that grew past this for one large record are dropped rather than kept per thread. */
    private static final int MAX_RETAINED_BYTES = 1 << 20;
    private static final int INITIAL_BYTES = 512;

    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

    ByteOutput output = new ByteOutput(INITIAL_BYTES);
    BinaryEncoder encoder;
    BinaryDecoder decoder;
    private boolean busy;

    /** This thread's scratch, marked in use, or a fresh one when it is in use already. Give it back with {@link #release()}. */
    static Scratch acquire() {
        Scratch scratch = PER_THREAD.get();
        if (scratch.busy) {
            Scratch fresh = new Scratch();
            fresh.busy = true;
            return fresh;
        }
        scratch.busy = true;
        return scratch;
    }

    void release() {
        busy = false;
        if (output.capacity() > MAX_RETAINED_BYTES) {
            output = new ByteOutput(INITIAL_BYTES);
            encoder = null; // bound to the dropped output
        }
    }
}
