package dev.weir.serdes.avro;

import dev.weir.serdes.Serde;
import dev.weir.serdes.avro.internal.AvroModel;
import dev.weir.serdes.avro.internal.Framing;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Chooses the framing of an Avro serde; made by {@link AvroSerdes}. Immutable: each method
 * returns a new builder or the serde. The framing methods build the serde and fail there,
 * at the line that made the mistake, when the class cannot be used with Avro.
 *
 * <p>The serdes are thread-safe, map null to null, and throw
 * {@link dev.weir.serdes.SerdeException} on bad input, e.g.
 * {@code Cannot deserialize avro(Click, registry): expected magic byte 0, got 0x7b — is this JSON?}.
 * Their {@code parse(text)} reads Avro's JSON encoding of the reader schema.
 */
public final class AvroSerdeBuilder<T> {

    private static final Pattern PACKAGE = Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

    private final Function<List<String>, AvroModel<T>> model;
    private final boolean loadsClasses;
    private final List<String> trustedPackages;

    AvroSerdeBuilder(Function<List<String>, AvroModel<T>> model, boolean loadsClasses) {
        this(model, loadsClasses, List.of());
    }

    private AvroSerdeBuilder(Function<List<String>, AvroModel<T>> model, boolean loadsClasses, List<String> trustedPackages) {
        this.model = model;
        this.loadsClasses = loadsClasses;
        this.trustedPackages = trustedPackages;
    }

    /**
     * Also trusts classes in these packages (and their subpackages), for a record whose fields
     * are of types from another package. The package of the class given to
     * {@link AvroSerdes#specific} or {@link AvroSerdes#reflect} is always trusted; no other
     * class is ever loaded, whatever a schema names.
     *
     * @throws IllegalArgumentException when a name is not a Java package name (there is no
     *                                  wildcard)
     * @throws IllegalStateException    for a generic serde, which loads no classes
     */
    public AvroSerdeBuilder<T> trustPackages(String... packages) {
        if (!loadsClasses) {
            throw new IllegalStateException("A generic Avro serde loads no classes, so it has no packages to trust");
        }
        List<String> next = new ArrayList<>(trustedPackages);
        next.addAll(checkedPackages(packages));
        return new AvroSerdeBuilder<>(model, loadsClasses, List.copyOf(next));
    }

    /** The package names, each checked to be one; see {@link #trustPackages(String...)}. */
    static List<String> checkedPackages(String... packages) {
        List<String> checked = new ArrayList<>();
        for (String p : Objects.requireNonNull(packages, "packages")) {
            if (p == null || !PACKAGE.matcher(p).matches()) {
                throw new IllegalArgumentException("Not a Java package name: " + (p == null ? "null" : "\"" + p + "\"")
                        + " (name packages one by one, e.g. trustPackages(\"com.example.events\"); there is no wildcard)");
            }
            checked.add(p);
        }
        return checked;
    }

    /**
     * The reader schema: the one values are written with and read into.
     *
     * @throws IllegalArgumentException when the class cannot be used with Avro
     */
    public Schema schema() {
        return model.apply(trustedPackages).schema();
    }

    /**
     * Avro's binary encoding alone, no header: the topic's schema is agreed out of band and is
     * the reader schema. {@code describe()}: {@code avro(Click, raw)}.
     */
    public Serde<T> raw() {
        return build(new Framing.Raw(null));
    }

    /**
     * Avro's binary encoding alone, for a topic whose records are written with
     * {@code writerSchema}: values are read from it into the reader schema, and written in it
     * (converted by Avro's schema resolution), so the topic keeps one schema.
     *
     * @throws IllegalArgumentException when data of {@code writerSchema} cannot be read with
     *                                  the reader schema, naming both schemas and the field.
     *                                  Serializing fails instead when the reader schema's values
     *                                  cannot be written in {@code writerSchema}
     */
    public Serde<T> raw(Schema writerSchema) {
        return build(new Framing.Raw(Objects.requireNonNull(writerSchema, "writerSchema")));
    }

    /**
     * Avro's single-object encoding: {@code 0xC3 0x01}, the writer schema's 8-byte
     * little-endian CRC-64-AVRO fingerprint, then the binary record. Records written with the
     * reader schema are read without a lookup; other writer schemas are found in {@code store}
     * by fingerprint (e.g. a {@link SchemaStore.Cache} holding every schema the topic's
     * producers used). {@code describe()}: {@code avro(Click, single-object)}.
     */
    public Serde<T> singleObject(SchemaStore store) {
        return build(new Framing.SingleObject(Objects.requireNonNull(store, "store")));
    }

    /**
     * The schema-registry wire format for record values: magic byte 0, the schema id as 4 bytes
     * big-endian, then the binary record; the subject is {@code <topic>-value}. Same as
     * {@code registry(registry, SubjectNameStrategy.topicValue())}.
     */
    public Serde<T> registry(SchemaRegistry registry) {
        return registry(registry, SubjectNameStrategy.topicValue());
    }

    /**
     * The schema-registry wire format: magic byte 0, the schema id as 4 bytes big-endian, then
     * the binary record. Serializing registers the reader schema under the subject
     * {@code subjects} names (once per subject, then cached) and writes its id; deserializing
     * fetches the writer schema by the id it reads (once per id). {@code describe()}:
     * {@code avro(Click, registry)}.
     *
     * <p>A registry that cannot be reached surfaces as {@link SchemaRegistryException}, not as
     * a bad record.
     */
    public Serde<T> registry(SchemaRegistry registry, SubjectNameStrategy subjects) {
        return build(new Framing.Registry(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(subjects, "subjects")));
    }

    Serde<T> build(Framing framing) {
        return framing.serde(model.apply(trustedPackages));
    }
}
