package dev.weir.serdes.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.weir.serdes.Headers;
import dev.weir.serdes.JsonOptions;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import java.io.IOException;

/**
 * JSON through Jackson, read strictly. The reader and writer are built once here and are
 * immutable, so one instance serves every thread.
 */
public final class JsonSerde<T> implements Serde<T> {

    private final String description;
    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final JsonErrors errors;

    public JsonSerde(Class<T> type, JsonOptions options) {
        this.description = "json(" + JsonErrors.typeName(type) + ")";
        ObjectReader r = StrictJsonMapper.INSTANCE.readerFor(type);
        this.reader = options.unknownFieldsAllowed()
                ? r.without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                : r.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.writer = StrictJsonMapper.INSTANCE.writerFor(type);
        this.errors = new JsonErrors(description);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T value) {
        if (value == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw errors.serialization(e, value);
        }
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        // The parser stays open while the error is described: the offending token's text
        // lives in its buffers, which closing releases.
        try (JsonParser parser = reader.createParser(data)) {
            try {
                T value = reader.readValue(parser);
                JsonToken trailing = parser.nextToken();
                if (trailing != null) {
                    throw errors.trailingContent(parser);
                }
                return value;
            } catch (JacksonException e) {
                throw errors.deserialization(e, parser);
            }
        } catch (IOException e) {
            throw new SerdeException("Cannot deserialize " + description + ": " + e.getMessage(), e);
        }
    }

    /** Reads JSON text, as strictly as {@link #deserialize}. */
    @Override
    public T parse(String text) {
        return text == null ? null : deserialize(null, Headers.create(), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
