package dev.weir.serdes;

/**
 * How strictly {@link Serdes#json(Class, JsonOptions)} reads JSON. Immutable; each method
 * returns a new instance.
 *
 * <p>{@link #strict()} is the default of {@link Serdes#json(Class)}, and it always rejects
 * a missing record component, a value of the wrong JSON type (no {@code "12"} for an
 * {@code int}, no {@code 1.5} for an {@code int}, no number for a {@code String}),
 * {@code null} for a primitive, and malformed JSON. Only unknown fields can be allowed:
 *
 * <pre>{@code
 * Serde<Purchase> serde = Serdes.json(Purchase.class, JsonOptions.strict().allowUnknownFields());
 * }</pre>
 */
public final class JsonOptions {

    private static final JsonOptions STRICT = new JsonOptions(false);

    private final boolean unknownFieldsAllowed;

    private JsonOptions(boolean unknownFieldsAllowed) {
        this.unknownFieldsAllowed = unknownFieldsAllowed;
    }

    /** Strict reading: unknown fields, missing fields and wrongly typed values are errors. */
    public static JsonOptions strict() {
        return STRICT;
    }

    /**
     * These options, but fields in the JSON that the target class does not declare are
     * skipped instead of failing. Use it when producers may add fields before consumers
     * know about them.
     */
    public JsonOptions allowUnknownFields() {
        return new JsonOptions(true);
    }

    /** Whether fields that the target class does not declare are skipped rather than rejected. */
    public boolean unknownFieldsAllowed() {
        return unknownFieldsAllowed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonOptions other && other.unknownFieldsAllowed == unknownFieldsAllowed;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(unknownFieldsAllowed);
    }

    @Override
    public String toString() {
        return unknownFieldsAllowed ? "JsonOptions{strict, unknown fields allowed}" : "JsonOptions{strict}";
    }
}
