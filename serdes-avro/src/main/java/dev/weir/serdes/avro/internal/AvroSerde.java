package dev.weir.serdes.avro.internal;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import dev.weir.serdes.avro.SchemaRegistryException;
import java.io.EOFException;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * What every Avro serde shares: Avro's binary encoding of the value behind a framing-specific
 * header, and decoding that turns Avro's exceptions into {@link SerdeException}s naming the
 * writer schema. Subclasses write and parse the header.
 */
abstract class AvroSerde<T> implements Serde<T> {

    private static final EncoderFactory ENCODERS = EncoderFactory.get();
    private static final DecoderFactory DECODERS = DecoderFactory.get();

    protected final AvroModel<T> model;
    protected final DatumWriter<T> writer;
    /** Reads data written with the reader schema itself: the common case, with no lookup. */
    protected final Resolution<T> own;
    private final String description;
    private final String deserializeError;
    private final String serializeError;

    AvroSerde(AvroModel<T> model, String framing) {
        this.model = model;
        this.writer = model.writer();
        this.own = Resolution.of(model.reader(model.schema()), SchemaLabels.label(model.schema()));
        this.description = "avro(" + model.typeName() + ", " + framing + ")";
        this.deserializeError = "Cannot deserialize " + description + ": ";
        this.serializeError = "Cannot serialize " + description + ": ";
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T value) {
        if (value == null) {
            return null;
        }
        byte[] header = header(topic);
        return encode(header, writer, value);
    }

    /** The bytes in front of the record for {@code topic}; may throw SerdeException or SchemaRegistryException. */
    protected abstract byte[] header(String topic);

    /** Writes {@code header}, then {@code value} with {@code datumWriter}. */
    protected final <V> byte[] encode(byte[] header, DatumWriter<V> datumWriter, V value) {
        Scratch scratch = Scratch.acquire();
        try {
            // The thread's encoder stays bound to the thread's output: rebinding it for every
            // record (EncoderFactory.binaryEncoder with reuse) allocates a channel each time.
            BinaryEncoder encoder = scratch.encoder;
            if (encoder == null) {
                encoder = ENCODERS.binaryEncoder(scratch.output, null);
                scratch.encoder = encoder;
            }
            scratch.output.reset();
            if (header.length > 0) {
                encoder.writeFixed(header);
            }
            datumWriter.write(value, encoder);
            encoder.flush();
            return scratch.output.toByteArray();
        } catch (IOException | RuntimeException e) {
            // A failed write leaves bytes in the encoder's buffer; the next record gets a new encoder.
            scratch.encoder = null;
            throw serializationFailure(e);
        } finally {
            scratch.release();
        }
    }

    /** Serialization failed: Avro's message names the field (e.g. {@code null value for (non-nullable) string at Click.email}). */
    protected final SerdeException serializationFailure(Exception e) {
        if (e instanceof SerdeException se) {
            return se;
        }
        return new SerdeException(serializeError + (e instanceof NullPointerException npe ? nullReason(npe) : reason(e)), e);
    }

    /**
     * Avro wraps a null in a non-nullable field in NullPointerExceptions, outermost naming the
     * record and innermost the field ({@code null in string in field city}): say both.
     */
    private static String nullReason(NullPointerException e) {
        String outer = e.getMessage();
        String field = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof NullPointerException && t.getMessage() != null && t.getMessage().startsWith("null ")) {
                field = t.getMessage();
            }
        }
        if (field == null) {
            return reason(e);
        }
        return field + (outer != null && !outer.equals(field) && outer.startsWith("null ") ? " (" + outer + ")" : "")
                + "; the field is not nullable: make its type a union with null (@Nullable on a reflect field)";
    }

    /** Decodes the record that starts at {@code offset}, written with the resolution's writer schema. */
    protected final T decode(Resolution<T> resolution, byte[] data, int offset) {
        if (resolution.problem() != null) {
            throw failure(resolution.problem());
        }
        Scratch scratch = Scratch.acquire();
        try {
            BinaryDecoder decoder = DECODERS.binaryDecoder(data, offset, data.length - offset, scratch.decoder);
            scratch.decoder = decoder;
            T value = resolution.reader().read(null, decoder);
            if (!decoder.isEnd()) {
                int left = decoder.remainingBytes();
                throw failure(left + (left == 1 ? " byte" : " bytes") + " left over after a complete " + resolution.writerLabel()
                        + " record: the data was written with another schema or framing");
            }
            return value;
        } catch (EOFException e) {
            throw failure("truncated: the data ends inside a " + resolution.writerLabel() + " record ("
                    + (data.length - offset) + " bytes of record data)", e);
        } catch (UntrustedClassException | RecordShape.ConstructionFailure e) {
            throw failure(e.getMessage(), e);
        } catch (SerdeException | SchemaRegistryException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw failure("malformed Avro data for writer schema " + resolution.writerLabel() + ": " + reason(e), e);
        } finally {
            scratch.release();
        }
    }

    /** A deserialization error: {@code Cannot deserialize avro(Click, raw): <reason>}. */
    protected final SerdeException failure(String reason) {
        return new SerdeException(deserializeError + reason);
    }

    protected final SerdeException failure(String reason, Throwable cause) {
        return new SerdeException(deserializeError + reason, cause);
    }

    /** Reads the value's Avro JSON encoding with the reader schema, e.g. for the CLI's {@code send}. */
    @Override
    public T parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            Decoder decoder = DECODERS.jsonDecoder(model.schema(), text);
            return own.reader().read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerdeException("Cannot parse " + description + " from text: expected the Avro JSON encoding of "
                    + SchemaLabels.name(model.schema()) + ": " + reason(e), e);
        }
    }

    /** The reader schema. */
    Schema schema() {
        return model.schema();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }

    static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** A reader for one writer schema, or why that writer schema cannot be read. */
    record Resolution<T>(DatumReader<T> reader, String writerLabel, String problem) {
        static <T> Resolution<T> of(DatumReader<T> reader, String writerLabel) {
            return new Resolution<>(reader, writerLabel, null);
        }

        static <T> Resolution<T> incompatible(String writerLabel, String problem) {
            return new Resolution<>(null, writerLabel, problem);
        }

        /** Resolves {@code writer} to the model's reader schema, checking compatibility first. */
        static <T> Resolution<T> resolve(AvroModel<T> model, Schema writer, String writerLabel) {
            String problems = Compatibility.problems(model.schema(), writer);
            if (problems != null) {
                return incompatible(writerLabel, Compatibility.sentence(writerLabel, model.schema(), problems));
            }
            return of(model.reader(writer), writerLabel);
        }
    }
}
