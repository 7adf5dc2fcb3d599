package dev.weir.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report turns JMH's JSON into records/s, medians, spreads and ratios correctly. */
class ReportTest {

    private static String result(String benchmark, String mode, String unit, String params, String rawData) {
        return """
                {"jmhVersion":"1.37","benchmark":"dev.weir.benchmarks.%s","mode":"%s","forks":1,
                 "jvmArgs":["-Xmx2g"],"jdkVersion":"17.0.15","vmName":"OpenJDK 64-Bit Server VM","vmVersion":"17.0.15+6",
                 "warmupIterations":2,"measurementIterations":3,"measurementTime":"3 s","params":{%s},
                 "primaryMetric":{"score":0,"scoreError":"NaN","scoreUnit":"%s","rawData":%s},"secondaryMetrics":{}}
                """.formatted(benchmark, mode, params, unit, rawData);
    }

    private static String report(String... results) throws Exception {
        JsonNode root = new ObjectMapper().readTree("[" + String.join(",", results) + "]");
        List<JsonNode> list = new ArrayList<>();
        root.forEach(list::add);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Report.print(list, new Report.Machine("AMD EPYC", 2, "23 GiB RAM", "Linux"), Instant.parse("2026-03-01T12:00:00Z"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void inMemoryMediansSpreadAndRatioAgainstTheGoal() throws Exception {
        String out = report(
                result("InMemoryStatelessBenchmark.kafkaStreams", "thrpt", "ops/s", "", "[[100000, 300000], [200000]]"),
                result("InMemoryStatelessBenchmark.weir", "thrpt", "ops/ms", "", "[[900, 1100, 1000]]"));
        assertThat(out)
                .contains("| Machine | AMD EPYC, 2 cores, 23 GiB RAM, Linux |")
                .contains("| JDK | 17.0.15 (OpenJDK 64-Bit Server VM 17.0.15+6) |")
                .contains("| Date | 2026-03-01 |")
                .contains("| Kafka Streams `TopologyTestDriver` | 200,000 | 100,000 – 300,000 | 3 |")
                .contains("| Weir `TestDriver` | 1,000,000 | 900,000 – 1,100,000 | 3 |")
                .contains("| Weir `TestDriver` / Kafka Streams `TopologyTestDriver` | 5.00x | ≥ 5.00x: met |")
                .doesNotContain("indicative only");
    }

    @Test
    void endToEndPassTimesBecomeRecordsPerSecondOfThePass() throws Exception {
        String params = "\"records\":\"1000000\"";
        String out = report(
                result("EndToEndStatelessBenchmark.plainClientLoop", "ss", "ms/op", params, "[[2000, 2500, 4000]]"),
                result("EndToEndStatelessBenchmark.kafkaStreams", "ss", "s/op", params, "[[4, 5, 5]]"),
                result("EndToEndStatelessBenchmark.weir", "ss", "ms/op", params, "[[2500, 2600, 3000, 2400]]"));
        assertThat(out)
                .contains("(records=1000000)")
                .contains("| Plain consumer → producer loop | 400,000 | 250,000 – 500,000 | 3 |")
                .contains("| Kafka Streams | 200,000 | 200,000 – 250,000 | 3 |")
                .contains("| Weir `Worker` | 392,308 | 333,333 – 416,667 | 4 |")
                .contains("| Weir `Worker` / Plain consumer → producer loop | 0.98x | ≥ 0.95x: met |")
                .contains("| Kafka Streams / Plain consumer → producer loop | 0.50x | - |")
                .contains("| Weir `Worker` / Kafka Streams | 1.96x | - |")
                .contains("max.poll.records=1000");
    }

    @Test
    void fewerThanThreeMeasurementsAreMarkedIndicative() throws Exception {
        String out = report(
                result("InMemoryStatelessBenchmark.kafkaStreams", "thrpt", "ops/s", "", "[[100000]]"),
                result("InMemoryStatelessBenchmark.weir", "thrpt", "ops/s", "", "[[300000]]"));
        assertThat(out).contains("Fewer than 3 measured iterations per contender: indicative only")
                .contains("| 3.00x | ≥ 5.00x: **not met** |");
    }

    @Test
    void unknownBenchmarksAreListedAsJmhScoredThem() throws Exception {
        String out = report(result("serdes.JsonSerdeBenchmark.weir", "thrpt", "ops/s", "\"size\":\"small\"", "[[5, 7]]"));
        assertThat(out).contains("### Other benchmarks").contains("| JsonSerdeBenchmark.weir | size=small | thrpt | 0.00 |");
    }

    @Test
    void unitsConvert() {
        assertThat(Report.opsPerSecond("ops/ms", 2)).isEqualTo(2000, within(1e-9));
        assertThat(Report.secondsPerOp("us/op", 5)).isEqualTo(5e-6, within(1e-15));
    }
}
