package dev.weir.serdes.avro.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.serdes.avro.RegisteredSchema;
import dev.weir.serdes.avro.SchemaRegistry;
import dev.weir.serdes.avro.SchemaRegistryException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the Confluent-compatible schema-registry REST API on the JDK's HTTP client:
 * {@code POST /subjects/{s}/versions}, {@code GET /schemas/ids/{id}},
 * {@code GET /subjects/{s}/versions/{v}}. Ids, schemas by id and concrete subject versions
 * never change in a registry, so they are cached; {@code latest} is always asked.
 *
 * <p>The basic-auth header is built once and is never logged or put in a message.
 */
public final class RegistryHttpClient implements SchemaRegistry {

    private static final Logger log = LoggerFactory.getLogger(RegistryHttpClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";
    private static final int MAX_MESSAGE_CHARS = 300;

    private final String base;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final String authorization;
    private final ConcurrentMap<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, RegisteredSchema> byVersion = new ConcurrentHashMap<>();

    /**
     * @param baseUri        the registry's base URL, without credentials
     * @param sslContext     for https, or null for the JDK's default trust
     * @param user           basic-auth user, or null for none
     * @param password       basic-auth password, or null for none
     */
    public RegistryHttpClient(URI baseUri, SSLContext sslContext, String user, String password, Duration connectTimeout,
                              Duration requestTimeout) {
        String text = baseUri.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER);
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.http = builder.build();
        this.requestTimeout = requestTimeout;
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int register(String subject, Schema schema) {
        String key = subject + '\u0000' + schema.toString();
        Integer cached = idBySubjectAndSchema.get(key);
        if (cached != null) {
            return cached;
        }
        String path = "/subjects/" + segment(subject) + "/versions";
        String body;
        try {
            body = JSON.writeValueAsString(JSON.createObjectNode().put("schema", schema.toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON string", e);
        }
        Answer answer = send("POST", path, body);
        if (answer.status / 100 != 2) {
            throw answer.failure();
        }
        int id = answer.field("id").asInt(-1);
        if (id < 0) {
            throw answer.malformed("no \"id\"");
        }
        idBySubjectAndSchema.putIfAbsent(key, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Optional<Schema> byId(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        Answer answer = send("GET", "/schemas/ids/" + id, null);
        if (answer.notFound()) {
            return Optional.empty();
        }
        if (answer.status / 100 != 2) {
            throw answer.failure();
        }
        Schema schema = answer.schema("schema id " + id);
        schemaById.putIfAbsent(id, schema);
        return Optional.of(schema);
    }

    @Override
    public Optional<RegisteredSchema> bySubjectVersion(String subject, int version) {
        String key = subject + '\u0000' + version;
        RegisteredSchema cached = byVersion.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<RegisteredSchema> found = version(subject, Integer.toString(version));
        found.ifPresent(r -> byVersion.putIfAbsent(key, r));
        return found;
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        return version(subject, "latest");
    }

    private Optional<RegisteredSchema> version(String subject, String version) {
        Answer answer = send("GET", "/subjects/" + segment(subject) + "/versions/" + version, null);
        if (answer.notFound()) {
            return Optional.empty();
        }
        if (answer.status / 100 != 2) {
            throw answer.failure();
        }
        int id = answer.field("id").asInt(-1);
        int number = answer.field("version").asInt(-1);
        if (id < 0 || number < 0) {
            throw answer.malformed("no \"id\" or \"version\"");
        }
        Schema schema = answer.schema("subject " + subject + " version " + version);
        schemaById.putIfAbsent(id, schema);
        return Optional.of(new RegisteredSchema(subject, number, id, schema));
    }

    @Override
    public String describe() {
        return base;
    }

    @Override
    public String toString() {
        return "SchemaRegistry{" + base + "}";
    }

    private Answer send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String what = method + " " + path;
        log.debug("Schema registry {}: {}", base, what);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(what, response.statusCode(), response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("Cannot reach schema registry " + base + " for " + what + ": " + AvroSerde.reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while asking schema registry " + base + " for " + what, e);
        }
    }

    /** A subject as one path segment: percent-encoded, spaces as %20. */
    private static String segment(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String shortened(String text) {
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    /** One response, read as the registry's JSON. */
    private final class Answer {
        final String what;
        final int status;
        final String body;
        private JsonNode json;

        Answer(String what, int status, String body) {
            this.what = what;
            this.status = status;
            this.body = body == null ? "" : body;
        }

        JsonNode json() {
            if (json == null) {
                try {
                    json = JSON.readTree(body);
                } catch (JsonProcessingException e) {
                    throw malformed("not JSON");
                }
                if (json == null || !json.isObject()) {
                    throw malformed("not a JSON object");
                }
            }
            return json;
        }

        JsonNode field(String name) {
            return json().path(name);
        }

        Schema schema(String what) {
            String type = field("schemaType").asText("AVRO");
            if (!type.equals("AVRO")) {
                throw new SchemaRegistryException("Schema registry " + base + ": " + what + " is a " + type + " schema, not Avro");
            }
            JsonNode text = field("schema");
            if (!text.isTextual()) {
                throw malformed("no \"schema\"");
            }
            try {
                return new Schema.Parser().parse(text.asText());
            } catch (SchemaParseException e) {
                throw new SchemaRegistryException("Schema registry " + base + ": " + what + " is not a valid Avro schema: "
                        + shortened(String.valueOf(e.getMessage())), e);
            }
        }

        /**
         * A 404 with one of the registry's own "not found" codes (subject 40401, version 40402,
         * schema 40403). Any other 404 means the URL is not a registry's, which must not pass
         * for "no such schema".
         */
        boolean notFound() {
            if (status != 404) {
                return false;
            }
            try {
                JsonNode error = JSON.readTree(body);
                int code = error == null ? 0 : error.path("error_code").asInt(0);
                return code == 40401 || code == 40402 || code == 40403;
            } catch (JsonProcessingException e) {
                return false;
            }
        }

        SchemaRegistryException failure() {
            String message;
            try {
                JsonNode error = JSON.readTree(body);
                message = error != null && error.hasNonNull("message")
                        ? error.get("message").asText() + (error.has("error_code") ? " (error code " + error.get("error_code").asText() + ")" : "")
                        : body;
            } catch (JsonProcessingException e) {
                message = body;
            }
            return new SchemaRegistryException("Schema registry " + base + " answered " + status + " to " + what
                    + (message.isBlank() ? "" : ": " + shortened(message)));
        }

        SchemaRegistryException malformed(String problem) {
            return new SchemaRegistryException("Schema registry " + base + " answered " + what + " with " + status
                    + " and a body that is not a registry response (" + problem + "): " + shortened(body));
        }
    }
}
