package dev.weir.runtime.kafka;

import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.runtime.WorkerException;
import dev.weir.dsl.GlobalTable;
import dev.weir.dsl.TableOptions;
import dev.weir.runtime.engine.ByteStore;
import dev.weir.runtime.engine.GlobalStore;
import dev.weir.runtime.engine.GlobalStores;
import dev.weir.runtime.engine.InMemoryByteStore;
import dev.weir.runtime.engine.TaskId;
import dev.weir.runtime.state.RocksDbStores;
import dev.weir.runtime.state.GlobalTableThread;
import dev.weir.runtime.state.StateUpdater;
import dev.weir.topology.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery behind {@link Worker}: client configs, the state directory lock and the
 * process identity kept in it, topic setup, the state updater and the stream threads.
 */
public final class WorkerRuntime {

    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /** Exactly-once: a transaction left open by a crashed worker holds up readers this long at most. */
    private static final int TRANSACTION_TIMEOUT_MS = 10_000;
    /** Exactly-once: the producer's first retry back-off (Kafka's default is 100 ms). */
    private static final int EXACTLY_ONCE_RETRY_BACKOFF_MS = 10;

    /** Client configs Weir sets itself; a user value for one of them would break its guarantees. */
    private static final List<String> RESERVED_CONSUMER = List.of(ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    private static final List<String> RESERVED_PRODUCER = List.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG);

    private final Topology topology;
    private final MeterRegistry metrics;
    private final List<StreamThread> threads = new ArrayList<>();
    private final CountDownLatch terminated;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final RocksDbStores stores;
    private final StateUpdater updater;
    private final GlobalStores globals;
    private GlobalTableThread globalThread;
    private dev.weir.runtime.engine.PartitionLayout layout;
    private io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus;
    private dev.weir.runtime.web.WebServer web;
    /** Each task's owner endpoint, as the group's last assignment said (kept by the threads' assignors). */
    private final java.util.concurrent.atomic.AtomicReference<Map<TaskId, String>> owners =
            new java.util.concurrent.atomic.AtomicReference<>(Map.of());
    private volatile Worker.State state = Worker.State.RUNNING;
    private volatile Throwable failure;

    private WorkerRuntime(Topology topology, MeterRegistry metrics, int threadCount, FileChannel lockChannel, FileLock lock,
                          RocksDbStores stores, StateUpdater updater, GlobalStores globals) {
        this.globals = globals;
        this.topology = topology;
        this.metrics = metrics;
        this.terminated = new CountDownLatch(threadCount);
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.stores = stores;
        this.updater = updater;
    }

    public static WorkerRuntime start(Topology topology, WorkerConfig config, MeterRegistry userMetrics) {
        checkReserved(config);
        // With a web endpoint, meters also go to a Prometheus registry that /metrics scrapes.
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus = config.webPort() == null ? null
                : new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        MeterRegistry metrics = userMetrics;
        if (prometheus != null) {
            io.micrometer.core.instrument.composite.CompositeMeterRegistry composite =
                    new io.micrometer.core.instrument.composite.CompositeMeterRegistry();
            composite.add(userMetrics);
            composite.add(prometheus);
            metrics = composite;
        }
        String app = topology.appId();
        boolean exactlyOnce = config.guarantee() == Guarantee.EXACTLY_ONCE;
        String deadLetters = config.errorPolicy() == ErrorPolicy.DEAD_LETTER
                ? (config.deadLetterTopic() != null ? config.deadLetterTopic() : app + "-dead-letters") : null;

        dev.weir.runtime.engine.PartitionLayout layout;
        Map<String, Object> adminConfigs = base(config);
        adminConfigs.put(AdminClientConfig.CLIENT_ID_CONFIG, app + "-admin");
        try (Admin admin = Admin.create(adminConfigs)) {
            layout = TopicSetup.prepare(admin, topology, deadLetters, ADMIN_TIMEOUT);
        } catch (WorkerException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.AuthenticationException
                    || e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException) {
                throw new WorkerException("The broker at " + config.bootstrapServers() + " refused this worker: "
                        + e.getCause().getMessage() + ". Check the client configs that authenticate it (security.protocol,"
                        + " sasl.mechanism, sasl.jaas.config: WorkerConfig.clientConfig, or -c / --client-config-file) and its"
                        + " ACLs.", e.getCause());
            }
            throw e;
        }

