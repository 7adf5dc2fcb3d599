package dev.weir.serdes.avro.internal;

import dev.weir.serdes.Headers;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Avro's single-object encoding: the marker {@code 0xC3 0x01}, the writer schema's 8-byte
 * little-endian CRC-64-AVRO fingerprint, then the binary record. Writer schemas other than
 * the serde's own come from a {@link SchemaStore} by fingerprint.
 */
public final class SingleObjectAvroSerde<T> extends AvroSerde<T> {

    static final int MARKER_0 = 0xC3;
    static final int MARKER_1 = 0x01;
    static final int HEADER_LENGTH = 10;

    private final SchemaStore store;
    private final byte[] header;
    private final ConcurrentMap<Long, Resolution<T>> byFingerprint = new ConcurrentHashMap<>();

    public SingleObjectAvroSerde(AvroModel<T> model, SchemaStore store) {
        super(model, "single-object");
        this.store = store;
        long fp = model.fingerprint();
        this.header = new byte[HEADER_LENGTH];
        header[0] = (byte) MARKER_0;
        header[1] = (byte) MARKER_1;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fp >>> (8 * i));
        }
    }

    @Override
    protected byte[] header(String topic) {
        return header;
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < 2) {
            throw failure(data.length == 0
                    ? "empty data, expected the single-object marker 0xC3 0x01"
                    : "truncated: needed the 2-byte single-object marker 0xC3 0x01, got 1 byte");
        }
        if ((data[0] & 0xff) != MARKER_0 || (data[1] & 0xff) != MARKER_1) {
            throw failure("expected the single-object marker 0xC3 0x01, got "
                    + ((data[0] & 0xff) == MARKER_0 ? String.format("0xc3 0x%02x", data[1] & 0xff) : SchemaLabels.byteGuess(data[0])));
        }
        if (data.length < HEADER_LENGTH) {
            throw failure("truncated: needed 8 bytes of fingerprint, got " + (data.length - 2));
        }
        long fp = 0;
        for (int i = 0; i < 8; i++) {
            fp |= (data[2 + i] & 0xffL) << (8 * i);
        }
        return decode(fp == model.fingerprint() ? own : resolution(fp), data, HEADER_LENGTH);
    }

    private Resolution<T> resolution(long fingerprint) {
        Resolution<T> known = byFingerprint.get(fingerprint);
        if (known != null) {
            return known;
        }
        Schema writer = store.findByFingerprint(fingerprint);
        if (writer == null) {
            // Not cached: the store may learn the schema later.
            throw failure("unknown writer schema fingerprint " + SchemaLabels.hex(fingerprint) + ": it is not the reader schema's ("
                    + SchemaLabels.label(model.schema()) + ") and the schema store has no schema with it");
        }
        Resolution<T> resolved = Resolution.resolve(model, writer, SchemaLabels.label(writer));
        byFingerprint.putIfAbsent(fingerprint, resolved);
        return resolved;
    }
}
