package dev.weir.serdes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The headers of one Kafka record: an ordered list of (key, value) pairs where a key may
 * repeat, as in Kafka. Serdes may read and add headers; the runtime copies them from an
 * input record to every record derived from it.
 *
 * <p>Not thread-safe. {@link #copy()} gives an independent instance.
 */
public final class Headers implements Iterable<Headers.Header> {

    /** One header: a non-null key and a value that may be null. */
    public record Header(String key, byte[] value) {
        /** @throws NullPointerException when {@code key} is null */
        public Header {
            Objects.requireNonNull(key, "header key");
        }

        /** The value decoded as UTF-8, or null when the value is null. */
        public String valueAsString() {
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && key.equals(h.key) && java.util.Arrays.equals(value, h.value);
        }

        @Override
        public int hashCode() {
            return 31 * key.hashCode() + java.util.Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return key + "=" + (value == null ? "null" : valueAsString());
        }
    }

    private static final Headers EMPTY = new Headers(null, true);

    /** Null until the first header is added: most records have none, and this class is made per record. */
    private List<Header> headers;
    private final boolean readOnly;

    private Headers(List<Header> headers, boolean readOnly) {
        this.headers = headers;
        this.readOnly = readOnly;
    }

    /** A new, empty, writable set of headers. */
    public static Headers create() {
        return new Headers(null, false);
    }

    /** An empty set of headers that cannot be written. */
    public static Headers empty() {
        return EMPTY;
    }

    /** Headers holding the given UTF-8 string pairs: {@code Headers.of("k1", "v1", "k2", "v2")}. */
    public static Headers of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of takes key/value pairs, got an odd number ("
                    + keysAndValues.length + ") of arguments");
        }
        Headers h = create();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            h.add(keysAndValues[i], keysAndValues[i + 1]);
        }
        return h;
    }

    /** Appends a header; returns this. */
    public Headers add(String key, byte[] value) {
        checkWritable();
        if (headers == null) {
            headers = new ArrayList<>(2);
        }
        headers.add(new Header(key, value));
        return this;
    }

    /** Appends a header with a UTF-8 value; returns this. */
    public Headers add(String key, String value) {
        return add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Removes every header with this key; returns this. */
    public Headers remove(String key) {
        checkWritable();
        if (headers != null) {
            headers.removeIf(h -> h.key().equals(key));
        }
        return this;
    }

    /** The last header with this key, or null. */
    public Header lastHeader(String key) {
        if (headers == null) {
            return null;
        }
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i).key().equals(key)) {
                return headers.get(i);
            }
        }
        return null;
    }

    /** The value of the last header with this key decoded as UTF-8, or null. */
    public String lastString(String key) {
        Header h = lastHeader(key);
        return h == null ? null : h.valueAsString();
    }

    /** Every header with this key, in order. */
    public List<Header> headers(String key) {
        List<Header> out = new ArrayList<>();
        for (Header h : this) {
            if (h.key().equals(key)) {
                out.add(h);
            }
        }
        return out;
    }

    /** All headers, in order, as an unmodifiable list. */
    public List<Header> toList() {
        return headers == null ? List.of() : Collections.unmodifiableList(headers);
    }

    /** The number of headers, counting repeated keys. */
    public int size() {
        return headers == null ? 0 : headers.size();
    }

    /** Whether there are no headers. */
    public boolean isEmpty() {
        return headers == null || headers.isEmpty();
    }

    /** A writable copy that shares no state with this one. */
    public Headers copy() {
        return new Headers(isEmpty() ? null : new ArrayList<>(headers), false);
    }

    @Override
    public Iterator<Header> iterator() {
        return toList().iterator();
    }

    private void checkWritable() {
        if (readOnly) {
            throw new IllegalStateException("These headers are read-only; use Headers.create() or copy()");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && toList().equals(h.toList());
    }

    @Override
    public int hashCode() {
        return toList().hashCode();
    }

    @Override
    public String toString() {
        return toList().toString();
    }
}
