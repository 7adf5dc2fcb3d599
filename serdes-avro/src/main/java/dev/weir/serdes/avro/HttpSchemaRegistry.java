package dev.weir.serdes.avro;

import dev.weir.serdes.avro.internal.RegistryHttpClient;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/**
 * A {@link SchemaRegistry} that talks to a Confluent-compatible schema registry over HTTP or
 * HTTPS, with the JDK's HTTP client. It uses {@code POST /subjects/{subject}/versions},
 * {@code GET /schemas/ids/{id}} and {@code GET /subjects/{subject}/versions/{version}}, and
 * caches what never changes in a registry (ids, schemas by id, numbered versions), so a
 * serde asks once per schema, not once per record.
 *
 * <pre>{@code
 * SchemaRegistry registry = HttpSchemaRegistry.builder(URI.create("https://registry.example.com:8081"))
 *         .sslContext(sslContext)                 // optional: a trust store for a private CA
 *         .basicAuth(user, password)              // optional
 *         .build();
 * Serde<Click> clicks = AvroSerdes.specific(Click.class).registry(registry);
 * }</pre>
 *
 * <p>Credentials are never logged and never appear in exception messages or
 * {@link #describe()}, which is the base URL. Thread-safe.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

    private final RegistryHttpClient client;

    private HttpSchemaRegistry(RegistryHttpClient client) {
        this.client = client;
    }

    /**
     * A builder for the registry at {@code baseUri}, e.g. {@code http://127.0.0.1:8081}.
     *
     * @throws IllegalArgumentException when the URL is not http or https, has no host, or
     *                                  carries credentials (use {@link Builder#basicAuth})
     */
    public static Builder builder(URI baseUri) {
        return new Builder(baseUri);
    }

    @Override
    public int register(String subject, Schema schema) {
        return client.register(Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(schema, "schema"));
    }

    @Override
    public Optional<Schema> byId(int id) {
        return client.byId(id);
    }

    @Override
    public Optional<RegisteredSchema> bySubjectVersion(String subject, int version) {
        if (version < 1) {
            throw new IllegalArgumentException("Subject versions start at 1, got " + version);
        }
        return client.bySubjectVersion(Objects.requireNonNull(subject, "subject"), version);
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        return client.latest(Objects.requireNonNull(subject, "subject"));
    }

    /** The base URL, without credentials. */
    @Override
    public String describe() {
        return client.describe();
    }

    @Override
    public String toString() {
        return client.toString();
    }

    /** Configures an {@link HttpSchemaRegistry}. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {

        private final URI baseUri;
        private SSLContext sslContext;
        private String user;
        private String password;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder(URI baseUri) {
            Objects.requireNonNull(baseUri, "baseUri");
            if (baseUri.getRawUserInfo() != null) {
                // The URL is not repeated: it holds the password.
                throw new IllegalArgumentException("The schema registry URL must not carry credentials; pass them with basicAuth(user, password)");
            }
            String scheme = baseUri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || baseUri.getHost() == null) {
                throw new IllegalArgumentException("The schema registry URL must be http://host:port or https://host:port, got " + baseUri);
            }
            if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
                throw new IllegalArgumentException("The schema registry URL must not have a query or fragment, got " + baseUri);
            }
            this.baseUri = baseUri;
        }

        /** The TLS context for an https URL, e.g. one that trusts a private CA or presents a client certificate. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * Sends HTTP basic authentication with every request. Use it over https: basic auth
         * over plain http sends the password readable to anyone on the path.
         *
         * @throws IllegalArgumentException when {@code user} is empty or contains ':'
         */
        public Builder basicAuth(String user, String password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty() || user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("A basic-auth user name must be non-empty and contain no ':'");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        /** How long to wait for a connection; default 10 seconds. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for each answer; default 30 seconds. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** A new registry client with its own caches. */
        public HttpSchemaRegistry build() {
            return new HttpSchemaRegistry(new RegistryHttpClient(baseUri, sslContext, user, password, connectTimeout, requestTimeout));
        }

        private static Duration positive(Duration timeout, String name) {
            Objects.requireNonNull(timeout, name);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + timeout);
            }
            return timeout;
        }
    }
}
