package dev.weir.serdes.avro.internal;

import dev.weir.serdes.Headers;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.DecoderFactory;

/**
 * Avro's binary encoding with no header: both sides must agree on the writer schema out of
 * band. The writer schema is the reader schema, or one the user configured for a topic
 * written by someone else; then values are written with that writer schema too, converted
 * from the reader schema by Avro's resolution, so that the topic holds one schema.
 */
public final class RawAvroSerde<T> extends AvroSerde<T> {

    private static final byte[] NO_HEADER = new byte[0];

    private final Resolution<T> reading;
    /** Null when the writer schema is the reader schema. */
    private final WriterConversion conversion;

    /**
     * @throws IllegalArgumentException when data written with {@code writerSchema} cannot be
     *                                  read with the model's schema, naming both and the field
     */
    public RawAvroSerde(AvroModel<T> model, Schema writerSchema) {
        super(model, "raw");
        if (writerSchema == null || SchemaLabels.fingerprint(writerSchema) == model.fingerprint()) {
            this.reading = own;
            this.conversion = null;
        } else {
            String writerLabel = SchemaLabels.label(writerSchema);
            String problems = Compatibility.problems(model.schema(), writerSchema);
            if (problems != null) {
                throw new IllegalArgumentException("Cannot build " + describe() + ": "
                        + Compatibility.sentence(writerLabel, model.schema(), problems));
            }
            this.reading = Resolution.of(model.reader(writerSchema), writerLabel);
            this.conversion = new WriterConversion(model.schema(), writerSchema);
        }
    }

    @Override
    protected byte[] header(String topic) {
        return NO_HEADER;
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T value) {
        if (value == null || conversion == null) {
            return super.serialize(topic, headers, value);
        }
        if (conversion.problem != null) {
            throw serializationFailure(new IllegalStateException(conversion.problem));
        }
        byte[] asReader = encode(NO_HEADER, writer, value);
        Object asWriter;
        try {
            asWriter = conversion.reader.read(null, DecoderFactory.get().binaryDecoder(asReader, null));
        } catch (java.io.IOException | RuntimeException e) {
            throw serializationFailure(e);
        }
        return encode(NO_HEADER, conversion.writer, asWriter);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        return decode(reading, data, 0);
    }

    /**
     * Rewrites a value of the reader schema in the configured writer schema: the value is
     * written with the reader schema and read back with the writer schema, which fills added
     * fields from defaults and drops removed ones.
     */
    private static final class WriterConversion {
        final GenericDatumReader<Object> reader;
        final GenericDatumWriter<Object> writer;
        final String problem;

        WriterConversion(Schema readerSchema, Schema writerSchema) {
            GenericData data = new GenericData();
            String problems = Compatibility.problems(writerSchema, readerSchema);
            this.problem = problems == null ? null
                    : "values of reader schema " + SchemaLabels.label(readerSchema) + " cannot be written with the configured writer schema "
                    + SchemaLabels.label(writerSchema) + ": " + problems;
            this.reader = problems == null ? new GenericDatumReader<>(readerSchema, writerSchema, data) : null;
            this.writer = new GenericDatumWriter<>(writerSchema, data);
        }
    }
}
