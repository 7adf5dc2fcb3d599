package dev.weir.testkit.kafka;

import dev.weir.testkit.kafka.internal.KraftNode;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka broker running inside this JVM: one KRaft node that is both broker and
 * controller, for integration tests and demos.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("clicks", 4);
 *     Map<String, Object> config = kafka.clientConfig();   // bootstrap.servers=127.0.0.1:<port>
 *     config.put(ConsumerConfig.GROUP_ID_CONFIG, "my-app");
 *     ...
 * }
 * }</pre>
 *
 * <p>The broker listens on a free port of 127.0.0.1 (plaintext, no authentication) and keeps
 * its metadata and topic data in a new temporary directory, which {@link #close()} deletes.
 * {@link #stop()} and {@link #restart()} take it away and bring it back on the same port and
 * directory, as an outage would, for tests of what clients do meanwhile.
 * It starts in a few seconds; consumer groups (classic and consumer protocols), transactions
 * and compacted topics work on it. Its defaults suit a single node and fast tests:
 * <ul>
 *   <li>{@code offsets.topic.replication.factor=1}, {@code offsets.topic.num.partitions=5}</li>
 *   <li>{@code transaction.state.log.replication.factor=1}, {@code transaction.state.log.min.isr=1},
 *       {@code transaction.state.log.num.partitions=5}</li>
 *   <li>{@code share.coordinator.state.topic.replication.factor=1},
 *       {@code share.coordinator.state.topic.min.isr=1}</li>
 *   <li>{@code group.initial.rebalance.delay.ms=0}</li>
 *   <li>{@code auto.create.topics.enable=false}: create topics with {@link #createTopic}</li>
 *   <li>{@code num.partitions=1}, {@code default.replication.factor=1}</li>
 *   <li>{@code log.cleaner.dedupe.buffer.size=2097152} (instead of 128 MiB of heap)</li>
 *   <li>{@code num.network.threads=2}, {@code num.io.threads=4}</li>
 *   <li>{@code server.max.startup.time.ms=60000}: a broker that cannot start fails {@link #start()}</li>
 * </ul>
 * Override any of them, or set other broker configs, with {@link #builder()}.
 *
 * <p>The broker logs through SLF4J, as the Kafka clients do, at INFO and in volume: give
 * the loggers {@code kafka}, {@code org.apache.kafka} and {@code state.change.logger} level
 * WARN in the logging configuration of the test or program that runs it (with slf4j-simple,
 * lines such as {@code org.slf4j.simpleLogger.log.kafka=warn} in {@code simplelogger.properties}).
 * The testkit ships no logging backend. Kafka's server code also calls the Log4j 2 API
 * directly; the testkit sends those calls to SLF4J with {@code log4j-to-slf4j}. A program
 * whose backend is Log4j 2 Core (through {@code log4j-slf4j2-impl}) must exclude
 * {@code org.apache.logging.log4j:log4j-to-slf4j} from its {@code weir-testkit} dependency.
 *
 * <p>Instances are thread-safe. Several may run in one JVM; each is a separate cluster.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** How long {@link #createTopic} and {@link #topicPartitions} wait for the broker. */
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final long METADATA_POLL_MS = 10;

    private static final Map<String, String> DEFAULT_BROKER_CONFIG = defaults();
    private static final String TEMP_PREFIX = "weir-kafka-";

    private final Path directory;
    private final Map<String, String> brokerConfig;
    private final String bootstrapServers;
    private final int brokerPort;
    private final int controllerPort;
    private KraftNode node;
    private Admin admin;
    private boolean closed;
    private org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer;
    /** SASL/PLAIN users (name to password), the first one the broker's own and {@link #clientConfig()}'s; null without SASL. */
    private final Map<String, String> users;

    private EmbeddedKafka(Path directory, Map<String, String> brokerConfig, Map<String, String> users, KraftNode node,
                          Admin admin) {
        this.users = users;
        this.directory = directory;
        this.brokerConfig = brokerConfig;
        this.node = node;
        this.brokerPort = node.brokerPort();
        this.controllerPort = node.controllerPort();
        this.bootstrapServers = "127.0.0.1:" + brokerPort;
        this.admin = admin;
    }

    /**
     * Starts a broker with the default configuration described on this class.
     *
     * @return the running broker; close it to stop it and delete its data
     * @throws KafkaException if the broker cannot start; whatever was created is removed again
     */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /**
     * A builder to set broker configs before starting, for example
     * {@code EmbeddedKafka.builder().brokerConfig("log.retention.ms", 60_000).start()}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The address clients connect to: {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * A new, modifiable map holding {@code bootstrap.servers}: the base of the configuration of
     * a producer, consumer or admin client for this broker. Add the rest (serializers, group id,
     * ...) to it.
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (users != null) {
            Map.Entry<String, String> first = users.entrySet().iterator().next();
            config.putAll(saslClientConfig(first.getKey(), first.getValue()));
        }
        return config;
    }

    /**
     * The client configs that authenticate as {@code username} with SASL/PLAIN
     * ({@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}), to pass to a
     * worker ({@code WorkerConfig.Builder.clientConfigs}) or a client of a broker started with
     * {@link Builder#saslPlain}.
     */
    public static Map<String, Object> saslClientConfig(String username, String password) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        c.put("sasl.mechanism", "PLAIN");
        c.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + username + "\" password=\"" + password + "\";");
        return c;
    }

    /**
     * The temporary directory that holds this broker's metadata log and topic data; {@link #close()}
     * deletes it.
     */
    public Path directory() {
        return directory;
    }

    /**
     * Creates a topic with replication factor 1 and the broker's default topic configs, and waits
     * until every partition has a leader, so that clients can use it right away.
     *
     * @throws org.apache.kafka.common.errors.TopicExistsException if the topic exists
     * @throws KafkaException if the broker rejects the topic or does not answer within 30 s
     */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a topic with replication factor 1 and the given topic configs (for example
     * {@code cleanup.policy=compact}), and waits until every partition has a leader.
     *
     * @throws org.apache.kafka.common.errors.TopicExistsException if the topic exists
     * @throws org.apache.kafka.common.errors.InvalidConfigurationException if a config is invalid
     * @throws KafkaException if the broker rejects the topic or does not answer within 30 s
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(configs, "configs");
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic needs at least 1 partition, got " + partitions + " for " + name);
        }
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
        await(admin().createTopics(List.of(topic)).all(), "creating topic " + name, deadline);
        awaitLeaders(name, partitions, deadline);
    }

    /**
     * The number of partitions of a topic.
     *
     * @throws org.apache.kafka.common.errors.UnknownTopicOrPartitionException if there is no such topic
     */
    public int topicPartitions(String topic) {
        Objects.requireNonNull(topic, "topic");
        return describe(topic, System.nanoTime() + ADMIN_TIMEOUT.toNanos()).partitions().size();
    }

    /**
     * Writes one record to {@code topic} with its serdes, as an app's producer would (Kafka's
     * default partitioner on the key's bytes), and waits until the broker has it.
     *
     * @throws KafkaException if the broker refuses the record or does not answer within 30 s
     */
    public <K, V> void send(dev.weir.dsl.Topic<K, V> topic, K key, V value) {
        Objects.requireNonNull(topic, "topic");
        dev.weir.serdes.Headers headers = dev.weir.serdes.Headers.create();
        byte[] k = key == null ? null : topic.keySerde().serialize(topic.name(), headers, key);
        byte[] v = value == null ? null : topic.valueSerde().serialize(topic.name(), headers, value);
        sendRaw(topic.name(), k, v);
    }

    /** Writes one record of raw bytes (a null value is a tombstone) to {@code topic} and waits until the broker has it. */
    public void sendRaw(String topic, byte[] key, byte[] value) {
        Objects.requireNonNull(topic, "topic");
        try {
            producer().send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, value))
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("the embedded broker refused a record for topic " + topic + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KafkaException("the embedded broker did not take a record for topic " + topic + " within " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private synchronized org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer() {
        requireOpen();
        if (producer == null) {
            Map<String, Object> c = clientConfig();
            c.put(org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all");
            c.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, 0);
            producer = new org.apache.kafka.clients.producer.KafkaProducer<>(c,
                    new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
        }
        return producer;
    }

    /**
     * A reader of {@code topic} from its beginning with its serdes, keeping its own position (see
     * {@link TopicReader}); close it when done.
     */
    public <K, V> TopicReader<K, V> reader(dev.weir.dsl.Topic<K, V> topic) {
        Objects.requireNonNull(topic, "topic");
        requireOpen();
        return new TopicReader<>(clientConfig(), topic.name(), topic.keySerde(), topic.valueSerde(), ADMIN_TIMEOUT);
    }

    /** A reader of {@code topic}'s raw bytes (any topic: a changelog, a dead-letter topic); close it when done. */
    public TopicReader<byte[], byte[]> rawReader(String topic) {
        Objects.requireNonNull(topic, "topic");
        requireOpen();
        return new TopicReader<>(clientConfig(), topic, dev.weir.serdes.Serdes.bytes(), dev.weir.serdes.Serdes.bytes(), ADMIN_TIMEOUT);
    }

    /**
     * Stops the broker and controller as a broker outage would, keeping their port and
     * directory: clients lose their connections and retry. {@link #restart()} brings the broker
     * back with its topics, committed offsets and transactions. Does nothing when stopped.
     *
     * @throws KafkaException if a part did not stop cleanly (the rest is stopped regardless)
     */
    public synchronized void stop() {
        requireOpen();
        if (node == null) {
            return;
        }
        KafkaException failure = new KafkaException("the embedded Kafka broker did not stop cleanly");
        shutdown(admin, node, null, failure);
        node = null;
        admin = null;
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    /**
     * Starts a {@link #stop() stopped} broker again on the same port, directory and
     * configuration; returns once it serves clients. Does nothing when it runs.
     *
     * @throws KafkaException if it cannot start, for example because another process took its port
     */
    public synchronized void restart() {
        requireOpen();
        if (node != null) {
            return;
        }
        try {
            node = KraftNode.restart(directory.resolve("metadata"), directory.resolve("data"), brokerConfig, controllerPort,
                    brokerPort, users);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new KafkaException("the embedded Kafka broker did not restart on " + bootstrapServers + ": " + e.getMessage(), e);
        }
        admin = newAdmin(brokerPort, users);
    }

    /** Whether the broker runs (it is not stopped or closed). */
    public synchronized boolean isRunning() {
        return !closed && node != null;
    }

    /**
     * Stops the broker and controller and deletes the temporary directory. Calling it again does
     * nothing.
     *
     * @throws KafkaException if a part did not stop or the directory could not be deleted; the
     *                        remaining parts are stopped and deleted regardless
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        KafkaException failure = new KafkaException("the embedded Kafka broker did not close cleanly");
        shutdown(admin, node, directory, failure);
        node = null;
        admin = null;
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the embedded Kafka broker at " + bootstrapServers + " is closed");
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + (users == null ? "" : ", SASL_PLAINTEXT") + "]";
    }

    private synchronized Admin admin() {
        requireOpen();
        if (admin == null) {
            throw new IllegalStateException("the embedded Kafka broker at " + bootstrapServers + " is stopped; restart() it first");
        }
        return admin;
    }

    private void awaitLeaders(String topic, int partitions, long deadline) {
        while (true) {
            List<TopicPartitionInfo> infos;
            try {
                infos = describe(topic, deadline).partitions();
            } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException notYet) {
                // The controller has created the topic, but the broker's metadata cache lags behind it.
                infos = List.of();
            }
            if (infos.size() == partitions && infos.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new TimeoutException("topic " + topic + " has no leader for all " + partitions
                        + " partitions after " + ADMIN_TIMEOUT.toSeconds() + " s");
            }
            sleep(METADATA_POLL_MS);
        }
    }

    private TopicDescription describe(String topic, long deadline) {
        return await(admin().describeTopics(List.of(topic)).allTopicNames(), "describing topic " + topic, deadline)
                .get(topic);
    }

    /**
     * Waits for an admin result. A {@link KafkaException} the broker answered with (such as
     * {@code TopicExistsException}) is thrown as it is, so that callers can catch its type.
     */
    private static <T> T await(KafkaFuture<T> future, String what, long deadline) {
        long remaining = Math.max(0, deadline - System.nanoTime());
        try {
            return future.get(remaining, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KafkaException cause) {
                throw cause;
            }
            throw new KafkaException(what + " failed", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException(what + " did not finish within " + ADMIN_TIMEOUT.toSeconds() + " s", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private static EmbeddedKafka start(Map<String, String> brokerConfig, Map<String, String> users, Path parent) {
        Path directory = null;
        KraftNode node = null;
        Admin admin = null;
        try {
            directory = parent == null
                    ? Files.createTempDirectory(TEMP_PREFIX)
                    : Files.createTempDirectory(parent, TEMP_PREFIX);
            Path metadata = Files.createDirectory(directory.resolve("metadata"));
            Path data = Files.createDirectory(directory.resolve("data"));
            node = users == null ? KraftNode.start(metadata, data, brokerConfig) : KraftNode.start(metadata, data, brokerConfig, users);
            admin = newAdmin(node.brokerPort(), users);
            return new EmbeddedKafka(directory, brokerConfig, users, node, admin);
        } catch (Exception | Error e) {
            shutdown(admin, node, directory, e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new KafkaException("the embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    private static Admin newAdmin(int port, Map<String, String> users) {
        Map<String, Object> adminConfig = new HashMap<>();
        if (users != null) {
            Map.Entry<String, String> first = users.entrySet().iterator().next();
            adminConfig.putAll(saslClientConfig(first.getKey(), first.getValue()));
        }
        adminConfig.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        adminConfig.put(CommonClientConfigs.CLIENT_ID_CONFIG, "weir-embedded-kafka-admin");
        return Admin.create(adminConfig);
    }

    /** Closes whatever is not null, adding each failure to {@code failures} as suppressed. */
    private static void shutdown(Admin admin, KraftNode node, Path directory, Throwable failures) {
        if (admin != null) {
            try {
                admin.close(Duration.ZERO);
            } catch (RuntimeException e) {
                failures.addSuppressed(e);
            }
        }
        if (node != null) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failures.addSuppressed(e);
            }
        }
        if (directory != null) {
            try {
                Utils.delete(directory.toFile());
            } catch (IOException | RuntimeException e) {
                failures.addSuppressed(e);
            }
        }
    }

    private static Map<String, String> defaults() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "5");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "false");
        config.put("num.partitions", "1");
        config.put("default.replication.factor", "1");
        config.put("log.cleaner.dedupe.buffer.size", "2097152");
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "4");
        config.put("server.max.startup.time.ms", "60000");
        return Map.copyOf(config);
    }

    /**
     * Broker configs for the embedded broker, then {@link #start()}. Values override the
     * defaults listed on {@link EmbeddedKafka}. The node's identity, listeners and directories
     * are the embedded broker's own ({@code process.roles}, {@code node.id}, {@code listeners},
     * {@code advertised.listeners}, {@code controller.quorum.voters}, {@code log.dirs},
     * {@code metadata.log.dir}, ...) and cannot be set.
     */
    public static final class Builder {

        private final Map<String, String> brokerConfig = new HashMap<>(DEFAULT_BROKER_CONFIG);
        private final Map<String, String> users = new LinkedHashMap<>();
        private Path parent;

        private Builder() {
        }

        /**
         * Sets one broker config, for example {@code brokerConfig("log.retention.ms", 60_000)}.
         * The value is passed on as its {@code toString()}.
         *
         * @throws IllegalArgumentException if the key is one the embedded broker sets itself
         */
        public Builder brokerConfig(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value of " + key);
            if (KraftNode.RESERVED_CONFIGS.contains(key)) {
                throw new IllegalArgumentException("broker config " + key + " cannot be set: the embedded broker"
                        + " chooses its own node identity, 127.0.0.1 listeners and temporary directories");
            }
            brokerConfig.put(key, value.toString());
            return this;
        }

        /**
         * Sets several broker configs, as {@link #brokerConfig(String, Object)} does each.
         *
         * @throws IllegalArgumentException if a key is one the embedded broker sets itself
         */
        public Builder brokerConfigs(Map<String, ?> configs) {
            configs.forEach(this::brokerConfig);
            return this;
        }

        /**
         * Serves clients on a SASL_PLAINTEXT listener, mechanism PLAIN, that accepts {@code username}
         * with {@code password}; call once per user. The first user is the broker's own and
         * {@link EmbeddedKafka#clientConfig()}'s; others connect with
         * {@link EmbeddedKafka#saslClientConfig(String, String)}. Clients that do not authenticate, or
         * with a wrong password, are refused.
         */
        public Builder saslPlain(String username, String password) {
            if (username == null || username.isBlank() || password == null || password.isEmpty()) {
                throw new IllegalArgumentException("saslPlain needs a username and a password");
            }
            if (username.contains("\"") || password.contains("\"")) {
                throw new IllegalArgumentException("saslPlain: a username or password must not contain a double quote");
            }
            users.put(username, password);
            return this;
        }

        /**
         * Where to create the broker's temporary directory (its log and metadata directories)
         * instead of {@code java.io.tmpdir}: for example a tmpfs such as {@code /dev/shm}, so that a
         * benchmark measures the clients rather than the disk. The directory is deleted on close
         * as usual.
         */
        public Builder temporaryDirectoryParent(Path parent) {
            this.parent = Objects.requireNonNull(parent, "parent");
            return this;
        }

        /**
         * Starts the broker; returns once it serves clients.
         *
         * @throws KafkaException if the broker cannot start, for example on an invalid config;
         *                        whatever was created is removed again
         */
        public EmbeddedKafka start() {
            return EmbeddedKafka.start(Map.copyOf(brokerConfig), users.isEmpty() ? null : new LinkedHashMap<>(users), parent);
        }
    }
}
