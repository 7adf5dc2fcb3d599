package dev.weir.serdes.avro.internal;

import dev.weir.serdes.Headers;
import dev.weir.serdes.avro.SchemaRegistry;
import dev.weir.serdes.avro.SubjectNameStrategy;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema-registry wire format: magic byte 0, the writer schema's registry id as 4 bytes
 * big-endian, then the binary record. Serializing registers the reader schema under the
 * subject the strategy names (once per subject); deserializing fetches the writer schema by
 * id (once per id).
 */
public final class RegistryAvroSerde<T> extends AvroSerde<T> {

    private static final Logger log = LoggerFactory.getLogger(RegistryAvroSerde.class);

    static final int MAGIC = 0;
    static final int HEADER_LENGTH = 5;

    private final SchemaRegistry registry;
    private final SubjectNameStrategy subjects;
    private final ConcurrentMap<String, byte[]> headerBySubject = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Resolution<T>> byId = new ConcurrentHashMap<>();

    public RegistryAvroSerde(AvroModel<T> model, SchemaRegistry registry, SubjectNameStrategy subjects) {
        super(model, "registry");
        this.registry = registry;
        this.subjects = subjects;
    }

    @Override
    protected byte[] header(String topic) {
        String subject;
        try {
            subject = subjects.subject(topic, model.schema());
        } catch (RuntimeException e) {
            throw serializationFailure(e);
        }
        byte[] header = headerBySubject.get(subject);
        if (header == null) {
            int id = registry.register(subject, model.schema());
            log.debug("Schema {} is id {} in subject {} of registry {}", SchemaLabels.label(model.schema()), id, subject,
                    registry.describe());
            header = new byte[] {MAGIC, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
            headerBySubject.putIfAbsent(subject, header);
            // Our own data needs no lookup to be read back.
            byId.putIfAbsent(id, own);
        }
        return header;
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length == 0) {
            throw failure("empty data, expected magic byte 0 and a 4-byte schema id");
        }
        if (data[0] != MAGIC) {
            throw failure("expected magic byte 0, got " + SchemaLabels.byteGuess(data[0]));
        }
        if (data.length < HEADER_LENGTH) {
            throw failure("truncated: needed 4 bytes of schema id, got " + (data.length - 1));
        }
        int id = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
        return decode(resolution(id, topic), data, HEADER_LENGTH);
    }

    private Resolution<T> resolution(int id, String topic) {
        Resolution<T> known = byId.get(id);
        if (known != null) {
            return known;
        }
        Optional<Schema> writer = registry.byId(id);
        if (writer.isEmpty()) {
            // Not cached: the id may be registered later (or in a registry that is catching up).
            throw failure("unknown schema id " + id + subjectOf(topic) + " (registry " + registry.describe() + ")");
        }
        Schema schema = writer.get();
        String label = SchemaLabels.label(schema, "schema id " + id);
        Resolution<T> resolved = SchemaLabels.fingerprint(schema) == model.fingerprint()
                ? Resolution.of(own.reader(), label)
                : Resolution.resolve(model, schema, label);
        byId.putIfAbsent(id, resolved);
        return resolved;
    }

    private String subjectOf(String topic) {
        try {
            return " in subject " + subjects.subject(topic, model.schema());
        } catch (RuntimeException e) {
            return "";
        }
    }
}
