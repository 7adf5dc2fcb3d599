package dev.weir.serdes.avro.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.reflect.ReflectDatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * One kind of Avro data (generic, specific or reflect) with its reader schema: makes the
 * datum writer and, for each writer schema, the datum reader that resolves it to the
 * reader schema. Built once per serde; immutable afterwards.
 */
public final class AvroModel<T> {

    /** The three ways Avro maps data to Java. */
    public enum Kind { GENERIC, SPECIFIC, REFLECT }

    private final Kind kind;
    private final Schema schema;
    private final long fingerprint;
    private final GenericData data;
    private final String typeName;
    private final Map<Class<?>, RecordShape> recordShapes;

    private AvroModel(Kind kind, Schema schema, GenericData data, String typeName, Map<Class<?>, RecordShape> recordShapes) {
        this.kind = kind;
        this.schema = schema;
        this.fingerprint = SchemaLabels.fingerprint(schema);
        this.data = data;
        this.typeName = typeName;
        this.recordShapes = recordShapes;
    }

    /** Generic records of {@code schema}; no classes are loaded. */
    public static AvroModel<GenericRecord> generic(Schema schema) {
        // A GenericData of its own (not the JVM-wide GenericData.get()), of the exact class
        // GenericData so that Avro's fast reader applies.
        return new AvroModel<>(Kind.GENERIC, schema, new GenericData(), SchemaLabels.simpleName(schema), Map.of());
    }

    /**
     * Generated {@code SpecificRecord} class {@code type}.
     *
     * @throws IllegalArgumentException when its schema names a type outside the trusted packages
     *                                  or without a class
     */
    public static <T> AvroModel<T> specific(Class<T> type, Collection<String> trustedPackages) {
        ClassTrust trust = ClassTrust.of(type, trustedPackages);
        TrustedSpecificData data = new TrustedSpecificData(type, trust);
        Schema schema;
        try {
            schema = data.getSchema(type);
        } catch (AvroRuntimeException e) {
            throw new IllegalArgumentException("Cannot use " + type.getName() + " as an Avro specific record: " + e.getMessage(), e);
        }
        new NamedTypes(type, trust, Kind.SPECIFIC).check(schema);
        return new AvroModel<>(Kind.SPECIFIC, schema, data, type.getSimpleName(), Map.of());
    }

    /**
     * Java record or POJO {@code type}, through Avro's reflection.
     *
     * @throws IllegalArgumentException when Avro cannot derive a schema, the schema names a
     *                                  type outside the trusted packages, or a class cannot be
     *                                  created when reading
     */
    public static <T> AvroModel<T> reflect(Class<T> type, Collection<String> trustedPackages) {
        ClassTrust trust = ClassTrust.of(type, trustedPackages);
        TrustedReflectData data = new TrustedReflectData(type, trust);
        Schema schema;
        try {
            schema = data.getSchema(type);
        } catch (AvroRuntimeException e) {
            throw new IllegalArgumentException("Cannot derive an Avro schema from " + type.getName() + ": " + e.getMessage(), e);
        }
        NamedTypes named = new NamedTypes(type, trust, Kind.REFLECT);
        named.check(schema);
        data.prepare(schema);
        return new AvroModel<>(Kind.REFLECT, schema, data, type.getSimpleName(), Map.copyOf(named.recordShapes));
    }

    public Kind kind() {
        return kind;
    }

    /** The reader schema: the schema values are read into and written with. */
    public Schema schema() {
        return schema;
    }

    /** The CRC-64-AVRO fingerprint of {@link #schema()}. */
    public long fingerprint() {
        return fingerprint;
    }

    /** The name {@code describe()} shows: the class's or the record schema's simple name. */
    public String typeName() {
        return typeName;
    }

    /** Writes values with the reader schema. Thread-safe. */
    @SuppressWarnings("unchecked")
    public DatumWriter<T> writer() {
        return switch (kind) {
            case GENERIC -> (DatumWriter<T>) new GenericDatumWriter<>(schema, data);
            case SPECIFIC -> new SpecificDatumWriter<>(schema, (TrustedSpecificData) data);
            case REFLECT -> new ReflectDatumWriter<>(schema, (TrustedReflectData) data);
        };
    }

    /** Reads data written with {@code writer} into values of the reader schema. Thread-safe. */
    public DatumReader<T> reader(Schema writer) {
        return switch (kind) {
            case GENERIC -> new GenericDatumReader<>(writer, schema, data);
            case SPECIFIC -> new SpecificDatumReader<>(writer, schema, (TrustedSpecificData) data);
            // The record-building reader only where there are Java records: one frame less per record for POJOs.
            case REFLECT -> recordShapes.isEmpty()
                    ? new TrustedReflectDatumReader<>(writer, schema, (TrustedReflectData) data)
                    : new JavaRecordDatumReader<>(writer, schema, (TrustedReflectData) data, recordShapes);
        };
    }

