package dev.weir.serdes.avro;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject in a {@link SchemaRegistry}.
 *
 * @param subject the subject, e.g. {@code clicks-value}
 * @param version the version within the subject, from 1
 * @param id      the schema's global id, the one written in front of records
 * @param schema  the schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {

    /** @throws NullPointerException when {@code subject} or {@code schema} is null */
    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
