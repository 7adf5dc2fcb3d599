package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSchemaRegistryTest {

    private static final String PASSWORD = "s3cret-Pa55word";

    private FakeRegistryServer server;

    @BeforeEach
    void start() throws IOException {
        server = FakeRegistryServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpSchemaRegistry client() {
        return HttpSchemaRegistry.builder(server.uri()).build();
    }

    @Test
    void registersAndLooksUpByIdBySubjectVersionAndLatest() {
        HttpSchemaRegistry registry = client();

        int v1 = registry.register("clicks-value", TestSchemas.CLICK_V1);
        int v2 = registry.register("clicks-value", TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT);

        assertThat(List.of(v1, v2)).containsExactly(1, 2);
        assertThat(HttpSchemaRegistry.builder(server.uri()).build().byId(2)).contains(TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT);
        assertThat(registry.bySubjectVersion("clicks-value", 1)).contains(new RegisteredSchema("clicks-value", 1, 1, TestSchemas.CLICK_V1));
        assertThat(registry.latest("clicks-value")).contains(new RegisteredSchema("clicks-value", 2, 2, TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT));
        assertThat(server.requests).contains("POST /subjects/clicks-value/versions", "GET /subjects/clicks-value/versions/1",
                "GET /subjects/clicks-value/versions/latest");
    }

    @Test
    void idsSchemasAndNumberedVersionsAreAskedOnceButLatestEveryTime() {
        HttpSchemaRegistry writer = client();
        writer.register("clicks-value", TestSchemas.CLICK_V1);
        writer.register("clicks-value", TestSchemas.CLICK_V1);
        HttpSchemaRegistry reader = client();
        for (int i = 0; i < 3; i++) {
            reader.byId(1);
            reader.bySubjectVersion("clicks-value", 1);
            reader.latest("clicks-value");
        }

        assertThat(server.requests).containsExactly(
                "POST /subjects/clicks-value/versions",
                "GET /schemas/ids/1",
                "GET /subjects/clicks-value/versions/1",
                "GET /subjects/clicks-value/versions/latest",
                "GET /subjects/clicks-value/versions/latest",
                "GET /subjects/clicks-value/versions/latest");
    }

    @Test
    void whatTheRegistryDoesNotHaveIsEmpty() {
        HttpSchemaRegistry registry = client();
        registry.register("clicks-value", TestSchemas.CLICK_V1);

        assertThat(registry.byId(42)).isEmpty();
        assertThat(registry.bySubjectVersion("clicks-value", 7)).isEmpty();
        assertThat(registry.latest("views-value")).isEmpty();
    }

    @Test
    void subjectsArePercentEncodedInThePath() {
        HttpSchemaRegistry registry = client();

        registry.register("odd subject/with+chars", TestSchemas.CLICK_V1);

        assertThat(server.requests).containsExactly("POST /subjects/odd%20subject%2Fwith%2Bchars/versions");
        assertThat(server.registry.latest("odd subject/with+chars")).isPresent();
    }

    @Test
    void theSerdesRoundTripThroughTheHttpRegistryAndNameItWhenAnIdIsUnknown() {
        Serde<GenericRecord> writer = AvroSerdes.generic(TestSchemas.CLICK_V1).registry(client());
        Serde<GenericRecord> reader = AvroSerdes.generic(TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT).registry(client());

        byte[] bytes = writer.serialize("clicks", Headers.create(), TestSchemas.clickV1("a@b.c", "/cart", 5));

        assertThat(reader.deserialize("clicks", Headers.create(), bytes).get("referrer").toString()).isEqualTo("direct");
        assertThatThrownBy(() -> reader.deserialize("clicks", Headers.create(), new byte[] {0, 0, 0, 0, 42, 0}))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize avro(Click, registry): unknown schema id 42 in subject clicks-value (registry " + server.uri() + ")");
    }

    @Test
    void basicAuthIsSentAndAWrongPasswordNeverAppearsInTheMessage() {
        server.requireAuthorization("Basic " + Base64.getEncoder().encodeToString(("weir:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        HttpSchemaRegistry good = HttpSchemaRegistry.builder(server.uri()).basicAuth("weir", PASSWORD).build();
        HttpSchemaRegistry bad = HttpSchemaRegistry.builder(server.uri()).basicAuth("weir", "wrong-" + PASSWORD).build();

        assertThat(good.register("clicks-value", TestSchemas.CLICK_V1)).isEqualTo(1);
        assertThatThrownBy(() -> bad.byId(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessage("Schema registry " + server.uri() + " answered 401 to GET /schemas/ids/1: Unauthorized (error code 401)")
                .satisfies(e -> assertThat(e.toString()).doesNotContain(PASSWORD).doesNotContain("weir:"));
        assertThat(bad.toString()).isEqualTo("SchemaRegistry{" + server.uri() + "}");
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> HttpSchemaRegistry.builder(URI.create("http://weir:" + PASSWORD + "@127.0.0.1:8081")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The schema registry URL must not carry credentials; pass them with basicAuth(user, password)");
    }

    @Test
    void anUnreachableRegistryIsASchemaRegistryExceptionNamingTheUrl() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        HttpSchemaRegistry registry = HttpSchemaRegistry.builder(URI.create("http://127.0.0.1:" + port))
                .connectTimeout(Duration.ofSeconds(2)).build();

        assertThatThrownBy(() -> registry.byId(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("Cannot reach schema registry http://127.0.0.1:" + port + " for GET /schemas/ids/1: ");
    }

    @Test
    void aSchemaOfAnotherTypeIsRefused() {
        server.registry.register("clicks-value", TestSchemas.CLICK_V1);
        server.foreignSchemaTypes.put(1, "PROTOBUF");

        assertThatThrownBy(() -> client().byId(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessage("Schema registry " + server.uri() + ": schema id 1 is a PROTOBUF schema, not Avro");
    }

    @Test
    void anAnswerThatIsNotARegistryResponseSaysSo() throws IOException {
        try (FakeRegistryServer other = FakeRegistryServer.http()) {
            HttpSchemaRegistry registry = HttpSchemaRegistry.builder(URI.create(other.uri() + "/not-a-registry")).build();

            assertThatThrownBy(() -> registry.byId(1))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessage("Schema registry " + other.uri() + "/not-a-registry answered 404 to GET /schemas/ids/1: HTTP 404 Not Found (error code 404)");
        }
    }

    @Test
    void tlsWithATrustedCertificateWorksAndAnUntrustedOneIsRefused(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("registry.p12");
        char[] storePassword = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, storePassword);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, storePassword);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trust.getTrustManagers(), null);

        try (FakeRegistryServer https = FakeRegistryServer.https(serverContext)) {
            HttpSchemaRegistry trusting = HttpSchemaRegistry.builder(https.uri()).sslContext(clientContext).build();
            HttpSchemaRegistry defaultTrust = HttpSchemaRegistry.builder(https.uri()).build();

            assertThat(trusting.register("clicks-value", TestSchemas.CLICK_V1)).isEqualTo(1);
            assertThat(https.uri().getScheme()).isEqualTo("https");
            assertThatThrownBy(() -> defaultTrust.byId(1))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageStartingWith("Cannot reach schema registry " + https.uri() + " for GET /schemas/ids/1: ");
        }
    }
}
