package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.dsl.Table;
import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web endpoint of two workers of one app on a real broker: a key asked of either worker is
 * answered by its owner (read from its store, forwarded when the other worker was asked), with a
 * bearer token on every request; health, readiness, Prometheus metrics (lag, restore progress)
 * and the topology are served too.
 */
class WebEndpointOnKafkaTest {

    private static final String TOKEN = "s3cret-token";
    private static final int CUSTOMERS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static HttpResponse<String> get(String address, String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(r.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Orders keyed by customer, counted per customer: one sub-topology, so the table's tasks spread over both workers. */
    private static dev.weir.dsl.App app(String appId) {
        dev.weir.dsl.App app = dev.weir.dsl.App.create(appId);
        dev.weir.dsl.Topic<String, String> orders = app.topic(Counts.ORDERS, dev.weir.serdes.Serdes.string(),
                dev.weir.serdes.Serdes.string());
        Table<String, Long> table = app.table(Counts.TABLE, dev.weir.serdes.Serdes.string(), dev.weir.serdes.Serdes.longs(), 0L);
        app.stream(orders).count(table).to(app.topic(Counts.COUNTS, dev.weir.serdes.Serdes.string(), dev.weir.serdes.Serdes.longs()));
        return app;
    }

    private WorkerConfig config(String servers, String name) {
        return WorkerConfig.builder(servers).stateDir(dir.resolve(name)).guarantee(Guarantee.EXACTLY_ONCE)
                .consumerConfig("session.timeout.ms", 6000).consumerConfig("heartbeat.interval.ms", 1000)
                .webPort(0).webToken(TOKEN).build();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aKeyAskedOfEitherWorkerIsAnsweredByItsOwner() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic(Counts.ORDERS, 4);
            kafka.createTopic(Counts.COUNTS, 4);
            String servers = kafka.bootstrapServers();
            String app = "web-counts";
            try (Worker a = Worker.start(app(app).topology(), config(servers, "a"));
                 Worker b = Worker.start(app(app).topology(), config(servers, "b"))) {
                String addrA = a.webAddress().orElseThrow();
                String addrB = b.webAddress().orElseThrow();
                KafkaIO.await("both workers to run tasks", Duration.ofSeconds(60),
                        () -> !a.runningTasks().isEmpty() && !b.runningTasks().isEmpty()
                                && a.runningTasks().size() + b.runningTasks().size() == 4);
                Map<String, Long> expected = new HashMap<>();
                try (KafkaProducer<byte[], byte[]> producer = KafkaIO.producer(servers)) {
                    for (int i = 0; i < 400; i++) {
                        String customer = "customer-" + (i % CUSTOMERS);
                        KafkaIO.send(producer, Counts.ORDERS, customer, "order-" + i);
                        expected.merge(customer, 1L, Long::sum);
                    }
                }
                Map<String, java.util.List<Long>> counts = Chaos.readCommitted(servers, Counts.COUNTS, Duration.ofSeconds(60),
                        v -> Chaos.reached(v, expected));
                assertThat(Chaos.last(counts)).isEqualTo(expected);

                Set<String> owners = new HashSet<>();
                boolean forwarded = false;
                for (Map.Entry<String, Long> e : expected.entrySet()) {
                    HttpResponse<String> fromA = get(addrA, "/tables/" + Counts.TABLE + "/" + e.getKey(), TOKEN);
                    HttpResponse<String> fromB = get(addrB, "/tables/" + Counts.TABLE + "/" + e.getKey(), TOKEN);
                    assertThat(fromA.statusCode()).as("%s from %s: %s", e.getKey(), addrA, fromA.body()).isEqualTo(200);
                    assertThat(fromB.statusCode()).as("%s from %s: %s", e.getKey(), addrB, fromB.body()).isEqualTo(200);
                    JsonNode ja = JSON.readTree(fromA.body());
                    JsonNode jb = JSON.readTree(fromB.body());
                    assertThat(ja.path("value").asLong()).as(e.getKey()).isEqualTo(e.getValue());
                    assertThat(jb).as("the same answer, from the owner, whichever worker was asked").isEqualTo(ja);
                    owners.add(ja.path("owner").asText());
                    forwarded |= fromA.headers().firstValue("X-Weir-Owner").isPresent()
                            || fromB.headers().firstValue("X-Weir-Owner").isPresent();
                    @SuppressWarnings("unchecked")
                    Table<String, Long> table = (Table<String, Long>) app(app).topology().tables().get(Counts.TABLE);
                    String owner = ja.path("owner").asText();
                    assertThat(a.ownerOf(table, e.getKey())).as("the Java API names the same owner").contains(owner);
                    Worker local = owner.equals(addrA) ? a : b;
                    assertThat(local.get(table, e.getKey())).isEqualTo(e.getValue());
                }
                assertThat(owners).as("both workers own keys").containsExactlyInAnyOrder(addrA, addrB);
                assertThat(forwarded).as("some keys were answered by the other worker").isTrue();

                assertThat(get(addrA, "/tables/" + Counts.TABLE + "/customer-1", null).statusCode()).as("no token").isEqualTo(401);
                assertThat(get(addrA, "/tables/" + Counts.TABLE + "/customer-1", "wrong").statusCode()).isEqualTo(401);
                assertThat(get(addrA, "/tables/no-such-table/k", TOKEN).body()).contains("No table \"no-such-table\"");
                assertThat(get(addrA, "/health", TOKEN).statusCode()).isEqualTo(200);
                KafkaIO.await("worker a to be ready", Duration.ofSeconds(30), () -> status(addrA, "/ready") == 200);
                String metrics = get(addrA, "/metrics", TOKEN).body();
                assertThat(metrics).contains("weir_records_processed_total", "weir_restore_remaining", "weir_restore_rate",
                        "weir_consumer_lag{", "weir_task_records_in_total{", "weir_task_records_out_total{",
                        "weir_process_latency_seconds_count", "weir_commit_latency_seconds_count", "weir_rocksdb_memory_bytes",
                        "weir_rebalances_total");
                long in = metrics.lines().filter(l -> l.startsWith("weir_task_records_in_total{"))
                        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                assertThat(in).as("records in, summed over worker a's tasks").isPositive();
                assertThat(get(addrB, "/topology", TOKEN).body()).contains("Topology of app \"web-counts\"");
                assertThat(get(addrB, "/topology?format=mermaid", TOKEN).body()).startsWith("flowchart LR");
            }
        }
    }

    private static int status(String address, String path) {
        try {
            return get(address, path, TOKEN).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
