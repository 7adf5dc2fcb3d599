package dev.weir.dsl;

/**
 * A key and a value, as returned by {@link Stream#map} and {@link Stream#flatMap} functions.
 *
 * @param key   the key; may be null
 * @param value the value; may be null
 */
public record KeyValue<K, V>(K key, V value) {

    /** Shorthand for {@code new KeyValue<>(key, value)}. */
    public static <K, V> KeyValue<K, V> of(K key, V value) {
        return new KeyValue<>(key, value);
    }
}
