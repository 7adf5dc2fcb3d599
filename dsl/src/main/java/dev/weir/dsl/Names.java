package dev.weir.dsl;

import java.util.regex.Pattern;

/** Checks of names that end up in Kafka topic names. */
final class Names {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int MAX_TOPIC_LENGTH = 249;

    private Names() {
    }

    static String requireTopicName(String name) {
        return requireLegal(name, "Topic name");
    }

    /**
     * App ids, groupBy and table names become parts of topic names, so they follow Kafka's
     * rules for topic names.
     */
    static String requireLegal(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (name.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException(what + " \"" + name + "\" is " + name.length()
                    + " characters long; Kafka allows at most " + MAX_TOPIC_LENGTH);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(what + " must not be \".\" or \"..\"");
        }
        if (!LEGAL.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " \"" + name
                    + "\" has characters Kafka does not allow in topic names; use only letters, digits, '.', '_' and '-'");
        }
        return name;
    }
}
