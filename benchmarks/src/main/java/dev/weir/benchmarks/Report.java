package dev.weir.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Prints JMH results (the JSON of {@code -rf json -rff FILE}) as the markdown table the README
 * keeps: the machine (cores, CPU model, memory), the JDK, the date, records per second of every
 * contender (median over all measured iterations or passes, with the lowest and highest as the
 * spread), and the ratios the issues set goals for.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.weir.benchmarks.Report benchmarks/target/results.json
 * </pre>
 *
 * <p>Benchmarks it knows are grouped as sections with their contenders and ratios; any other
 * benchmark in the file is listed as JMH scored it, so new benchmarks show up before they get a
 * section here.
 */
public final class Report {

    /** How one benchmark's score becomes records per second. */
    enum Kind {
        /** Throughput mode; one operation is one input record. */
        RECORDS_PER_OP,
        /** Single-shot mode; one operation is a pass over {@code records} input records (a JMH param). */
        PASS_OVER_RECORDS
    }

    record Contender(String method, String label) {
    }

    /** {@code numerator / denominator} of records/s; {@code goal} is NaN when no issue sets one. */
    record Ratio(String numerator, String denominator, double goal) {
    }

    record Section(String benchmarkClass, String title, Kind kind, List<Contender> contenders, List<Ratio> ratios) {
    }

