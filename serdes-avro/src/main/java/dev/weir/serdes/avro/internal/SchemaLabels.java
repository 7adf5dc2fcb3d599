package dev.weir.serdes.avro.internal;

import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/** How schemas are named in messages: full name and CRC-64-AVRO fingerprint, never the whole JSON. */
public final class SchemaLabels {

    private SchemaLabels() {
    }

    /** The single-object fingerprint of {@code schema}: CRC-64-AVRO of its parsing canonical form. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** {@code 0x} and 16 hex digits, as the spec writes fingerprints. */
    public static String hex(long fingerprint) {
        return String.format(Locale.ROOT, "0x%016x", fingerprint);
    }

    /** {@code dev.weir.Click (fingerprint 0x...)}; a schema without a name is named by its type. */
    public static String label(Schema schema) {
        return name(schema) + " (fingerprint " + hex(fingerprint(schema)) + ")";
    }

    /** {@code dev.weir.Click (fingerprint 0x..., schema id 7)}. */
    public static String label(Schema schema, String more) {
        return name(schema) + " (fingerprint " + hex(fingerprint(schema)) + ", " + more + ")";
    }

    /** The full name of a named schema, the type name otherwise: {@code dev.weir.Click}, {@code string}. */
    public static String name(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getFullName();
            default -> schema.getType().getName();
        };
    }

    /** The simple name of a named schema, the type name otherwise, as {@code describe()} shows it. */
    public static String simpleName(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getName();
            default -> schema.getType().getName();
        };
    }

    /** The first byte of some input, described for a reader who guesses what the data is. */
    public static String byteGuess(int b) {
        String hex = String.format(Locale.ROOT, "0x%02x", b & 0xff);
        return switch (b & 0xff) {
            case '{', '[' -> hex + " — is this JSON?";
            case 0x00 -> hex + " — is this the schema-registry wire format (magic byte 0)?";
            case 0xc3 -> hex + " — is this Avro single-object encoding (0xC3 0x01)?";
            case 0x1f -> hex + " — is this gzip?";
            default -> hex;
        };
    }
}
