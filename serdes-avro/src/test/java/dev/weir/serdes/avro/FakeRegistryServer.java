package dev.weir.serdes.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/**
 * The few endpoints of a Confluent-compatible schema registry that the client uses, over an
 * in-memory registry, on 127.0.0.1 and a free port: {@code POST /subjects/{s}/versions},
 * {@code GET /schemas/ids/{id}}, {@code GET /subjects/{s}/versions/{v}}. Records every
 * request line and can demand basic auth.
 */
final class FakeRegistryServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(-?\\d+)");
    private static final Pattern BY_VERSION = Pattern.compile("/subjects/([^/]+)/versions/(latest|\\d+)");

    final SchemaRegistry registry = SchemaRegistry.inMemory();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final ConcurrentHashMap<Integer, String> foreignSchemaTypes = new ConcurrentHashMap<>();
    private final HttpServer server;
    private volatile String requiredAuthorization;

    private FakeRegistryServer(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.start();
    }

    static FakeRegistryServer http() throws IOException {
        return new FakeRegistryServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    static FakeRegistryServer https(SSLContext context) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        return new FakeRegistryServer(server);
    }

    URI uri() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Demands this exact Authorization header from now on. */
    void requireAuthorization(String header) {
        this.requiredAuthorization = header;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            requests.add(exchange.getRequestMethod() + " " + path);
            if (requiredAuthorization != null && !requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            Matcher m;
            if (exchange.getRequestMethod().equals("POST") && (m = REGISTER.matcher(path)).matches()) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                Schema schema;
                try {
                    schema = new Schema.Parser().parse(body.get("schema").asText());
                } catch (RuntimeException e) {
                    answer(exchange, 422, error(42201, "Invalid schema"));
                    return;
                }
                int id = registry.register(decode(m.group(1)), schema);
                answer(exchange, 200, JSON.createObjectNode().put("id", id));
            } else if (exchange.getRequestMethod().equals("GET") && (m = BY_ID.matcher(path)).matches()) {
                int id = Integer.parseInt(m.group(1));
                Optional<Schema> schema = registry.byId(id);
                if (schema.isEmpty()) {
                    answer(exchange, 404, error(40403, "Schema " + id + " not found"));
                    return;
                }
                ObjectNode out = JSON.createObjectNode().put("schema", schema.get().toString());
                if (foreignSchemaTypes.containsKey(id)) {
                    out.put("schemaType", foreignSchemaTypes.get(id));
                }
                answer(exchange, 200, out);
            } else if (exchange.getRequestMethod().equals("GET") && (m = BY_VERSION.matcher(path)).matches()) {
                String subject = decode(m.group(1));
                Optional<RegisteredSchema> found = m.group(2).equals("latest")
                        ? registry.latest(subject)
                        : registry.bySubjectVersion(subject, Integer.parseInt(m.group(2)));
                if (found.isEmpty()) {
                    answer(exchange, 404, error(registry.latest(subject).isEmpty() ? 40401 : 40402, "Subject or version not found"));
                    return;
                }
                RegisteredSchema r = found.get();
                answer(exchange, 200, JSON.createObjectNode().put("subject", r.subject()).put("version", r.version())
                        .put("id", r.id()).put("schema", r.schema().toString()));
            } else {
                answer(exchange, 404, error(404, "HTTP 404 Not Found"));
            }
        }
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
