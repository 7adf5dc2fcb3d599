package dev.weir.runtime.cli;

import dev.weir.dsl.App;
import dev.weir.dsl.Topic;
import dev.weir.dsl.spi.AppLauncher;
import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.runtime.WorkerException;
import dev.weir.serdes.Headers;
import dev.weir.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The command line behind {@code app.main(args)}: {@code worker}, {@code describe},
 * {@code check-upgrade}, {@code send}.
 * Found by {@link App#run(String...)} through {@link ServiceLoader}.
 */
public final class WeirCli implements AppLauncher {

    @Override
    public int run(App app, String... args) {
        return run(app, null, null, args);
    }

    /** {@link #run(App, String...)} writing to {@code out} and {@code err} (null: the standard streams). */
    int run(App app, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Root(app)).setCommandName(app.id());
        cli.addSubcommand("worker", new WorkerCommand(app));
        cli.addSubcommand("describe", new DescribeCommand(app));
        cli.addSubcommand("check-upgrade", new CheckUpgradeCommand(app));
        cli.addSubcommand("tables", new TablesCommand(app));
        cli.addSubcommand("table", new TableCommand(app));
        cli.addSubcommand("send", new SendCommand(app));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        if (out != null) {
            cli.setOut(out);            // after the subcommands: picocli passes it to those it has now
        }
        if (err != null) {
            cli.setErr(err);
        }
        return cli.execute(args);
    }

    @Command(mixinStandardHelpOptions = true, description = "A Weir stream processing app.")
    static final class Root implements Callable<Integer> {
        private final App app;
        @Spec
        CommandSpec spec;

        Root(App app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("App \"" + app.id() + "\": name a command (worker, describe, check-upgrade, tables, table, send).");
            spec.commandLine().usage(spec.commandLine().getErr());
            return 2;
        }
    }

    /** Broker and client options shared by worker and send. */
    static class ClientOptions {
        @Option(names = {"-b", "--bootstrap-servers"}, defaultValue = "127.0.0.1:9092",
                description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
        String bootstrapServers;

        @Option(names = {"-c", "--client-config"}, paramLabel = "KEY=VALUE",
                description = "A config for every Kafka client (security.protocol, sasl.*, ssl.*, ...); repeatable.")
        Map<String, String> clientConfigs = new LinkedHashMap<>();

        @Option(names = "--client-config-file", paramLabel = "FILE",
                description = "A properties file of client configs (keeps secrets off the command line).")
        Path clientConfigFile;

        Map<String, Object> clientConfigs() {
            Map<String, Object> all = new LinkedHashMap<>();
            if (clientConfigFile != null) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(clientConfigFile)) {
                    p.load(in);
                } catch (IOException e) {
                    throw new CommandLine.ParameterException(new CommandLine(this),
                            "Cannot read --client-config-file " + clientConfigFile + ": " + e.getMessage());
                }
                p.forEach((k, v) -> all.put(k.toString(), v));
            }
            all.putAll(clientConfigs);
            return all;
        }
    }

    @Command(name = "worker", mixinStandardHelpOptions = true,
            description = "Runs the app's topology on Kafka until Ctrl-C / SIGTERM.")
    static final class WorkerCommand extends ClientOptions implements Callable<Integer> {
        private final App app;
        @Spec
        CommandSpec spec;

        @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--state-dir", description = "Directory for local state (default: <tmp>/weir).")
        Path stateDir;

        @Option(names = "--error-policy", defaultValue = "FAIL",
                description = "What to do with records that fail: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        ErrorPolicy errorPolicy;

        @Option(names = "--dead-letter-topic", description = "Topic for DEAD_LETTER (default: <app>-dead-letters).")
        String deadLetterTopic;

        @Option(names = "--guarantee", defaultValue = "at-least-once", converter = GuaranteeConverter.class,
                description = "at-least-once or exactly-once (default: ${DEFAULT-VALUE}).")
        Guarantee guarantee;

        @Option(names = "--commit-interval-ms",
                description = "Commit interval (default: 1000, or 100 under exactly-once).")
        Long commitIntervalMs;

        @Option(names = "--max-task-idle-ms",
                description = "How long a task reading several partitions (a join, a merge) waits for an empty one that has"
                        + " caught up, to take records in time order; -1 never waits (default: 0, wait only for records"
                        + " already on the broker).")
        Long maxTaskIdleMs;

        @Option(names = "--embedded", description = "Start an embedded Kafka broker and create the app's topics on it.")
        boolean embedded;

        @Option(names = "--web-port", description = "Serve /tables/{table}/{key}, /health, /ready, /metrics and /topology on this"
                + " port (0: any free one; default: no web endpoint).")
        Integer webPort;

        @Option(names = "--web-host", defaultValue = "127.0.0.1",
                description = "The address the web endpoint binds and advertises to the other workers (default: ${DEFAULT-VALUE}).")
        String webHost;

        @Option(names = "--web-token-file", paramLabel = "FILE",
                description = "A file holding the bearer token every web request must carry.")
        Path webTokenFile;

        @Option(names = "--partitions", defaultValue = "4",
                description = "With --embedded: partitions of the app topics it creates (default: ${DEFAULT-VALUE}).")
        int partitions;

        WorkerCommand(App app) {
            this.app = app;
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Topology topology = app.topology();
            EmbeddedBrokerProvider.Broker broker = null;
            String servers = bootstrapServers;
            if (embedded) {
                broker = startEmbedded();
                servers = broker.bootstrapServers();
                out.println("Embedded Kafka broker at " + servers);
                createAppTopics(servers, clientConfigs(), topology, partitions);
            }
            WorkerConfig.Builder config = WorkerConfig.builder(servers).threads(threads).errorPolicy(errorPolicy)
                    .guarantee(guarantee).clientConfigs(clientConfigs());
            if (commitIntervalMs != null) {
                config.commitInterval(Duration.ofMillis(commitIntervalMs));
            }
            if (webPort != null) {
                config.webPort(webPort).webHost(webHost);
            }
            if (webTokenFile != null) {
                try {
                    config.webToken(Files.readString(webTokenFile).trim());
                } catch (IOException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "Cannot read --web-token-file " + webTokenFile
                            + ": " + e.getMessage());
                }
            }
            if (maxTaskIdleMs != null) {
                if (maxTaskIdleMs < -1) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--max-task-idle-ms must be -1 (never wait) or a number of milliseconds >= 0, got " + maxTaskIdleMs);
                }
                config.maxTaskIdle(maxTaskIdleMs == -1 ? null : Duration.ofMillis(maxTaskIdleMs));
            }
            if (stateDir != null) {
                config.stateDir(stateDir);
            }
            if (deadLetterTopic != null) {
                config.deadLetterTopic(deadLetterTopic);
            }
            Worker worker;
            try {
                worker = Worker.start(topology, config.build());
            } catch (WorkerException e) {
                err.println(e.getMessage());
                if (broker != null) {
                    broker.close();
                }
                return 1;
            }
            EmbeddedBrokerProvider.Broker started = broker;
            Thread hook = new Thread(() -> {
                worker.close();
                if (started != null) {
                    started.close();
                }
            }, app.id() + "-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("Worker of app \"" + app.id() + "\" running with " + threads + " thread(s), "
                    + GuaranteeConverter.text(guarantee) + ", against " + servers + "; Ctrl-C stops it.");
            worker.webAddress().ifPresent(a -> out.println("Web endpoint at http://" + a + "/ (tables/{table}/{key}, health,"
                    + " ready, metrics, topology)"));
            out.flush();
            ConsoleStatus.start(worker, out, app.id());
            worker.awaitTermination();
            if (worker.state() == Worker.State.FAILED) {
                err.println("Worker of app \"" + app.id() + "\" failed: "
                        + worker.failure().map(Throwable::getMessage).orElse("unknown error"));
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    return 1;
                }
                if (broker != null) {
                    broker.close();
                }
                return 1;
            }
            return 0;
        }

        private static EmbeddedBrokerProvider.Broker startEmbedded() {
            Iterator<EmbeddedBrokerProvider> it = ServiceLoader.load(EmbeddedBrokerProvider.class).iterator();
            if (!it.hasNext()) {
                throw new CommandLine.ExecutionException(new CommandLine(new Object()),
                        "--embedded needs the embedded broker of dev.weir:weir-testkit on the class path");
            }
            return it.next().start();
        }
    }

    /** Reads {@code at-least-once} / {@code exactly-once} (or the enum's names, in any case). */
    static final class GuaranteeConverter implements CommandLine.ITypeConverter<Guarantee> {
        @Override
        public Guarantee convert(String value) {
            String v = value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            for (Guarantee g : Guarantee.values()) {
                if (g.name().equals(v)) {
                    return g;
                }
            }
            throw new CommandLine.TypeConversionException("Unknown guarantee \"" + value + "\"; use at-least-once or exactly-once");
        }

        static String text(Guarantee g) {
            return g.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Creates the app's topics that are missing, with {@code partitions} partitions unless they declare a count. */
    static void createAppTopics(String servers, Map<String, Object> clientConfigs, Topology topology, int partitions)
            throws Exception {
        Map<String, Object> c = new HashMap<>(clientConfigs);
        c.put("bootstrap.servers", servers);
        try (Admin admin = Admin.create(c)) {
            java.util.Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> create = new ArrayList<>();
            for (Topic<?, ?> t : topology.topics().values()) {
                if (!t.isInternal() && !existing.contains(t.name())) {
                    create.add(new NewTopic(t.name(), java.util.Optional.of(t.options().partitionCount().orElse(partitions)),
                            java.util.Optional.empty()).configs(t.options().configs()));
                }
            }
            if (!create.isEmpty()) {
                admin.createTopics(create).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Prints the app's topology.")
    static final class DescribeCommand implements Callable<Integer> {
        private final App app;
        @Spec
        CommandSpec spec;

        @Option(names = "--format", defaultValue = "text",
                description = "text, mermaid, dot or json (the stable form check-upgrade reads; default: ${DEFAULT-VALUE}).")
        String format;

        DescribeCommand(App app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            Topology t = app.topology();
            String text = switch (format) {
                case "text" -> t.describe();
                case "mermaid" -> t.toMermaid();
                case "dot" -> t.toDot();
                case "json" -> TopologyJson.write(t);
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "Unknown --format \"" + format + "\"; use text, mermaid, dot or json");
            };
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "tables", mixinStandardHelpOptions = true,
            description = "Lists the app's tables (Faust's `tables`): changelog topic, partitions on the broker, store, windows.")
    static final class TablesCommand extends ClientOptions implements Callable<Integer> {
        private final App app;
        @Spec
        CommandSpec spec;

        TablesCommand(App app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            Topology topology = app.topology();
            Map<String, Integer> partitions = new HashMap<>();
            String brokerNote = "";
            Map<String, Object> configs = new HashMap<>(clientConfigs());
            configs.put("bootstrap.servers", bootstrapServers);
            configs.put("default.api.timeout.ms", 5000);
            configs.put("request.timeout.ms", 5000);
            List<String> changelogs = topology.tables().values().stream().map(t -> t.changelogTopic().name()).toList();
            try (Admin admin = Admin.create(configs)) {
                admin.describeTopics(changelogs).topicNameValues().forEach((name, f) -> {
                    try {
                        partitions.put(name, f.get(5, TimeUnit.SECONDS).partitions().size());
                    } catch (Exception e) {
                        // not created yet (the app never ran against this broker), or the broker is away
                    }
                });
            } catch (RuntimeException e) {
                brokerNote = " (broker at " + bootstrapServers + " not reachable: " + e.getMessage() + ")";
            }
            PrintWriter out = spec.commandLine().getOut();
            String format = "%-28s %-44s %-10s %-10s %-3s %s%n";
            out.printf(format, "TABLE", "CHANGELOG", "PARTITIONS", "STORE", "SUB", "WINDOWS");
            for (dev.weir.dsl.Table<?, ?> t : new java.util.TreeMap<>(topology.tables()).values()) {
                Integer p = partitions.get(t.changelogTopic().name());
                out.printf(format, t.name(), t.changelogTopic().name(), p == null ? "-" : p.toString(), t.options().store(),
                        topology.subTopologyOf(t).id(), t.windowing() == null ? "-" : t.windowing().toString());
            }
            for (dev.weir.dsl.GlobalTable<?, ?> g : topology.globalTables().values()) {
                out.printf(format, g.name() + " (global)", g.name() + " (its own topic)", "all", g.options().store(), "-", "-");
            }
            if (!brokerNote.isEmpty() || partitions.size() < changelogs.size()) {
                out.println("PARTITIONS \"-\": the changelog does not exist on the broker yet" + brokerNote + ".");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "table", mixinStandardHelpOptions = true, description = "Reads tables through a worker's web endpoint.",
            subcommands = TableCommand.Get.class)
    static final class TableCommand implements Callable<Integer> {
        private final App app;
        @Spec
        CommandSpec spec;

        TableCommand(App app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("Name a table command: table get TABLE KEY");
            return 2;
        }

        @Command(name = "get", mixinStandardHelpOptions = true,
                description = "GET /tables/TABLE/KEY from a worker's web endpoint, which asks the key's owner; prints the JSON.")
        static final class Get implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Parameters(index = "0", description = "The table.")
            String table;

            @Parameters(index = "1", description = "The key, as `send` takes it (parsed with the table's key serde).")
            String key;

            @Option(names = "--web", defaultValue = "127.0.0.1:6066",
                    description = "A worker's web endpoint, host:port (default: ${DEFAULT-VALUE}).")
            String web;

            @Option(names = "--web-token-file", paramLabel = "FILE", description = "A file holding the endpoint's bearer token.")
            Path tokenFile;

            @Override
            public Integer call() throws Exception {
                String path = "/tables/" + java.net.URLEncoder.encode(table, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                        + "/" + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
                java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + web + path))
                        .timeout(Duration.ofSeconds(30)).GET();
                if (tokenFile != null) {
                    request.header("Authorization", "Bearer " + Files.readString(tokenFile).trim());
                }
                java.net.http.HttpResponse<String> response;
                try {
                    response = java.net.http.HttpClient.newHttpClient().send(request.build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    spec.commandLine().getErr().println("No worker answers at " + web + " (" + e + "); start one with"
                            + " `worker --web-port` and pass its address with --web");
                    spec.commandLine().getErr().flush();
                    return 1;
                }
                PrintWriter to = response.statusCode() == 200 ? spec.commandLine().getOut() : spec.commandLine().getErr();
                to.print(response.body());
                to.flush();
                return response.statusCode() == 200 ? 0 : 1;
            }
        }
    }

    @Command(name = "check-upgrade", mixinStandardHelpOptions = true,
            description = "Compares this app's topology with the one it runs now (its `describe --format json`) and lists every"
                    + " change that would lose or corrupt state or split data, and the safe ones. Exit code 0 only when nothing"
                    + " breaks, 1 when something does, 2 when the file cannot be read.")
    static final class CheckUpgradeCommand implements Callable<Integer> {
        private final App app;
        @Spec
        CommandSpec spec;

        @Option(names = "--against", required = true, paramLabel = "FILE",
                description = "The deployed topology, as written by `describe --format json`.")
        Path against;

        CheckUpgradeCommand(App app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            com.fasterxml.jackson.databind.JsonNode previous;
            try {
                previous = TopologyJson.read(Files.readString(against), against.toString());
            } catch (IOException e) {
                err.println("Cannot read --against " + against + ": " + e.getMessage());
                err.flush();
                return 2;
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                err.flush();
                return 2;
            }
            List<UpgradeCheck.Finding> findings = UpgradeCheck.compare(previous, TopologyJson.describe(app.topology()));
            long breaking = findings.stream().filter(UpgradeCheck.Finding::breaking).count();
            findings.stream().filter(UpgradeCheck.Finding::breaking).forEach(out::println);
            findings.stream().filter(f -> !f.breaking()).forEach(out::println);
            out.println(breaking == 0
                    ? "No change breaks the state of app \"" + app.id() + "\" (" + findings.size() + " safe changes)."
                    : breaking + " change(s) would break app \"" + app.id() + "\"; do not deploy this version over " + against + ".");
            out.flush();
            return breaking == 0 ? 0 : 1;
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Sends one record to a topic of the app, serialized with the topic's serdes (Faust's send).")
    static final class SendCommand extends ClientOptions implements Callable<Integer> {
        private final App app;
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "TOPIC", description = "A topic the app declares.")
        String topic;

        @Parameters(index = "1", paramLabel = "VALUE", description = "The value as text (JSON for json topics).")
        String value;

        @Option(names = {"-k", "--key"}, description = "The key as text.")
        String key;

        SendCommand(App app) {
            this.app = app;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            Topic<Object, Object> t = (Topic<Object, Object>) app.topology().topics().get(topic);
            if (t == null || t.isInternal()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "App \"" + app.id() + "\" has no topic \"" + topic
                        + "\"; its topics are " + app.topics().stream().map(Topic::name).toList());
            }
            Headers headers = Headers.create();
            byte[] k = key == null ? null : t.keySerde().serialize(topic, headers, t.keySerde().parse(key));
            byte[] v = t.valueSerde().serialize(topic, headers, t.valueSerde().parse(value));
            Map<String, Object> c = clientConfigs();
            c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer())) {
                RecordHeaders kafkaHeaders = new RecordHeaders();
                headers.forEach(h -> kafkaHeaders.add(h.key(), h.value()));
                RecordMetadata m = producer.send(new ProducerRecord<>(topic, null, null, k, v, kafkaHeaders)).get(60, TimeUnit.SECONDS);
                spec.commandLine().getOut().println("Sent to " + m.topic() + "-" + m.partition() + "@" + m.offset());
            }
            return 0;
        }
    }
}
