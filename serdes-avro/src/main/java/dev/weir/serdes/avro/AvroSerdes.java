package dev.weir.serdes.avro;

import dev.weir.serdes.avro.internal.AvroModel;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro serdes, on Apache Avro: pick the kind of data, then the framing.
 *
 * <pre>{@code
 * // generated SpecificRecord classes, in the schema-registry wire format
 * Serde<ClickEvent> clicks = AvroSerdes.specific(ClickEvent.class).registry(registry);
 * // Java records and POJOs through Avro's reflection, in Avro's single-object encoding
 * Serde<Purchase> purchases = AvroSerdes.reflect(Purchase.class).singleObject(schemaStore);
 * // GenericRecord with a schema, raw binary
 * Serde<GenericRecord> raw = AvroSerdes.generic(schema).raw();
 * }</pre>
 *
 * <p>Every serde reads data written with an older or newer schema into its own (the reader)
 * schema by Avro's schema resolution: fields added with a default, removed fields, renames
 * through aliases, and type promotions (int to long, float or double; long to float or
 * double; float to double; string to and from bytes). A writer schema it cannot resolve
 * fails with a {@link dev.weir.serdes.SerdeException} that names both schemas (full name and
 * fingerprint, and the registry id where there is one) and the field.
 *
 * <p>Specific and reflect serdes only load classes of the package of the class you give
 * (and its subpackages), plus packages you trust with
 * {@link AvroSerdeBuilder#trustPackages(String...)}. See {@link AvroFormat} for the
 * {@code avro} name in serde chains such as {@code binary|avro}.
 */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    /**
     * {@link GenericRecord}s of {@code schema}, which is both the schema values are written with
     * and the reader schema. Strings are read as Avro's {@code Utf8} unless the schema says
     * {@code "avro.java.string": "String"}. {@code describe()} shows the schema's simple name:
     * {@code avro(Click, raw)}.
     */
    public static AvroSerdeBuilder<GenericRecord> generic(Schema schema) {
        Objects.requireNonNull(schema, "schema");
        return new AvroSerdeBuilder<>(trusted -> AvroModel.generic(schema), false);
    }

    /**
     * A class generated from an Avro schema ({@code avro-maven-plugin}, {@code avro-tools}); its
     * {@code SCHEMA$} is the reader schema.
     */
    public static <T extends SpecificRecord> AvroSerdeBuilder<T> specific(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new AvroSerdeBuilder<>(trusted -> AvroModel.specific(type, trusted), true);
    }

    /**
     * A Java record or a POJO, through Avro's reflection ({@code ReflectData}): the schema is
     * derived from the class's fields, Avro's {@code org.apache.avro.reflect} annotations apply
     * ({@code @Nullable}, {@code @AvroName}, {@code @AvroAlias}, {@code @AvroDefault}, ...), and
     * {@code Instant}, {@code LocalDate}, {@code UUID} and {@code BigDecimal} fields use Avro's
     * logical types. Fields are not nullable unless annotated {@code @Nullable}.
     *
     * <p>Java records are read through their canonical constructor (Avro 1.12's own reflection
     * cannot create them), so a compact constructor's validation runs on every value read.
     * A POJO needs a no-arg constructor.
     */
    public static <T> AvroSerdeBuilder<T> reflect(Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (GenericRecord.class.isAssignableFrom(type) && !SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " is a generic record, which has no schema of its own; use AvroSerdes.generic(schema)");
        }
        return new AvroSerdeBuilder<>(trusted -> AvroModel.reflect(type, trusted), true);
    }
}
