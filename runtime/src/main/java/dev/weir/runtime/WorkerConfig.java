package dev.weir.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link Worker} runs a topology: the broker, threads, commit interval, error policy,
 * and Kafka client configs. Immutable; build with {@link #builder(String)}.
 *
 * <pre>{@code
 * WorkerConfig config = WorkerConfig.builder("127.0.0.1:9092")
 *         .threads(2)
 *         .errorPolicy(ErrorPolicy.DEAD_LETTER)
 *         .clientConfig("security.protocol", "SSL")          // reaches every client Weir creates
 *         .build();
 * }</pre>
 *
 * <p>Client configs (security, timeouts, batching) are passed to every consumer, producer and
 * admin client unchanged; Weir sets only what its guarantees need ({@code group.id},
 * {@code enable.auto.commit=false}, its partition assignor, byte-array (de)serializers; under
 * {@link Guarantee#EXACTLY_ONCE} also {@code transactional.id} and
 * {@code isolation.level=read_committed}) and refuses client configs that would break them.
 * {@link #toString()} never shows client config values, so secrets stay out of logs.
 */
public final class WorkerConfig {

    /** The default interval between commits under {@link Guarantee#AT_LEAST_ONCE}. */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);
    /** The default interval between commits (transactions) under {@link Guarantee#EXACTLY_ONCE}. */
    public static final Duration DEFAULT_EXACTLY_ONCE_COMMIT_INTERVAL = Duration.ofMillis(100);
    /** How long a worker waits by default for a store another owner still holds. */
    public static final Duration DEFAULT_STATE_LOCK_TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrapServers;
    private final int threads;
    private final Path stateDir;
    private final Duration commitInterval;
    private final Guarantee guarantee;
    private final Duration stateLockTimeout;
    private final Duration maxTaskIdle;
    private final ErrorPolicy errorPolicy;
    private final String deadLetterTopic;
    private final Map<String, Object> clientConfigs;
    private final Map<String, Object> consumerConfigs;
    private final Map<String, Object> producerConfigs;
    private final long blockCacheBytes;
    private final long writeBufferBytes;
    private final Integer webPort;
    private final String webHost;
    private final String webToken;

    private WorkerConfig(Builder b) {
        this.blockCacheBytes = b.blockCacheBytes;
        this.webPort = b.webPort;
        this.webHost = b.webHost;
        this.webToken = b.webToken;
        this.writeBufferBytes = b.writeBufferBytes;
        this.bootstrapServers = b.bootstrapServers;
        this.threads = b.threads;
        this.stateDir = b.stateDir;
        this.guarantee = b.guarantee;
        this.commitInterval = b.commitInterval != null ? b.commitInterval
                : b.guarantee == Guarantee.EXACTLY_ONCE ? DEFAULT_EXACTLY_ONCE_COMMIT_INTERVAL : DEFAULT_COMMIT_INTERVAL;
        this.stateLockTimeout = b.stateLockTimeout;
        this.maxTaskIdle = b.maxTaskIdle;
        this.errorPolicy = b.errorPolicy;
        this.deadLetterTopic = b.deadLetterTopic;
        this.clientConfigs = Collections.unmodifiableMap(new LinkedHashMap<>(b.clientConfigs));
        this.consumerConfigs = Collections.unmodifiableMap(new LinkedHashMap<>(b.consumerConfigs));
        this.producerConfigs = Collections.unmodifiableMap(new LinkedHashMap<>(b.producerConfigs));
    }

    /** A builder for a worker connecting to {@code bootstrapServers} ({@code host:port,...}). */
    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int threads() {
        return threads;
    }

    /** Where tasks keep local state, under {@code <stateDir>/<app id>/}. */
    public Path stateDir() {
        return stateDir;
    }

    /** How often output is made durable and input offsets committed: the configured interval, else 1 s (100 ms under exactly-once). */
    public Duration commitInterval() {
        return commitInterval;
    }

    /** The processing guarantee (default {@link Guarantee#AT_LEAST_ONCE}). */
    public Guarantee guarantee() {
        return guarantee;
    }

    /** How long the worker waits for a store whose lock another owner holds before it fails. */
    public Duration stateLockTimeout() {
        return stateLockTimeout;
    }

    /**
     * How long a task that reads several partitions (a join, a merge) waits for an empty one
     * that has caught up before it takes the others' records regardless of time order; null
     * when it never waits. See {@link Builder#maxTaskIdle}.
     */
    public Duration maxTaskIdle() {
        return maxTaskIdle;
    }

    public ErrorPolicy errorPolicy() {
        return errorPolicy;
    }

    /** The dead-letter topic, or null for the default {@code <app id>-dead-letters}. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** Configs for every Kafka client. */
    public Map<String, Object> clientConfigs() {
        return clientConfigs;
    }

    /** Configs for consumers only, applied over {@link #clientConfigs()}. */
    public Map<String, Object> consumerConfigs() {
        return consumerConfigs;
    }

    /** Configs for producers only, applied over {@link #clientConfigs()}. */
    public Map<String, Object> producerConfigs() {
        return producerConfigs;
    }

    /** The RocksDB block cache all table stores of this worker share, in bytes. */
    public long blockCacheBytes() {
        return blockCacheBytes;
    }

    /** The memtable budget all RocksDB table stores of this worker share, in bytes (counted against the block cache). */
    public long writeBufferBytes() {
        return writeBufferBytes;
    }

    /** The port of the worker's web endpoint (tables, health, metrics, topology), or null when it has none (the default). */
    public Integer webPort() {
        return webPort;
    }

    /** The address the web endpoint binds and advertises to the other workers (default 127.0.0.1). */
    public String webHost() {
        return webHost;
    }

    /** The bearer token every web request must carry, or null for none. Never printed. */
    public String webToken() {
        return webToken;
    }

    @Override
    public String toString() {
        return "WorkerConfig{bootstrapServers=" + bootstrapServers + ", threads=" + threads + ", stateDir=" + stateDir
                + (webPort == null ? "" : ", web=" + webHost + ":" + webPort + (webToken == null ? "" : " (token)"))
                + ", guarantee=" + guarantee + ", commitInterval=" + commitInterval + ", errorPolicy=" + errorPolicy
                + (deadLetterTopic == null ? "" : ", deadLetterTopic=" + deadLetterTopic)
                + ", clientConfigs=" + clientConfigs.keySet() + ", consumerConfigs=" + consumerConfigs.keySet()
                + ", producerConfigs=" + producerConfigs.keySet() + "}";
    }

    /** Builds a {@link WorkerConfig}; each setter checks its argument at once. */
    public static final class Builder {
        private final String bootstrapServers;
        private int threads = 1;
        private Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "weir");
        private Duration commitInterval;
        private Guarantee guarantee = Guarantee.AT_LEAST_ONCE;
        private Duration stateLockTimeout = DEFAULT_STATE_LOCK_TIMEOUT;
        private Duration maxTaskIdle = Duration.ZERO;
        private ErrorPolicy errorPolicy = ErrorPolicy.FAIL;
        private String deadLetterTopic;
        private final Map<String, Object> clientConfigs = new LinkedHashMap<>();
        private final Map<String, Object> consumerConfigs = new LinkedHashMap<>();
        private final Map<String, Object> producerConfigs = new LinkedHashMap<>();
        private long blockCacheBytes = 64L << 20;
        private long writeBufferBytes = 32L << 20;
        private Integer webPort;
        private String webHost = "127.0.0.1";
        private String webToken;

        private Builder(String bootstrapServers) {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers must not be empty; pass host:port[,host:port...]");
            }
            this.bootstrapServers = bootstrapServers;
        }

        /** Stream threads in this worker, each with its own consumer and producer (default 1). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Directory for local state (default {@code <java.io.tmpdir>/weir}). */
        public Builder stateDir(Path stateDir) {
            this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
            return this;
        }

        /**
         * How often output is made durable and processed offsets committed (default 1 s, or
         * 100 ms under {@link Guarantee#EXACTLY_ONCE}, where it is how long a transaction stays open).
         */
        public Builder commitInterval(Duration interval) {
            Objects.requireNonNull(interval, "commitInterval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("commitInterval must be positive, got " + interval);
            }
            this.commitInterval = interval;
            return this;
        }

        /** The processing guarantee (default {@link Guarantee#AT_LEAST_ONCE}). */
        public Builder guarantee(Guarantee guarantee) {
            this.guarantee = Objects.requireNonNull(guarantee, "guarantee");
            return this;
        }

        /**
         * How long to wait for a table store whose lock another owner holds (a task of this worker
         * still closing it, another process) before the worker fails naming the directory
         * (default 60 s). The store is never deleted for it.
         */
        public Builder stateLockTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "stateLockTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("stateLockTimeout must not be negative, got " + timeout);
            }
            this.stateLockTimeout = timeout;
            return this;
        }

        /**
         * Time order across a task's partitions, as Kafka Streams' {@code max.task.idle.ms}. A task
         * that reads several partitions (the stream and the table's topic of a join, the topics of a
         * merge) always takes the buffered record with the lowest timestamp next. When one of its
         * partitions has nothing buffered, it waits while the broker has records for it that were
         * not fetched yet (its lag is above zero), and then, once it has caught up, {@code idle}
         * longer for new records, before it goes on without that partition (default zero: it waits
         * for records already on the broker, not for new ones). {@code null} never waits: records
         * are taken in the order polled, as long as they are buffered.
         *
         * @throws IllegalArgumentException when {@code idle} is negative
         */
        public Builder maxTaskIdle(Duration idle) {
            if (idle != null && idle.isNegative()) {
                throw new IllegalArgumentException("maxTaskIdle must not be negative (null never waits), got " + idle);
            }
            this.maxTaskIdle = idle;
            return this;
        }

        /** What to do with records that cannot be processed (default {@link ErrorPolicy#FAIL}). */
        public Builder errorPolicy(ErrorPolicy policy) {
            this.errorPolicy = Objects.requireNonNull(policy, "errorPolicy");
            return this;
        }

        /** The dead-letter topic for {@link ErrorPolicy#DEAD_LETTER} (default {@code <app id>-dead-letters}). */
        public Builder deadLetterTopic(String topic) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("deadLetterTopic must not be blank");
            }
            this.deadLetterTopic = topic;
            return this;
        }

        /**
         * The memory all RocksDB table stores of the worker share: a block cache of
         * {@code blockCacheBytes} (default 64 MiB) of which memtables may use up to
         * {@code writeBufferBytes} (default 32 MiB), however many tasks and tables it runs.
         */
        public Builder rocksDbMemory(long blockCacheBytes, long writeBufferBytes) {
            if (blockCacheBytes < (1 << 20) || writeBufferBytes < (1 << 20) || writeBufferBytes > blockCacheBytes) {
                throw new IllegalArgumentException("rocksDbMemory needs blockCacheBytes >= 1 MiB and 1 MiB <= writeBufferBytes <= "
                        + "blockCacheBytes, got " + blockCacheBytes + " and " + writeBufferBytes);
            }
            this.blockCacheBytes = blockCacheBytes;
            this.writeBufferBytes = writeBufferBytes;
            return this;
        }

        /**
         * Serves the worker's web endpoint on {@code port} (0: any free port, see
         * {@code Worker.webAddress()}): {@code GET /tables/{table}/{key}} (answered by the worker that
         * owns the key), {@code /health}, {@code /ready}, {@code /metrics} (Prometheus) and
         * {@code /topology}. Off unless set.
         */
        public Builder webPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("webPort must be 0..65535, got " + port);
            }
            this.webPort = port;
            return this;
        }

        /** The address the web endpoint binds and tells the other workers (default 127.0.0.1: this machine only). */
        public Builder webHost(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("webHost must not be blank");
            }
            this.webHost = host;
            return this;
        }

        /** Requires {@code Authorization: Bearer <token>} on every web request (also sent when forwarding to other workers). */
        public Builder webToken(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("webToken must not be blank");
            }
            this.webToken = token;
            return this;
        }

        /** A config for every Kafka client Weir creates, e.g. {@code security.protocol}. */
        public Builder clientConfig(String key, Object value) {
            clientConfigs.put(requireKey(key), value);
            return this;
        }

        /** Configs for every Kafka client Weir creates. */
        public Builder clientConfigs(Map<String, ?> configs) {
            configs.forEach(this::clientConfig);
            return this;
        }

        /** A config for consumers only. */
        public Builder consumerConfig(String key, Object value) {
            consumerConfigs.put(requireKey(key), value);
            return this;
        }

        /** A config for producers only. */
        public Builder producerConfig(String key, Object value) {
            producerConfigs.put(requireKey(key), value);
            return this;
        }

        private static String requireKey(String key) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("config key must not be blank");
            }
            return key;
        }

        public WorkerConfig build() {
            return new WorkerConfig(this);
        }
    }
}
