package dev.weir.serdes.avro;

import dev.weir.serdes.Format;
import dev.weir.serdes.Serde;
import dev.weir.serdes.avro.internal.AvroModel;
import dev.weir.serdes.avro.internal.Framing;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;

/**
 * {@code avro} as a format name in serde chains, so that Faust's chain syntax covers Avro:
 *
 * <pre>{@code
 * SerdeRegistry serdes = SerdeRegistry.defaults().withFormat(AvroFormat.registry(schemaRegistry));
 * Serde<ClickEvent> clicks = serdes.chain("avro", ClickEvent.class);          // registry wire format
 * Serde<Purchase> purchases = serdes.chain("binary|avro", Purchase.class);    // the same, then Base64
 * }</pre>
 *
 * <p>A chain string names a class but no schema, so the schema comes from the class: a
 * generated {@link SpecificRecord} class uses its own schema, any other class (a Java record
 * or a POJO) the schema Avro's reflection derives from it, as
 * {@link AvroSerdes#specific} and {@link AvroSerdes#reflect} do. Generic records have no
 * class-borne schema and are refused; build them with {@link AvroSerdes#generic}. The framing
 * (raw, single-object or registry) is chosen when the format is made and is the same for
 * every class; to use two framings in one registry, give one another name with
 * {@link #named(String)}. Immutable and thread-safe.
 */
public final class AvroFormat implements Format {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

    private final String name;
    private final Framing framing;
    private final List<String> trustedPackages;

    private AvroFormat(String name, Framing framing, List<String> trustedPackages) {
        this.name = name;
        this.framing = framing;
        this.trustedPackages = trustedPackages;
    }

    /** {@code avro}, raw binary; see {@link AvroSerdeBuilder#raw()}. */
    public static AvroFormat raw() {
        return new AvroFormat("avro", new Framing.Raw(null), List.of());
    }

    /** {@code avro}, single-object encoding with writer schemas from {@code store}; see {@link AvroSerdeBuilder#singleObject}. */
    public static AvroFormat singleObject(SchemaStore store) {
        return new AvroFormat("avro", new Framing.SingleObject(Objects.requireNonNull(store, "store")), List.of());
    }

    /** {@code avro}, schema-registry wire format with {@code <topic>-value} subjects; see {@link AvroSerdeBuilder#registry(SchemaRegistry)}. */
    public static AvroFormat registry(SchemaRegistry registry) {
        return registry(registry, SubjectNameStrategy.topicValue());
    }

    /** {@code avro}, schema-registry wire format; see {@link AvroSerdeBuilder#registry(SchemaRegistry, SubjectNameStrategy)}. */
    public static AvroFormat registry(SchemaRegistry registry, SubjectNameStrategy subjects) {
        return new AvroFormat("avro", new Framing.Registry(Objects.requireNonNull(registry, "registry"),
                Objects.requireNonNull(subjects, "subjects")), List.of());
    }

    /**
     * This format, also trusting classes in {@code packages}; see
     * {@link AvroSerdeBuilder#trustPackages(String...)}. The package of each class a chain names
     * is always trusted for that chain.
     */
    public AvroFormat trustPackages(String... packages) {
        List<String> next = new ArrayList<>(trustedPackages);
        next.addAll(AvroSerdeBuilder.checkedPackages(packages));
        return new AvroFormat(name, framing, List.copyOf(next));
    }

    /**
     * This format under another chain name, e.g. {@code avro-raw} next to a registry {@code avro}.
     *
     * @throws IllegalArgumentException when {@code name} is not a chain name (lowercase letters,
     *                                  digits, {@code - _ .}, starting with a letter or digit)
     */
    public AvroFormat named(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid format name " + (name == null ? "null" : "\"" + name + "\"")
                    + ": a chain name is lowercase letters, digits, '-', '_' or '.', starting with a letter or digit");
        }
        return new AvroFormat(name, framing, trustedPackages);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The Avro serde for {@code type}: specific for a generated class, reflect otherwise.
     *
     * @throws IllegalArgumentException when {@code type} is not a record-like class (a generic
     *                                  record, a primitive, a string, a collection, an interface
     *                                  or abstract class), or Avro cannot use it
     */
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> Serde<T> serde(Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (SpecificRecord.class.isAssignableFrom(type)) {
            Class<? extends SpecificRecord> specific = (Class<? extends SpecificRecord>) type;
            return (Serde<T>) new AvroSerdeBuilder<>(t -> AvroModel.specific(specific, t), true)
                    .trustPackages(trustedPackages.toArray(String[]::new))
                    .build(framing);
        }
        String refusal = refusal(type);
        if (refusal != null) {
            throw new IllegalArgumentException("format \"" + name + "\" cannot represent " + type.getName() + ": " + refusal);
        }
        return new AvroSerdeBuilder<>(t -> AvroModel.reflect(type, t), true)
                .trustPackages(trustedPackages.toArray(String[]::new))
                .build(framing);
    }

    private static String refusal(Class<?> type) {
        if (IndexedRecord.class.isAssignableFrom(type)) {
            return "a generic record has no schema of its own; build its serde with AvroSerdes.generic(schema)";
        }
        if (type.isPrimitive() || type.isArray() || type.isEnum() || CharSequence.class.isAssignableFrom(type)
                || Number.class.isAssignableFrom(type) || type == Boolean.class || type == Character.class
                || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
            return "the avro format reads records (a generated SpecificRecord, a Java record or a POJO);"
                    + " use a primitive serde such as Serdes.string() for single values";
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            return "it is an interface or abstract class, which Avro's reflection cannot create";
        }
        return null;
    }

    @Override
    public String toString() {
        String framingName = framing instanceof Framing.Registry r ? "registry " + r.registry().describe()
                : framing instanceof Framing.SingleObject ? "single-object" : "raw";
        return name + " (" + framingName + ")";
    }
}