    /**
     * Walks the named types of a reader schema and resolves each to its class, so that a class
     * outside the trusted packages or missing fails when the serde is built, naming the field.
     */
    private static final class NamedTypes {
        private static final List<String> CLASS_PROPERTIES =
                List.of(SpecificData.CLASS_PROP, SpecificData.ELEMENT_PROP, SpecificData.KEY_CLASS_PROP);

        private final Class<?> root;
        private final ClassTrust trust;
        private final Kind kind;
        private final Set<String> seen = new HashSet<>();
        private final Map<Class<?>, RecordShape> recordShapes = new HashMap<>();

        NamedTypes(Class<?> root, ClassTrust trust, Kind kind) {
            this.root = root;
            this.trust = trust;
            this.kind = kind;
        }

        void check(Schema schema) {
            visit(schema, "");
        }

        private void visit(Schema schema, String path) {
            if (kind == Kind.REFLECT && schema.getType() == Schema.Type.ARRAY && isMapClass(schema.getProp(SpecificData.CLASS_PROP))) {
                // Avro writes such a map as an array of key/value records and checks java.util.Map
                // against its JVM-wide class list on every value, past any per-serde trust.
                throw new IllegalArgumentException("Cannot use " + root.getName() + " with Avro: " + where(path)
                        + "a map with keys that are not strings needs java.util.Map in Avro's JVM-wide"
                        + " org.apache.avro.SERIALIZABLE_CLASSES; use Map<String, V>");
            }
            if (kind == Kind.REFLECT) {
                for (String property : CLASS_PROPERTIES) {
                    String name = schema.getProp(property);
                    if (name != null) {
                        try {
                            trust.propertyClass(name);
                        } catch (UntrustedClassException e) {
                            throw new IllegalArgumentException("Cannot use " + root.getName() + " with Avro: " + where(path) + e.getMessage(), e);
                        }
                    }
                }
            }
            switch (schema.getType()) {
                case RECORD, ENUM, FIXED -> {
                    if (schema.getLogicalType() != null || !seen.add(schema.getFullName())) {
                        return;
                    }
                    Class<?> c = resolve(schema, path);
                    if (schema.getType() == Schema.Type.RECORD) {
                        if (kind == Kind.REFLECT) {
                            checkCreatable(c, schema, path);
                        }
                        for (Schema.Field field : schema.getFields()) {
                            visit(field.schema(), path.isEmpty() ? field.name() : path + "." + field.name());
                        }
                    }
                }
                case ARRAY -> visit(schema.getElementType(), path + "[]");
                case MAP -> visit(schema.getValueType(), path + "{}");
                case UNION -> schema.getTypes().forEach(branch -> visit(branch, path));
                default -> {
                }
            }
        }

        private Class<?> resolve(Schema schema, String path) {
            Class<?> c;
            try {
                c = trust.classFor(schema);
            } catch (UntrustedClassException e) {
                throw new IllegalArgumentException("Cannot use " + root.getName() + " with Avro: " + where(path) + e.getMessage(), e);
            }
            if (c == null) {
                throw new IllegalArgumentException("Cannot use " + root.getName() + " with Avro: " + where(path)
                        + "no class implements Avro type " + schema.getFullName());
            }
            return c;
        }

        private void checkCreatable(Class<?> c, Schema schema, String path) {
            if (c.isRecord()) {
                recordShapes.put(c, RecordShape.of(c, schema));
                return;
            }
            if (java.lang.reflect.Modifier.isAbstract(c.getModifiers())) {
                throw new IllegalArgumentException("Cannot use " + root.getName() + " with Avro: " + where(path)
                        + c.getName() + " is abstract or an interface; reflection can only create concrete classes");
            }
            try {
                c.getDeclaredConstructor();
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("Cannot use " + root.getName() + " with Avro: " + where(path)
                        + c.getName() + " has no no-arg constructor; give it one or make it a Java record", e);
            }
        }

        private static boolean isMapClass(String name) {
            if (name == null) {
                return false;
            }
            try {
                return java.util.Map.class.isAssignableFrom(Class.forName(name, false, ClassLoader.getPlatformClassLoader()));
            } catch (ClassNotFoundException e) {
                return false; // not a JDK class, so not a JDK map
            }
        }

        private static String where(String path) {
            return path.isEmpty() ? "" : "field \"" + path + "\": ";
        }
    }
}
