package dev.weir.serdes.avro.internal;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.reflect.CustomEncoding;
import org.apache.avro.reflect.ReflectData;
import org.apache.avro.specific.SpecificData;

/**
 * Avro's ReflectData for one serde: named types, and the classes that {@code java-class}
 * properties name on collection and stringable fields, resolve through the serde's
 * {@link ClassTrust} instead of Avro's JVM-wide class check (which in Avro 1.12 refuses even
 * {@code java.util.List} unless the JVM is told to trust it). java.time, UUID and BigDecimal
 * fields map to Avro's logical types.
 */
final class TrustedReflectData extends ReflectData {

    private final ClassTrust trust;
    /** Written once by {@link #prepare} before the serde is published, read-only afterwards. */
    private volatile Map<Schema, Optional<CustomEncoding<?>>> encodings = Map.of();

    TrustedReflectData(Class<?> type, ClassTrust trust) {
        super(type.getClassLoader());
        this.trust = trust;
        addLogicalTypeConversions(this);
    }

    ClassTrust trust() {
        return trust;
    }

    /**
     * Looks up every sub-schema of {@code root} once. Avro's reflect reader and writer ask for
     * the custom encoding of each value's schema on every call, from a cache keyed by schema
     * equality: each lookup of an equal but distinct schema (every "string" field) compares
     * the schemas deeply and allocates. The serde only ever passes sub-schemas of its reader
     * schema, so an identity map built once answers without either.
     */
    void prepare(Schema root) {
        IdentityHashMap<Schema, Optional<CustomEncoding<?>>> encodings = new IdentityHashMap<>();
        collect(root, encodings);
        this.encodings = encodings;
    }

    private void collect(Schema schema, IdentityHashMap<Schema, Optional<CustomEncoding<?>>> encodings) {
        if (encodings.containsKey(schema)) {
            return;
        }
        encodings.put(schema, Optional.ofNullable(super.getCustomEncoding(schema)));
        switch (schema.getType()) {
            case RECORD -> schema.getFields().forEach(f -> collect(f.schema(), encodings));
            case ARRAY -> collect(schema.getElementType(), encodings);
            case MAP -> collect(schema.getValueType(), encodings);
            case UNION -> schema.getTypes().forEach(branch -> collect(branch, encodings));
            default -> {
            }
        }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public CustomEncoding getCustomEncoding(Schema schema) {
        Optional<CustomEncoding<?>> known = encodings.get(schema);
        return known != null ? known.orElse(null) : super.getCustomEncoding(schema);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class getClass(Schema schema) {
        if (schema.getLogicalType() == null) {
            switch (schema.getType()) {
                case RECORD, ENUM, FIXED -> {
                    return trust.classFor(schema);
                }
                case ARRAY, STRING -> {
                    String property = schema.getProp(SpecificData.CLASS_PROP);
                    if (property != null) {
                        return trust.propertyClass(property);
                    }
                }
                default -> {
                }
            }
        }
        return super.getClass(schema);
    }
}
