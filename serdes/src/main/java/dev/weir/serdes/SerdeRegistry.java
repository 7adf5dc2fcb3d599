package dev.weir.serdes;

import dev.weir.serdes.internal.BytesFormat;
import dev.weir.serdes.internal.ChainSpec;
import dev.weir.serdes.internal.JsonFormat;
import dev.weir.serdes.internal.StringFormat;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The codecs and formats that chain strings such as {@code "gzip|binary|json"} may name.
 * Immutable and thread-safe: {@link #withCodec} and {@link #withFormat} return a new registry.
 *
 * <p>{@link #defaults()} knows the codecs {@code binary} (Base64), {@code gzip} and {@code raw}
 * (identity), and the formats {@code json}, {@code string} and {@code bytes}.
 *
 * <pre>{@code
 * SerdeRegistry registry = SerdeRegistry.defaults().withCodec(new Rot13Codec());
 * Serde<Purchase> serde = registry.chain("rot13|binary|json", Purchase.class);
 * }</pre>
 *
 * <p>Codec and format names share one namespace, since a chain element is looked up by name
 * alone.
 */
public final class SerdeRegistry {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

    private static final SerdeRegistry DEFAULTS = new SerdeRegistry(Map.of(), Map.of())
            .withCodec(Codecs.base64())
            .withCodec(Codecs.gzip())
            .withCodec(Codecs.identity())
            .withFormat(JsonFormat.INSTANCE)
            .withFormat(StringFormat.INSTANCE)
            .withFormat(BytesFormat.INSTANCE);

    private final Map<String, Codec> codecs;
    private final Map<String, Format> formats;

    private SerdeRegistry(Map<String, Codec> codecs, Map<String, Format> formats) {
        this.codecs = Collections.unmodifiableMap(new TreeMap<>(codecs));
        this.formats = Collections.unmodifiableMap(new TreeMap<>(formats));
    }

    /** The built-in codecs ({@code binary}, {@code gzip}, {@code raw}) and formats ({@code bytes}, {@code json}, {@code string}). */
    public static SerdeRegistry defaults() {
        return DEFAULTS;
    }

    /**
     * This registry plus {@code codec}, under {@code codec.name()}.
     *
     * @throws IllegalArgumentException when the name is not a valid chain name (lowercase
     *                                  letters, digits, {@code - _ .}) or a codec or format of
     *                                  that name exists; use {@link #replacingCodec} to override
     *                                  a codec
     */
    public SerdeRegistry withCodec(Codec codec) {
        String name = checkedName(Objects.requireNonNull(codec, "codec").name(), "codec");
        requireUnused(name, "codec", "replacingCodec");
        Map<String, Codec> next = new TreeMap<>(codecs);
        next.put(name, codec);
        return new SerdeRegistry(next, formats);
    }

    /**
     * This registry plus {@code format}, under {@code format.name()}. A later Avro module adds
     * {@code avro} this way.
     *
     * @throws IllegalArgumentException when the name is not a valid chain name or a codec or
     *                                  format of that name exists; use {@link #replacingFormat}
     *                                  to override a format
     */
    public SerdeRegistry withFormat(Format format) {
        String name = checkedName(Objects.requireNonNull(format, "format").name(), "format");
        requireUnused(name, "format", "replacingFormat");
        Map<String, Format> next = new TreeMap<>(formats);
        next.put(name, format);
        return new SerdeRegistry(codecs, next);
    }

    /**
     * This registry with the codec named {@code codec.name()} replaced by {@code codec}, e.g. a
     * {@code gzip} with a different size limit.
     *
     * @throws IllegalArgumentException when no codec of that name exists
     */
    public SerdeRegistry replacingCodec(Codec codec) {
        String name = Objects.requireNonNull(codec, "codec").name();
        if (!codecs.containsKey(name)) {
            throw new IllegalArgumentException("Cannot replace codec \"" + name + "\": there is no codec of that name"
                    + " (codecs: " + codecs.keySet() + "); add it with withCodec(...)");
        }
        Map<String, Codec> next = new TreeMap<>(codecs);
        next.put(name, codec);
        return new SerdeRegistry(next, formats);
    }

    /**
     * This registry with the format named {@code format.name()} replaced by {@code format}, e.g. a
     * {@code json} that allows unknown fields.
     *
     * @throws IllegalArgumentException when no format of that name exists
     */
    public SerdeRegistry replacingFormat(Format format) {
        String name = Objects.requireNonNull(format, "format").name();
        if (!formats.containsKey(name)) {
            throw new IllegalArgumentException("Cannot replace format \"" + name + "\": there is no format of that name"
                    + " (formats: " + formats.keySet() + "); add it with withFormat(...)");
        }
        Map<String, Format> next = new TreeMap<>(formats);
        next.put(name, format);
        return new SerdeRegistry(codecs, next);
    }

    /**
     * A serde for a chain in Faust's syntax: names separated by {@code |}, exactly one of them a
     * format, at either end; the codecs apply outward from the format. Serializing runs the
     * format, then the codecs from nearest to farthest; deserializing runs the reverse. So
     * {@code "gzip|binary|json"} and {@code "json|binary|gzip"} both write JSON, then Base64,
     * then gzip. A chain of one format alone is that format's serde. Whitespace around names is
     * ignored; names are case-sensitive.
     *
     * <p>{@code describe()} of the result lists the outermost codec first:
     * {@code gzip|binary|json(Purchase)}.
     *
     * @throws IllegalArgumentException naming the chain and the rule it breaks when an element
     *                                  is empty, a name is unknown (listing the known codecs and
     *                                  formats), there is no format or more than one, or the
     *                                  format is not at an end; or when the format cannot
     *                                  represent {@code type}
     */
    public <T> Serde<T> chain(String spec, Class<T> type) {
        Objects.requireNonNull(type, "type");
        ChainSpec parsed = ChainSpec.parse(spec, codecs, formats);
        Serde<T> formatSerde;
        try {
            formatSerde = parsed.format().serde(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Serde chain \"" + spec + "\": " + e.getMessage(), e);
        }
        return Serdes.withCodecs(formatSerde, parsed.codecsNearestFirst());
    }

    /** The names of the codecs, sorted. */
    public Set<String> codecNames() {
        return codecs.keySet();
    }

    /** The names of the formats, sorted. */
    public Set<String> formatNames() {
        return formats.keySet();
    }

    private static String checkedName(String name, String kind) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid " + kind + " name " + (name == null ? "null" : "\"" + name + "\"")
                    + ": a chain name is lowercase letters, digits, '-', '_' or '.', starting with a letter or digit");
        }
        return name;
    }

    private void requireUnused(String name, String kind, String replaceMethod) {
        if (codecs.containsKey(name)) {
            throw new IllegalArgumentException("Cannot add " + kind + " \"" + name + "\": a codec of that name exists"
                    + (kind.equals("codec") ? "; use " + replaceMethod + "(...) to override it" : "")
                    + " (codec and format names share one namespace)");
        }
        if (formats.containsKey(name)) {
            throw new IllegalArgumentException("Cannot add " + kind + " \"" + name + "\": a format of that name exists"
                    + (kind.equals("format") ? "; use " + replaceMethod + "(...) to override it" : "")
                    + " (codec and format names share one namespace)");
        }
    }

    @Override
    public String toString() {
        return "SerdeRegistry{codecs=" + codecs.keySet() + ", formats=" + formats.keySet() + "}";
    }
}
