package dev.weir.serdes.avro.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Whether data written with one schema can be read with another, by Avro's
 * {@link SchemaCompatibility}, and if not, why, in terms of the reader's fields:
 * {@code field "number": reader type int cannot read writer type string}.
 */
public final class Compatibility {

    private Compatibility() {
    }

    /** Null when {@code reader} can read data written with {@code writer}; otherwise every reason, joined by "; ". */
    public static String problems(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility pair = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        List<String> reasons = new ArrayList<>();
        for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            String reason = describe(reader, incompatibility);
            if (!reasons.contains(reason)) {
                reasons.add(reason);
            }
        }
        return String.join("; ", reasons);
    }

    /**
     * The sentence for a writer/reader pair that cannot be resolved:
     * {@code writer schema a.Click (fingerprint 0x..., schema id 7) is incompatible with reader
     * schema a.Click (fingerprint 0x...): field "number": ...}.
     */
    public static String sentence(String writerLabel, Schema reader, String problems) {
        return "writer schema " + writerLabel + " is incompatible with reader schema " + SchemaLabels.label(reader) + ": " + problems;
    }

    private static String describe(Schema reader, Incompatibility incompatibility) {
        String field = fieldPath(reader, incompatibility.getLocation());
        String where = field.isEmpty() ? "" : "field \"" + field + "\": ";
        Schema r = incompatibility.getReaderFragment();
        Schema w = incompatibility.getWriterFragment();
        return where + switch (incompatibility.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "the reader has field \"" + incompatibility.getMessage()
                    + "\" without a default and the writer does not write it";
            case TYPE_MISMATCH -> "reader type " + typeName(r) + " cannot read writer type " + typeName(w);
            case NAME_MISMATCH -> "reader type " + r.getFullName() + " and writer type " + w.getFullName()
                    + " have different names and no alias joins them";
            case FIXED_SIZE_MISMATCH -> "fixed sizes differ: reader " + r.getFixedSize() + ", writer " + w.getFixedSize();
            case MISSING_ENUM_SYMBOLS -> "the reader's enum " + r.getFullName() + " lacks the writer's symbols "
                    + incompatibility.getMessage() + " and has no default";
            case MISSING_UNION_BRANCH -> "the reader's type " + typeName(r) + " has no branch for the writer's "
                    + incompatibility.getMessage().replace("reader union lacking writer type: ", "").toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String typeName(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getType().getName() + " " + schema.getFullName();
            case UNION -> schema.getTypes().stream().map(Compatibility::typeName).toList().toString();
            case ARRAY -> "array<" + typeName(schema.getElementType()) + ">";
            case MAP -> "map<" + typeName(schema.getValueType()) + ">";
            default -> schema.getType().getName();
        };
    }

    /**
     * The reader's field path for a location such as {@code /fields/2/type/fields/0}: the
     * names of the reader's fields on the way, dotted. Numbers not after "fields" index a
     * writer's union branch and do not move in the reader schema.
     */
    static String fieldPath(Schema reader, String location) {
        StringBuilder path = new StringBuilder();
        Schema current = reader;
        String[] tokens = location.split("/");
        for (int i = 0; i < tokens.length && current != null; i++) {
            switch (tokens[i]) {
                case "fields" -> {
                    if (i + 1 >= tokens.length) {
                        return path.toString();
                    }
                    int index = Integer.parseInt(tokens[++i]);
                    Schema record = recordBranch(current, index);
                    if (record == null) {
                        return path.toString();
                    }
                    Schema.Field field = record.getFields().get(index);
                    if (path.length() > 0) {
                        path.append('.');
                    }
                    path.append(field.name());
                    current = field.schema();
                }
                case "items" -> current = branchOf(current, Schema.Type.ARRAY) == null ? null : branchOf(current, Schema.Type.ARRAY).getElementType();
                case "values" -> current = branchOf(current, Schema.Type.MAP) == null ? null : branchOf(current, Schema.Type.MAP).getValueType();
                default -> {
                    // "", "type", a writer's union branch index, "name", "size", "symbols": the reader stays put.
                }
            }
        }
        return path.toString();
    }

    private static Schema recordBranch(Schema schema, int fieldIndex) {
        if (schema.getType() == Schema.Type.RECORD) {
            return schema.getFields().size() > fieldIndex ? schema : null;
        }
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() == Schema.Type.RECORD && branch.getFields().size() > fieldIndex) {
                    return branch;
                }
            }
        }
        return null;
    }

    private static Schema branchOf(Schema schema, Schema.Type type) {
        if (schema.getType() == type) {
            return schema;
        }
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() == type) {
                    return branch;
                }
            }
        }
        return null;
    }
}