    static final List<Section> SECTIONS = List.of(
            new Section("InMemoryStatelessBenchmark",
                    "In memory: filter + mapValues, " + String.format(Locale.ROOT, "%,d", InMemoryStatelessBenchmark.BATCH)
                            + "-record batches through a fresh test driver, output read back and counted",
                    Kind.RECORDS_PER_OP,
                    List.of(new Contender("kafkaStreams", "Kafka Streams `TopologyTestDriver`"),
                            new Contender("weir", "Weir `TestDriver`")),
                    List.of(new Ratio("weir", "kafkaStreams", 5.0))),
            new Section("EndToEndStatelessBenchmark",
                    "End to end on the embedded broker: filter + mapValues, " + EndToEndStatelessBenchmark.PARTITIONS
                            + " partitions, " + String.format(Locale.ROOT, "%,d", StatelessWorkload.DISTINCT_KEYS)
                            + " keys, 100-byte values, one processing thread each",
                    Kind.PASS_OVER_RECORDS,
                    List.of(new Contender("plainClientLoop", "Plain consumer → producer loop"),
                            new Contender("kafkaStreams", "Kafka Streams"),
                            new Contender("weir", "Weir `Worker`"),
                            new Contender("kafkaStreamsExactlyOnce", "Kafka Streams, `exactly_once_v2`"),
                            new Contender("weirExactlyOnce", "Weir `Worker`, `EXACTLY_ONCE`"),
                            new Contender("plainClientLoopExactlyOnce", "Plain loop, transactional")),
                    List.of(new Ratio("weir", "plainClientLoop", 0.95),
                            new Ratio("kafkaStreams", "plainClientLoop", Double.NaN),
                            new Ratio("weir", "kafkaStreams", Double.NaN),
                            new Ratio("weirExactlyOnce", "kafkaStreamsExactlyOnce", 1.5),
                            new Ratio("weirExactlyOnce", "weir", 0.8),
                            new Ratio("plainClientLoopExactlyOnce", "plainClientLoop", Double.NaN),
                            new Ratio("weirExactlyOnce", "plainClientLoopExactlyOnce", Double.NaN))),
            new Section("InMemoryCountBenchmark",
                    "In memory: groupBy + count into an in-memory table, " + String.format(Locale.ROOT, "%,d", InMemoryCountBenchmark.BATCH)
                            + "-record batches through a fresh test driver, every count update read back, final counts verified",
                    Kind.RECORDS_PER_OP,
                    List.of(new Contender("kafkaStreams", "Kafka Streams `TopologyTestDriver`"),
                            new Contender("weir", "Weir `TestDriver`")),
                    List.of(new Ratio("weir", "kafkaStreams", 5.0))),
            new Section("EndToEndCountBenchmark",
                    "End to end on the embedded broker: groupBy + count into RocksDB with a changelog, " + EndToEndCountBenchmark.PARTITIONS
                            + " partitions, " + String.format(Locale.ROOT, "%,d", StatelessWorkload.DISTINCT_KEYS)
                            + " keys, one processing thread each, pass ends when every record is processed (the commit that follows is waited for and checked)",
                    Kind.PASS_OVER_RECORDS,
                    List.of(new Contender("kafkaStreams", "Kafka Streams"),
                            new Contender("weir", "Weir `Worker`"),
                            new Contender("kafkaStreamsExactlyOnce", "Kafka Streams, `exactly_once_v2`"),
                            new Contender("weirExactlyOnce", "Weir `Worker`, `EXACTLY_ONCE`"),
                            new Contender("kafkaStreamsWindowed", "Kafka Streams, 1-minute windows"),
                            new Contender("weirWindowed", "Weir `Worker`, 1-minute windows")),
                    List.of(new Ratio("weir", "kafkaStreams", 1.5),
                            new Ratio("weirExactlyOnce", "kafkaStreamsExactlyOnce", 1.5),
                            new Ratio("weirExactlyOnce", "weir", 0.8),
                            new Ratio("weirWindowed", "kafkaStreamsWindowed", 1.5))),
            new Section("EndToEndJoinBenchmark",
                    "End to end on the embedded broker: a stream joined with a RocksDB table of "
                            + String.format(Locale.ROOT, "%,d", StatelessWorkload.DISTINCT_KEYS) + " user profiles fed by its own topic, "
                            + EndToEndJoinBenchmark.PARTITIONS + " partitions, one processing thread each, every output checked",
                    Kind.PASS_OVER_RECORDS,
                    List.of(new Contender("kafkaStreams", "Kafka Streams"),
                            new Contender("weir", "Weir `Worker`")),
                    List.of(new Ratio("weir", "kafkaStreams", 1.5))),
            new Section("RestoreBenchmark",
                    "Restore: an empty RocksDB store rebuilt from a " + RestoreBenchmark.PARTITIONS
                            + "-partition changelog of distinct keys (records/s = keys restored per second)",
                    Kind.PASS_OVER_RECORDS,
                    List.of(new Contender("kafkaStreams", "Kafka Streams"),
                            new Contender("weir", "Weir `Worker`")),
                    List.of(new Ratio("weir", "kafkaStreams", 2.0))));

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Report RESULTS.json [MORE.json ...]   (JMH's -rf json -rff output)");
            System.exit(2);
        }
        List<JsonNode> results = new ArrayList<>();
        Instant newest = Instant.EPOCH;
        ObjectMapper mapper = new ObjectMapper();
        for (String arg : args) {
            Path file = Path.of(arg);
            JsonNode root = mapper.readTree(file.toFile());
            if (!root.isArray()) {
                throw new IllegalArgumentException(file + " is not JMH's JSON result format (an array of benchmarks)");
            }
            root.forEach(results::add);
            Instant modified = Files.getLastModifiedTime(file).toInstant();
            newest = modified.isAfter(newest) ? modified : newest;
        }
        print(results, Machine.current(), newest, System.out);
    }

    /** The whole report. */
    static void print(List<JsonNode> results, Machine machine, Instant date, PrintStream out) {
        out.println("## Benchmark results");
        out.println();
        out.println("| | |");
        out.println("| --- | --- |");
        out.println("| Machine | " + machine.describe() + " |");
        out.println("| JDK | " + jdk(results) + " |");
        out.println("| Date | " + DateTimeFormatter.ISO_LOCAL_DATE.format(date.atZone(ZoneOffset.UTC)) + " |");
        out.println("| JMH | " + (results.isEmpty() ? "-" : text(results.get(0), "jmhVersion")) + " |");
        List<JsonNode> rest = new ArrayList<>(results);
        for (Section section : SECTIONS) {
            Map<String, List<JsonNode>> byParams = new TreeMap<>();
            for (JsonNode r : results) {
                if (section.benchmarkClass().equals(className(r))) {
                    byParams.computeIfAbsent(params(r), p -> new ArrayList<>()).add(r);
                    rest.remove(r);
                }
            }
            byParams.forEach((params, rs) -> printSection(section, params, rs, out));
        }
        if (!rest.isEmpty()) {
            out.println();
            out.println("### Other benchmarks");
            out.println();
            out.println("| Benchmark | Params | Mode | Score | Error (99.9%) | Unit |");
            out.println("| --- | --- | --- | ---: | ---: | --- |");
            for (JsonNode r : rest) {
                JsonNode m = r.path("primaryMetric");
                out.println("| " + shortName(r) + " | " + params(r) + " | " + text(r, "mode") + " | "
                        + number(m.path("score").asDouble()) + " | " + number(m.path("scoreError").asDouble(Double.NaN)) + " | "
                        + text(m, "scoreUnit") + " |");
            }
        }
    }

    private static void printSection(Section section, String params, List<JsonNode> results, PrintStream out) {
        Map<String, Stats> stats = new LinkedHashMap<>();
        Map<String, JsonNode> byMethod = new LinkedHashMap<>();
        for (JsonNode r : results) {
            byMethod.put(methodName(r), r);
        }
        out.println();
        out.println("### " + section.title() + (params.isEmpty() ? "" : " (" + params + ")"));
        out.println();
        JsonNode any = results.get(0);
        out.println("JMH: " + text(any, "mode") + ", " + any.path("forks").asInt() + " fork(s) × "
                + any.path("warmupIterations").asInt() + " warm-up + " + any.path("measurementIterations").asInt()
                + " measured " + (section.kind() == Kind.PASS_OVER_RECORDS ? "passes" : "iterations of " + text(any, "measurementTime"))
                + "; fork JVM args " + jvmArgs(any) + ".");
        if (section.kind() == Kind.PASS_OVER_RECORDS) {
            out.println("Client settings of every contender: " + ClientSettings.describe() + ".");
        }
        out.println();
        out.println("| Contender | records/s (median) | spread (min – max) | measured |");
        out.println("| --- | ---: | ---: | ---: |");
        for (Contender c : section.contenders()) {
            JsonNode r = byMethod.remove(c.method());
            if (r == null) {
                continue;
            }
            Stats s = Stats.of(recordsPerSecond(section.kind(), r));
            stats.put(c.method(), s);
            out.println("| " + c.label() + " | " + number(s.median()) + " | " + number(s.min()) + " – " + number(s.max()) + " | "
                    + s.count() + " |");
        }
        for (Map.Entry<String, JsonNode> e : byMethod.entrySet()) {
            Stats s = Stats.of(recordsPerSecond(section.kind(), e.getValue()));
            stats.put(e.getKey(), s);
            out.println("| " + e.getKey() + " | " + number(s.median()) + " | " + number(s.min()) + " – " + number(s.max()) + " | "
                    + s.count() + " |");
        }
        if (stats.values().stream().anyMatch(s -> s.count() < 3)) {
            out.println();
            out.println("Fewer than 3 measured " + (section.kind() == Kind.PASS_OVER_RECORDS ? "passes" : "iterations")
                    + " per contender: indicative only, not a result.");
        }
        List<Ratio> ratios = section.ratios().stream()
                .filter(q -> stats.containsKey(q.numerator()) && stats.containsKey(q.denominator())).toList();
        if (ratios.isEmpty()) {
            return;
        }
        out.println();
        out.println("| Ratio of medians | value | goal |");
        out.println("| --- | ---: | --- |");
        for (Ratio q : ratios) {
            double value = stats.get(q.numerator()).median() / stats.get(q.denominator()).median();
            String goal = Double.isNaN(q.goal()) ? "-"
                    : String.format(Locale.ROOT, "≥ %.2fx: %s", q.goal(), value >= q.goal() ? "met" : "**not met**");
            out.println("| " + label(section, q.numerator()) + " / " + label(section, q.denominator()) + " | "
                    + String.format(Locale.ROOT, "%.2fx", value) + " | " + goal + " |");
        }
    }

    /** Records per second of every measured iteration (throughput) or pass (single shot). */
    static double[] recordsPerSecond(Kind kind, JsonNode result) {
        JsonNode metric = result.path("primaryMetric");
        String unit = text(metric, "scoreUnit");
        List<Double> raw = new ArrayList<>();
        metric.path("rawData").forEach(fork -> fork.forEach(v -> raw.add(v.asDouble())));
        double[] out = new double[raw.size()];
        for (int i = 0; i < out.length; i++) {
            double v = raw.get(i);
            if (kind == Kind.RECORDS_PER_OP) {
                out[i] = opsPerSecond(unit, v);
            } else {
                String records = result.path("params").path("records").asText(null);
                if (records == null) {
                    throw new IllegalArgumentException(shortName(result) + " has no \"records\" param");
                }
                out[i] = Long.parseLong(records) / secondsPerOp(unit, v);
            }
        }
        return out;
    }

    /** A throughput score ({@code ops/s}, {@code ops/ms}, ...) in operations per second. */
    static double opsPerSecond(String unit, double value) {
        if (!unit.startsWith("ops/")) {
            throw new IllegalArgumentException("not a throughput unit: " + unit);
        }
        return value / toSeconds(unit.substring(4));
    }

    /** A time score ({@code ms/op}, {@code s/op}, ...) in seconds per operation. */
    static double secondsPerOp(String unit, double value) {
        if (!unit.endsWith("/op")) {
            throw new IllegalArgumentException("not a time-per-operation unit: " + unit);
        }
        return value * toSeconds(unit.substring(0, unit.length() - 3));
    }

    private static double toSeconds(String unit) {
        TimeUnit u = switch (unit) {
            case "ns" -> TimeUnit.NANOSECONDS;
            case "us" -> TimeUnit.MICROSECONDS;
            case "ms" -> TimeUnit.MILLISECONDS;
            case "s" -> TimeUnit.SECONDS;
            case "min" -> TimeUnit.MINUTES;
            case "hr" -> TimeUnit.HOURS;
            default -> throw new IllegalArgumentException("unknown JMH time unit: " + unit);
        };
        return u.toNanos(1) / 1e9;
    }

    /** Median, lowest and highest of the measurements. */
    record Stats(double median, double min, double max, int count) {
        static Stats of(double[] values) {
            if (values.length == 0) {
                return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            double[] v = values.clone();
            Arrays.sort(v);
            int n = v.length;
            double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
            return new Stats(median, v[0], v[n - 1], n);
        }
    }

    /** What the report says about the machine it runs on (the one that ran the benchmarks). */
    record Machine(String cpu, int cores, String memory, String os) {
        static Machine current() {
            String cpu = "unknown CPU";
            String memory = "unknown memory";
            try {
                Optional<String> model = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                        .filter(l -> l.startsWith("model name")).findFirst();
                if (model.isPresent()) {
                    cpu = model.get().substring(model.get().indexOf(':') + 1).trim();
                }
                Optional<String> total = Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8).stream()
                        .filter(l -> l.startsWith("MemTotal:")).findFirst();
                if (total.isPresent()) {
                    long kb = Long.parseLong(total.get().replaceAll("[^0-9]", ""));
                    memory = String.format(Locale.ROOT, "%.0f GiB RAM", kb / 1024.0 / 1024.0);
                }
            } catch (IOException | RuntimeException e) {
                // Not Linux, or an unreadable /proc: the report says "unknown" instead.
            }
            return new Machine(cpu, Runtime.getRuntime().availableProcessors(), memory,
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        }

        String describe() {
            return cpu + ", " + cores + " cores, " + memory + ", " + os;
        }
    }

    private static String jdk(List<JsonNode> results) {
        if (results.isEmpty()) {
            return "-";
        }
        JsonNode r = results.get(0);
        return text(r, "jdkVersion") + " (" + text(r, "vmName") + " " + text(r, "vmVersion") + ")";
    }

    private static String jvmArgs(JsonNode r) {
        List<String> args = new ArrayList<>();
        r.path("jvmArgs").forEach(a -> args.add(a.asText()));
        return args.isEmpty() ? "none" : "`" + String.join(" ", args) + "`";
    }

    private static String label(Section section, String method) {
        return section.contenders().stream().filter(c -> c.method().equals(method)).map(Contender::label).findFirst()
                .orElse(method);
    }

    private static String params(JsonNode r) {
        List<String> out = new ArrayList<>();
        r.path("params").properties().forEach(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", out);
    }

    private static String className(JsonNode r) {
        String b = text(r, "benchmark");
        String cls = b.substring(0, Math.max(0, b.lastIndexOf('.')));
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    private static String methodName(JsonNode r) {
        String b = text(r, "benchmark");
        return b.substring(b.lastIndexOf('.') + 1);
    }

    private static String shortName(JsonNode r) {
        return className(r) + "." + methodName(r);
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asText("");
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
