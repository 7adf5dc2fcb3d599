package dev.weir.serdes.internal;

import dev.weir.serdes.Codec;
import dev.weir.serdes.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed chain string such as {@code "gzip|binary|json"}: its one format and its codecs in
 * the order they apply when serializing, nearest to the format first.
 */
public record ChainSpec(Format format, List<Codec> codecsNearestFirst) {

    public ChainSpec {
        Objects.requireNonNull(format, "format");
        codecsNearestFirst = List.copyOf(codecsNearestFirst);
    }

    /**
     * Parses {@code spec} against the known names; both maps must iterate in sorted order so
     * that messages list names predictably.
     *
     * @throws IllegalArgumentException naming the chain and the rule it breaks
     */
    public static ChainSpec parse(String spec, Map<String, Codec> codecs, Map<String, Format> formats) {
        Objects.requireNonNull(spec, "serde chain spec");
        String[] names = spec.split("\\|", -1);
        for (int i = 0; i < names.length; i++) {
            names[i] = names[i].strip();
            if (names[i].isEmpty()) {
                throw new IllegalArgumentException(spec.isBlank()
                        ? "Serde chain \"" + spec + "\" is empty; name a format, optionally with codecs, e.g. \"json\" or \"binary|json\""
                        : "Serde chain \"" + spec + "\" has an empty element at position " + (i + 1) + " of " + names.length
                                + "; separate names with a single '|', e.g. \"binary|json\"");
            }
        }
        for (String name : names) {
            if (!codecs.containsKey(name) && !formats.containsKey(name)) {
                throw new IllegalArgumentException("Unknown name \"" + name + "\" in serde chain \"" + spec + "\""
                        + caseHint(name, codecs, formats) + "; known codecs: " + codecs.keySet()
                        + ", known formats: " + formats.keySet());
            }
        }
        List<Integer> formatPositions = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (formats.containsKey(names[i])) {
                formatPositions.add(i);
            }
        }
        if (formatPositions.isEmpty()) {
            throw new IllegalArgumentException("Serde chain \"" + spec + "\" has no format; put exactly one of "
                    + formats.keySet() + " at one end, e.g. \"" + spec.strip() + "|json\"");
        }
        if (formatPositions.size() > 1) {
            List<String> found = formatPositions.stream().map(i -> names[i]).toList();
            throw new IllegalArgumentException("Serde chain \"" + spec + "\" has " + found.size() + " formats " + found
                    + "; a chain has exactly one format, at one end, and codecs around it");
        }
        int at = formatPositions.get(0);
        if (at != 0 && at != names.length - 1) {
            throw new IllegalArgumentException("Serde chain \"" + spec + "\" has the format \"" + names[at]
                    + "\" in the middle; the format must be the first or the last element, with codecs applied outward from it");
        }
        List<Codec> nearestFirst = new ArrayList<>(names.length - 1);
        if (at == 0) {
            for (int i = 1; i < names.length; i++) {
                nearestFirst.add(codecs.get(names[i]));
            }
        } else {
            for (int i = names.length - 2; i >= 0; i--) {
                nearestFirst.add(codecs.get(names[i]));
            }
        }
        return new ChainSpec(formats.get(names[at]), nearestFirst);
    }

    private static String caseHint(String name, Map<String, Codec> codecs, Map<String, Format> formats) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.equals(name) && (codecs.containsKey(lower) || formats.containsKey(lower))) {
            return " (names are case-sensitive: did you mean \"" + lower + "\"?)";
        }
        return "";
    }
}
