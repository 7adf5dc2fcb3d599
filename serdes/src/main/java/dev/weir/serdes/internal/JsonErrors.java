package dev.weir.serdes.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.weir.serdes.SerdeException;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Jackson's exceptions into one-sentence messages that name the field path, the
 * expected type and the JSON actually found, e.g.
 * {@code Cannot deserialize json(Purchase): field "items[2].price" expected double, got string "x"}.
 * Jackson's exception stays attached as the cause.
 */
final class JsonErrors {

    // Jackson reports a missing creator property only in its message; the property's type is
    // in the exception, its name is not.
    private static final Pattern MISSING_CREATOR_PROPERTY = Pattern.compile("Missing (?:required )?creator property '([^']*)'");

    private final String prefix;
    private final String serializePrefix;

    JsonErrors(String description) {
        this.prefix = "Cannot deserialize " + description + ": ";
        this.serializePrefix = "Cannot serialize " + description + ": ";
    }

    SerdeException trailingContent(JsonParser parser) {
        JsonLocation at = parser.currentTokenLocation();
        return new SerdeException(prefix + "malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()
                + ": unexpected " + actual(parser, parser.currentToken()) + " after the end of the JSON value");
    }

    SerdeException deserialization(JacksonException e, JsonParser parser) {
        JsonParser p = e.getProcessor() instanceof JsonParser processor ? processor : parser;
        return new SerdeException(prefix + deserializationReason(e, p), e);
    }

    SerdeException serialization(JsonProcessingException e, Object value) {
        String where = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? " at field \"" + path(m.getPath()) + "\"" : "";
        String type = e instanceof InvalidDefinitionException d && d.getType() != null
                ? d.getType().getRawClass().getName()
                : value.getClass().getName();
        // Jackson's own advice here is to disable FAIL_ON_EMPTY_BEANS, which a Weir user cannot do
        // and which would silently write {}; say what the class lacks instead.
        String reason = e.getOriginalMessage().startsWith("No serializer found for class")
                ? "it has no public getters or @JsonProperty fields"
                : e.getOriginalMessage();
        return new SerdeException(serializePrefix + "cannot write " + type + where + " as JSON: " + reason, e);
    }

    private static String deserializationReason(JacksonException e, JsonParser p) {
        List<JsonMappingException.Reference> refs = e instanceof JsonMappingException m ? m.getPath() : List.of();
        String path = path(refs);
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field \"" + path + "\"; known fields: " + knownFields(u)
                    + " (allow unknown fields with JsonOptions.allowUnknownFields())";
        }
        if (e instanceof InvalidTypeIdException t && t.getTypeId() != null) {
            return at(path) + "type id " + JsonValueText.quote(t.getTypeId()) + " is not an allowed subtype of "
                    + typeName(t.getBaseType() == null ? Object.class : t.getBaseType().getRawClass())
                    + " (only subtypes declared with @JsonSubTypes can be read)";
        }
        if (e instanceof MismatchedInputException mi) {
            Matcher missing = MISSING_CREATOR_PROPERTY.matcher(mi.getOriginalMessage());
            if (missing.find()) {
                String name = missing.group(1);
                boolean pathEndsWithIt = !refs.isEmpty() && name.equals(refs.get(refs.size() - 1).getFieldName());
                String field = pathEndsWithIt ? path : path.isEmpty() ? name : path + "." + name;
                String type = mi.getTargetType() == null ? "" : " (" + typeName(mi.getTargetType()) + ")";
                return "missing required field \"" + field + "\"" + type;
            }
        }
        if (e instanceof ValueInstantiationException vi && vi.getCause() != null) {
            Throwable cause = vi.getCause();
            String type = vi.getType() == null ? "the value" : typeName(vi.getType().getRawClass());
            return at(path) + "creating " + type + " failed with " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        if (e instanceof InvalidDefinitionException d) {
            String type = d.getType() == null ? "the target type" : d.getType().getRawClass().getName();
            return at(path) + "Jackson cannot read " + type + " (" + d.getOriginalMessage() + ")";
        }
        if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            return field(path) + "expected " + typeName(mi.getTargetType()) + ", got " + actual(p, p.currentToken());
        }
        InputCoercionException range = inputCoercion(e);
        if (range != null && range.getTargetType() != null) {
            return field(path) + "expected " + typeName(range.getTargetType()) + ", got "
                    + actual(p, p.currentToken()) + " (out of range)";
        }
        if (e instanceof StreamReadException || e.getCause() instanceof StreamReadException) {
            JacksonException source = e instanceof StreamReadException ? e : (JacksonException) e.getCause();
            JsonLocation at = source.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return "malformed JSON" + where + ": " + source.getOriginalMessage();
        }
        return at(path) + e.getOriginalMessage();
    }

    /** The fields Jackson knows, in declaration order for a record so that they read like its source. */
    private static List<String> knownFields(UnrecognizedPropertyException e) {
        Collection<Object> known = e.getKnownPropertyIds();
        if (known == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>(known.size());
        known.forEach(k -> names.add(String.valueOf(k)));
        Class<?> type = e.getReferringClass();
        if (type != null && type.isRecord()) {
            List<String> order = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
            names.sort(Comparator.comparingInt(n -> order.contains(n) ? order.indexOf(n) : order.size()));
        }
        return names;
    }

    private static InputCoercionException inputCoercion(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputCoercionException ice) {
                return ice;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String at(String path) {
        return path.isEmpty() ? "" : "field \"" + path + "\": ";
    }

    private static String field(String path) {
        return path.isEmpty() ? "" : "field \"" + path + "\" ";
    }

    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /** A Java type as a user wrote it in a record: {@code int}, {@code String}, {@code List}, {@code Purchase}. */
    static String typeName(Class<?> type) {
        if (!type.isArray()) {
            if (List.class.isAssignableFrom(type)) {
                return "List";
            }
            if (Set.class.isAssignableFrom(type)) {
                return "Set";
            }
            if (Collection.class.isAssignableFrom(type)) {
                return "Collection";
            }
            if (Map.class.isAssignableFrom(type)) {
                return "Map";
            }
        }
        String simple = type.getSimpleName();
        return simple.isEmpty() ? type.getName() : simple;
    }

    /** The JSON value the parser stands on, e.g. {@code string "12x"}, {@code number 1.5}, {@code object}. */
    private static String actual(JsonParser p, JsonToken token) {
        if (token == null) {
            return "end of input";
        }
        try {
            return switch (token) {
                case VALUE_STRING -> "string " + JsonValueText.quote(p.getText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number " + shortened(p.getText());
                case VALUE_TRUE, VALUE_FALSE -> "boolean " + token.asString();
                case VALUE_NULL -> "null";
                case START_OBJECT, FIELD_NAME, END_OBJECT -> "object";
                case START_ARRAY, END_ARRAY -> "array";
                default -> "JSON token " + token;
            };
        } catch (IOException e) {
            return "JSON token " + token;
        }
    }

    private static String shortened(String text) {
        return text.length() <= JsonValueText.MAX_CHARS
                ? text
                : text.substring(0, JsonValueText.MAX_CHARS) + "... (" + text.length() + " chars)";
    }
}
