package dev.weir.serdes.internal;

/**
 * Renders payload text for an error message as a JSON string literal, cut short so that a
 * large or hostile payload cannot flood logs.
 */
final class JsonValueText {

    static final int MAX_CHARS = 64;

    private JsonValueText() {
    }

    static String quote(String text) {
        boolean cut = text.length() > MAX_CHARS;
        String shown = cut ? text.substring(0, MAX_CHARS) : text;
        StringBuilder out = new StringBuilder(shown.length() + 8).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        if (cut) {
            out.append("... (").append(text.length()).append(" chars)");
        }
        return out.toString();
    }
}
