package dev.weir.testkit;

import dev.weir.serdes.Headers;
import java.nio.charset.StandardCharsets;

/**
 * A record on the dead-letter topic: the failed record's key and value bytes as they were read,
 * its timestamp, and its headers with the {@code weir.error.*} headers the runtime added
 * ({@code weir.error.topic}, {@code .partition}, {@code .offset}, {@code .node}, {@code .stage},
 * {@code .exception}, {@code .message}).
 */
public record DeadLetter(byte[] key, byte[] value, long timestamp, Headers headers) {

    /** The last value of header {@code name} as UTF-8 text, or null. */
    public String header(String name) {
        return headers.lastString(name);
    }

    /** The key bytes as UTF-8 text, or null. */
    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The value bytes as UTF-8 text, or null. */
    public String valueText() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
