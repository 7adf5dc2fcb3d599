package dev.weir.serdes;

/**
 * The object-to-bytes end of a serde chain, looked up by {@link #name()} in chain strings
 * such as {@code binary|json}. A chain holds exactly one format; byte {@link Codec}s are
 * applied outward from it.
 *
 * <p>The built-in formats are {@code json} (any class Jackson can bind, validated strictly),
 * {@code string} ({@link String} only) and {@code bytes} ({@code byte[]} only). Add your own
 * with {@link SerdeRegistry#withFormat(Format)}:
 *
 * <pre>{@code
 * Format lenientJson = new Format() {
 *     public String name() { return "lenient-json"; }
 *     public <T> Serde<T> serde(Class<T> type) {
 *         return Serdes.json(type, JsonOptions.strict().allowUnknownFields());
 *     }
 * };
 * Serde<Purchase> serde = SerdeRegistry.defaults().withFormat(lenientJson).chain("binary|lenient-json", Purchase.class);
 * }</pre>
 *
 * <p>Implementations must be thread-safe, and so must the serdes they return.
 */
public interface Format {

    /**
     * The name of this format in chain strings: lowercase letters, digits, {@code -}, {@code _}
     * or {@code .}, starting with a letter or digit, e.g. {@code json}.
     */
    String name();

    /**
     * A serde that turns values of {@code type} into bytes and back.
     *
     * @throws IllegalArgumentException when this format cannot represent {@code type}; the
     *                                  message names the format and the type
     */
    <T> Serde<T> serde(Class<T> type);
}
