package dev.weir.runtime.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weir.dsl.Table;
import dev.weir.dsl.Window;
import dev.weir.topology.Topology;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's web endpoint, on the JDK's HTTP server: {@code GET /tables/{table}/{key}} answers
 * from this worker's store when it owns the key's task and otherwise asks the worker that does
 * (named in the group's assignment), {@code /health} (live), {@code /ready} (every task it holds
 * runs, none restores), {@code /metrics} (Prometheus text) and {@code /topology} (text, or
 * Mermaid with {@code ?format=mermaid}). With a token every request needs
 * {@code Authorization: Bearer <token>}.
 */
public final class WebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORWARDED = "X-Weir-Forwarded";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** What the endpoint asks the worker. */
    public interface Host {
        Topology topology();

        /** Whether the worker is running (not stopping, stopped or failed). */
        boolean live();

        /** Why the worker is not ready, or empty when every task it holds runs. */
        Optional<String> notReady();

        /** The meters in Prometheus' text format. */
        String scrape();

        /** The endpoint ({@code host:port}) of the worker that owns {@code partition} of {@code table}'s tasks, if known. */
        Optional<String> ownerOf(Table<?, ?> table, int partition);

        /** The partition of {@code table} that holds {@code key}, as the worker places it. @throws RuntimeException from the key serde */
        int partitionOf(Table<?, ?> table, Object key);

        /**
         * Reads {@code key} (or, windowed, its windows) from {@code table}'s partition on this worker;
         * empty when this worker does not run that task.
         */
        Optional<Lookup> read(Table<?, ?> table, int partition, Object key) throws Exception;
    }

    /** A local read: the value, or for a windowed table its windows. */
    public record Lookup(Object value, Map<Window, Object> windows) {
    }

    private final Host host;
    private final String token;
    private final String self;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private WebServer(Host host, String token, HttpServer server, ExecutorService executor) {
        this.host = host;
        this.token = token;
        this.server = server;
        this.executor = executor;
        this.self = server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    /**
     * Binds {@code bindHost:port} (0: a free port) and starts serving.
     *
     * @throws IOException when the address cannot be bound
     */
    public static WebServer start(Host host, String bindHost, int port, String token) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindHost, port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, host.topology().appId() + "-web");
            t.setDaemon(true);
            return t;
        });
        WebServer web = new WebServer(host, token, server, executor);
        server.createContext("/", web::handle);
        server.setExecutor(executor);
        server.start();
        log.info("Web endpoint of app {} at http://{}/", host.topology().appId(), web.self);
        return web;
    }

    /** The address served, {@code host:port}. */
    public String address() {
        return self;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "Only GET is served here\n");
                return;
            }
            if (token != null && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                send(exchange, 401, "text/plain", "This endpoint needs Authorization: Bearer <token>\n");
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            switch (path) {
                case "/health" -> send(exchange, host.live() ? 200 : 503, "text/plain", host.live() ? "live\n" : "not running\n");
                case "/ready" -> {
                    Optional<String> why = host.notReady();
                    send(exchange, why.isEmpty() ? 200 : 503, "text/plain", why.map(w -> w + "\n").orElse("ready\n"));
                }
                case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", host.scrape());
                case "/topology" -> send(exchange, 200, "text/plain; charset=utf-8",
                        "format=mermaid".equals(exchange.getRequestURI().getRawQuery()) ? host.topology().toMermaid()
                                : host.topology().describe());
                default -> {
                    if (path.startsWith("/tables/")) {
                        table(exchange, path.substring("/tables/".length()));
                    } else {
                        send(exchange, 404, "text/plain", "No such page; try /tables/{table}/{key}, /health, /ready, /metrics,"
                                + " /topology\n");
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("Web request {} failed", exchange.getRequestURI(), e);
        }
    }

    private boolean authorized(String header) {
        String expected = "Bearer " + token;
        return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private void table(HttpExchange exchange, String rest) throws IOException {
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            send(exchange, 400, "text/plain", "Ask for /tables/{table}/{key}\n");
            return;
        }
        String name = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
        String keyText = URLDecoder.decode(rest.substring(slash + 1), StandardCharsets.UTF_8);
        Table<?, ?> table = host.topology().tables().get(name);
        if (table == null) {
            send(exchange, 404, "text/plain", "No table \"" + name + "\" in app \"" + host.topology().appId() + "\"; tables: "
                    + host.topology().tables().keySet() + "\n");
            return;
        }
        Object key;
        int partition;
        try {
            key = table.keySerde().parse(keyText);
            partition = host.partitionOf(table, key);
        } catch (RuntimeException e) {
            send(exchange, 400, "text/plain", "Key \"" + keyText + "\" is not a key of table \"" + name + "\" (key serde "
                    + table.keySerde().describe() + "): " + e.getMessage() + "\n");
            return;
        }
        Optional<Lookup> local;
        try {
            local = host.read(table, partition, key);
        } catch (Exception e) {
            send(exchange, 500, "text/plain", "Reading key " + keyText + " of table \"" + name + "\" failed: " + e + "\n");
            return;
        }
        if (local.isPresent()) {
            send(exchange, 200, "application/json", render(name, keyText, partition, local.get()));
            return;
        }
        Optional<String> owner = host.ownerOf(table, partition);
        if (owner.isEmpty() || owner.get().equals(self) || exchange.getRequestHeaders().containsKey(FORWARDED)) {
            send(exchange, 503, "text/plain", "Partition " + partition + " of table \"" + name + "\" has no running owner"
                    + owner.map(o -> " (assigned to " + o + ", which does not run it yet)").orElse(" known to this worker")
                    + "; it may be restoring or moving: try again\n");
            return;
        }
        forward(exchange, owner.get());
    }

    private void forward(HttpExchange exchange, String owner) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + owner + exchange.getRequestURI().getRawPath()))
                .timeout(READ_TIMEOUT).header(FORWARDED, self).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            exchange.getResponseHeaders().add("X-Weir-Owner", owner);
            send(exchange, response.statusCode(), response.headers().firstValue("Content-Type").orElse("text/plain"),
                    response.body());
        } catch (IOException e) {
            send(exchange, 502, "text/plain", "The owner of the key, " + owner + ", did not answer: " + e.getMessage() + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(exchange, 503, "text/plain", "Interrupted while asking " + owner + "\n");
        }
    }

    private String render(String table, String key, int partition, Lookup lookup) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("table", table);
        root.put("key", key);
        root.put("partition", partition);
        root.put("owner", self);
        if (lookup.windows() != null) {
            ArrayNode windows = root.putArray("windows");
            lookup.windows().forEach((w, v) -> {
                ObjectNode o = windows.addObject();
                o.put("start", w.start());
                o.put("end", w.end());
                o.set("value", json(v));
            });
        } else {
            root.set("value", json(lookup.value()));
        }
        return JSON.writeValueAsString(root) + "\n";
    }

    private static com.fasterxml.jackson.databind.JsonNode json(Object value) {
        try {
            return JSON.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return JSON.getNodeFactory().textNode(String.valueOf(value));     // a type Jackson cannot bind (an Avro record, say)
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