        Path dir = config.stateDir().resolve(app);
        FileChannel channel;
        FileLock lock;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
        } catch (IOException e) {
            throw new WorkerException("Cannot use state directory " + dir + ": " + e.getMessage()
                    + "; pass a writable directory with --state-dir / WorkerConfig.stateDir", e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new WorkerException("State directory " + dir + " is in use by another worker of app \"" + app
                    + "\" on this machine; give each worker its own --state-dir / WorkerConfig.stateDir");
        }
        String processId;
        try {
            processId = processId(dir);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }

        RocksDbStores stores = new RocksDbStores(dir, config.blockCacheBytes(), config.writeBufferBytes());
        io.micrometer.core.instrument.Gauge.builder("weir.rocksdb.memory", stores, RocksDbStores::memoryInUse).tag("app", app)
                .baseUnit("bytes").description("Memory the worker's RocksDB stores use: the shared block cache, memtables included")
                .register(metrics);
        String instance = processId.substring(0, 8);
        Map<String, Object> restore = groupless(config, app + "-" + instance + "-restore-consumer");
        restore.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        // A restore reads to a known end; at that end the broker need not hold the fetch open.
        restore.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        restore.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        StateUpdater updater = new StateUpdater(app + "-" + instance + "-StateUpdater", app,
                new KafkaConsumer<>(restore, new ByteArrayDeserializer(), new ByteArrayDeserializer()), metrics,
                config.stateLockTimeout());

        GlobalStores globals;
        try {
            globals = openGlobalStores(topology, stores);
        } catch (RuntimeException e) {
            updater.close();
            stores.close();
            closeQuietly(channel);
            throw e;
        }
        WorkerRuntime rt = new WorkerRuntime(topology, metrics, config.threads(), channel, lock, stores, updater, globals);
        if (!globals.all().isEmpty()) {
            Map<String, Object> g = groupless(config, app + "-" + instance + "-global-consumer");
            rt.globalThread = new GlobalTableThread(app + "-" + instance + "-GlobalTableThread", app, globals,
                    new KafkaConsumer<>(g, new ByteArrayDeserializer(), new ByteArrayDeserializer()), stores.globalDir(),
                    config.commitInterval(), metrics, rt::threadFailed);
        }
        rt.layout = layout;
        rt.prometheus = prometheus;
        if (config.webPort() != null) {
            try {
                rt.web = dev.weir.runtime.web.WebServer.start(rt.new WebHost(), config.webHost(), config.webPort(), config.webToken());
            } catch (IOException e) {
                rt.releaseUnstarted();
                throw new WorkerException("Cannot serve the web endpoint on " + config.webHost() + ":" + config.webPort() + ": "
                        + e.getMessage() + "; choose a free port with --web-port / WorkerConfig.webPort", e);
            }
        }
        for (int i = 1; i <= config.threads(); i++) {
            String name = app + "-" + instance + "-StreamThread-" + i;
            Map<String, Object> c = base(config);
            c.putAll(config.consumerConfigs());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, app);
            c.put(ConsumerConfig.CLIENT_ID_CONFIG, name + "-consumer");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
            c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, TaskAssignor.class.getName());
            c.put(TaskAssignor.TOPOLOGY_CONFIG, topology);
            c.put(TaskAssignor.OWNERS_CONFIG, rt.owners);
            if (rt.web != null) {
                c.put(TaskAssignor.ENDPOINT_CONFIG, rt.web.address());
            }
            c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            if (exactlyOnce) {
                c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            }
            // Stable across restarts of this worker: a restarted worker fences its former self at once.
            Map<String, Object> p = producerConfig(config, name + "-producer", exactlyOnce ? app + "-" + processId + "-" + i : null);
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);

            TaskManager tm = TaskManager.create(name, topology, config, deadLetters, consumer, () -> new KafkaProducer<>(p),
                    updater, stores, System::currentTimeMillis, metrics, globals);
            rt.threads.add(new StreamThread(name, topology, consumer, tm, rt::threadFailed));
        }
        log.info("Starting worker of app {} with {}", app, config);
        updater.start();
        if (rt.globalThread != null) {
            rt.globalThread.start();
        }
        for (StreamThread t : rt.threads) {
            t.startWithLatch(rt.terminated);
        }
        return rt;
    }

    /** This worker's copies of the topology's global tables, opened now so that a store that cannot open stops the start. */
    private static GlobalStores openGlobalStores(Topology topology, RocksDbStores stores) {
        Map<String, GlobalStore> opened = new HashMap<>();
        try {
            for (GlobalTable<?, ?> g : topology.globalTables().values()) {
                ByteStore store = g.options().store() == TableOptions.Store.IN_MEMORY ? InMemoryByteStore.concurrent()
                        : stores.openGlobal(g).store();
                opened.put(g.name(), new GlobalStore(g, store));
            }
        } catch (RuntimeException e) {
            opened.values().forEach(s -> s.store().close());
            throw new WorkerException("Cannot open the global tables of app \"" + topology.appId() + "\": " + e.getMessage(), e);
        }
        return opened.isEmpty() ? GlobalStores.none() : new GlobalStores(opened);
    }

    /** This worker's identity, kept in its state directory so that it survives restarts. */
    private static String processId(Path dir) {
        Path file = dir.resolve("process-id");
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (id.matches("[0-9a-f-]{36}")) {
                    return id;
                }
                log.warn("Ignoring malformed process id in {}; making a new one", file);
            }
            String id = UUID.randomUUID().toString();
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new WorkerException("Cannot read or write the process id " + file + ": " + e.getMessage()
                    + "; pass a writable directory with --state-dir / WorkerConfig.stateDir", e);
        }
    }

    /**
     * A consumer outside the app's group that seeks by itself (restores, global tables): no commits, no reset (a
     * position that is gone is the reader's to handle), read committed under exactly-once.
     */
    private static Map<String, Object> groupless(WorkerConfig config, String clientId) {
        Map<String, Object> c = base(config);
        c.putAll(config.consumerConfigs());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        if (config.guarantee() == Guarantee.EXACTLY_ONCE) {
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return c;
    }

    /**
     * A stream thread's producer config: the user's client and producer configs, then Weir's;
     * with a {@code transactionalId}, exactly-once's: idempotence, a 10 s transaction timeout
     * and a 10 ms retry back-off, each unless the user set it.
     */
    static Map<String, Object> producerConfig(WorkerConfig config, String clientId, String transactionalId) {
        Map<String, Object> p = base(config);
        p.putAll(config.producerConfigs());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
            // The producer's sender sleeps retry.backoff.ms after each coordinator look-up before the request
            // that needed it (InitProducerId at start, the first offsets sent into a transaction): at Kafka's
            // 100 ms that was most of a worker's start under exactly-once. Later retries still back off
            // exponentially, up to retry.backoff.max.ms.
            p.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, EXACTLY_ONCE_RETRY_BACKOFF_MS);
        }
        return p;
    }

    private static Map<String, Object> base(WorkerConfig config) {
        Map<String, Object> m = new HashMap<>(config.clientConfigs());
        m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return m;
    }

    private static void checkReserved(WorkerConfig config) {
        List<String> refused = new ArrayList<>();
        for (String k : RESERVED_CONSUMER) {
            if (config.clientConfigs().containsKey(k) || config.consumerConfigs().containsKey(k)) {
                refused.add(k);
            }
        }
        for (String k : RESERVED_PRODUCER) {
            if (config.clientConfigs().containsKey(k) || config.producerConfigs().containsKey(k)) {
                refused.add(k);
            }
        }
        if (!refused.isEmpty()) {
            throw new WorkerException("Client configs " + refused + " are set by Weir itself (the app id is the group id; Weir's"
                    + " assignor, byte-array serdes, offset commits and transactions keep its guarantees); remove them from the"
                    + " worker config");
        }
        if (config.guarantee() == Guarantee.EXACTLY_ONCE) {
            Object isolation = config.consumerConfigs().getOrDefault(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    config.clientConfigs().get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
            if (isolation != null && !"read_committed".equals(isolation.toString())) {
                throw new WorkerException("isolation.level=" + isolation + " cannot be used with guarantee EXACTLY_ONCE: a worker"
                        + " must not read records of aborted transactions; remove the setting");
            }
            Object timeout = config.producerConfigs().getOrDefault(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    config.clientConfigs().getOrDefault(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS));
            long timeoutMs;
            try {
                timeoutMs = Long.parseLong(timeout.toString().trim());
            } catch (NumberFormatException e) {
                throw new WorkerException("transaction.timeout.ms must be a number of milliseconds, got \"" + timeout + "\"");
            }
            if (config.commitInterval().toMillis() >= timeoutMs) {
                throw new WorkerException("Under EXACTLY_ONCE each commit interval is one transaction, so the commit interval ("
                        + config.commitInterval().toMillis() + " ms) must be shorter than transaction.timeout.ms (" + timeoutMs
                        + " ms), or the broker aborts every transaction; shorten the interval or raise transaction.timeout.ms");
            }
            Object idempotence = config.producerConfigs().getOrDefault(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    config.clientConfigs().get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
            if (idempotence != null && !Boolean.parseBoolean(idempotence.toString())) {
                throw new WorkerException("enable.idempotence=false cannot be used with guarantee EXACTLY_ONCE: transactions need"
                        + " the idempotent producer; remove the setting");
            }
        }
    }

    private void threadFailed(Throwable t) {
        synchronized (this) {
            if (failure == null) {
                failure = t;
            }
            state = Worker.State.FAILED;
        }
        threads.forEach(StreamThread::shutdown);
    }

    public Worker.State state() {
        return state;
    }

    public Throwable failure() {
        return failure;
    }

    public MeterRegistry metrics() {
        return metrics;
    }

    public Set<TaskId> tasks() {
        Set<TaskId> out = new TreeSet<>();
        threads.forEach(t -> out.addAll(t.tasks()));
        return out;
    }

    public Set<TaskId> runningTasks() {
        Set<TaskId> out = new TreeSet<>();
        threads.forEach(t -> out.addAll(t.runningTasks()));
        return out;
    }

    /** The web endpoint's address ({@code host:port}), if the worker serves one. */
    public java.util.Optional<String> webAddress() {
        return java.util.Optional.ofNullable(web).map(dev.weir.runtime.web.WebServer::address);
    }

    /** The task that holds {@code key}'s partition of {@code table}. */
    public TaskId taskOf(dev.weir.dsl.Table<?, ?> table, Object key) {
        String changelog = table.changelogTopic().name();
        @SuppressWarnings({"unchecked", "rawtypes"})
        byte[] bytes = ((dev.weir.serdes.Serde) table.keySerde()).serialize(changelog, dev.weir.serdes.Headers.create(), key);
        int p = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(bytes))
                % layout.partitions(changelog);
        return new TaskId(topology.subTopologyOf(table).id(), p);
    }

    /** The web endpoint of the worker the group gave {@code task}, if it serves one. */
    public java.util.Optional<String> ownerOf(TaskId task) {
        return java.util.Optional.ofNullable(owners.get().get(task));
    }

    /**
     * Reads {@code task}'s store on the thread that runs it (within about one poll); empty when
     * no thread of this worker runs the task.
     */
    public java.util.Optional<dev.weir.runtime.web.WebServer.Lookup> read(TaskId task, dev.weir.dsl.Table<?, ?> table, Object key)
            throws Exception {
        for (StreamThread t : threads) {
            if (t.runningTasks().contains(task)) {
                dev.weir.runtime.web.WebServer.Lookup found = t.read(task, engine -> table.windowing() != null
                        ? new dev.weir.runtime.web.WebServer.Lookup(null,
                                engine.tableWindows(table.name(), key, Long.MIN_VALUE, Long.MAX_VALUE))
                        : new dev.weir.runtime.web.WebServer.Lookup(engine.tableValue(table.name(), key), null))
                        .get(10, TimeUnit.SECONDS);
                if (found != null) {
                    return java.util.Optional.of(found);
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** What the web endpoint asks of this worker. */
    private final class WebHost implements dev.weir.runtime.web.WebServer.Host {
        @Override
        public Topology topology() {
            return topology;
        }

        @Override
        public boolean live() {
            return state == Worker.State.RUNNING;
        }

        @Override
        public java.util.Optional<String> notReady() {
            if (state != Worker.State.RUNNING) {
                return java.util.Optional.of("the worker is " + state);
            }
            if (!globals.ready()) {
                return java.util.Optional.of("the global tables " + globals.all().keySet() + " are still being read");
            }
            if (owners.get().isEmpty()) {
                return java.util.Optional.of("the worker has not been given tasks yet");
            }
            Set<TaskId> all = tasks();
            Set<TaskId> running = runningTasks();
            if (!running.containsAll(all)) {
                Set<TaskId> waiting = new TreeSet<>(all);
                waiting.removeAll(running);
                return java.util.Optional.of("tasks " + waiting + " are restoring or starting");
            }
            return java.util.Optional.empty();
        }

        @Override
        public String scrape() {
            return prometheus.scrape();
        }

        @Override
        public java.util.Optional<String> ownerOf(dev.weir.dsl.Table<?, ?> table, int partition) {
            return WorkerRuntime.this.ownerOf(new TaskId(topology.subTopologyOf(table).id(), partition));
        }

        @Override
        public int partitionOf(dev.weir.dsl.Table<?, ?> table, Object key) {
            return taskOf(table, key).partition();
        }

        @Override
        public java.util.Optional<dev.weir.runtime.web.WebServer.Lookup> read(dev.weir.dsl.Table<?, ?> table, int partition,
                                                                              Object key) throws Exception {
            return WorkerRuntime.this.read(new TaskId(topology.subTopologyOf(table).id(), partition), table, key);
        }
    }

    public void awaitTermination() throws InterruptedException {
        terminated.await();
        releaseResources();
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        boolean done = terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (done) {
            releaseResources();
        }
        return done;
    }

    public void close(Duration timeout) {
        synchronized (this) {
            if (state == Worker.State.RUNNING) {
                state = Worker.State.STOPPING;
            }
        }
        threads.forEach(StreamThread::shutdown);
        try {
            if (!terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Worker of app {} did not stop within {}", topology.appId(), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (state == Worker.State.STOPPING) {
                state = Worker.State.STOPPED;
            }
        }
        releaseResources();
    }

    /** Gives back what a start that failed before any thread ran had taken. */
    private void releaseUnstarted() {
        closeStateAndWeb();
        releaseLock();
    }

    private synchronized void releaseResources() {
        if (!lockChannel.isOpen()) {
            return;
        }
        if (terminated.getCount() == 0) {
            closeStateAndWeb();
        }
        releaseLock();
    }

    /** Closes the web endpoint, the global tables, the state updater and, last, the stores' shared native memory. */
    private void closeStateAndWeb() {
        if (web != null) {
            web.close();
        }
        if (globalThread != null) {
            globalThread.close();
        }
        globals.all().values().forEach(g -> g.store().close());
        updater.close();
        // Native memory shared by the stores; only safe once every thread closed its stores.
        stores.close();
    }

    private void releaseLock() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            log.debug("Releasing state directory lock failed", e);
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}
