package dev.weir.testkit;

import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.dsl.WindowedTable;
import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.Guarantee;
import dev.weir.runtime.WorkerConfig;
import dev.weir.dsl.GlobalTable;
import dev.weir.runtime.engine.GlobalStore;
import dev.weir.runtime.engine.GlobalStores;
import dev.weir.runtime.engine.InMemoryByteStore;
import dev.weir.runtime.engine.PartitionLayout;
import dev.weir.runtime.engine.PartitionTask;
import dev.weir.runtime.engine.TaskId;
import dev.weir.runtime.kafka.TaskManager;
import dev.weir.runtime.state.StateUpdater;
import dev.weir.runtime.state.StoreProvider;
import dev.weir.serdes.Headers;
import dev.weir.testkit.internal.InMemoryProducer;
import dev.weir.testkit.internal.InMemoryTopics;
import dev.weir.testkit.internal.StoredRecord;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Runs a {@link Topology} in memory, without a broker, through the same code a worker runs on
 * Kafka: the runtime's task manager, with its commit path and error policies, drives the task
 * engine; only the clients are in memory (topics with real partition counts, records placed by
 * Kafka's default partitioner, so {@code groupBy} repartitions exactly as on Kafka). Every
 * record goes through the real serdes, so serde errors show up in tests. The wall clock is
 * controlled by {@link #advanceTime}.
 *
 * <pre>{@code
 * try (TestDriver driver = TestDriver.create(app.topology())) {
 *     driver.input(clicks).send("k", new ClickEvent("/a", 120));
 *     assertThat(driver.output(popular).readValues()).extracting(ClickEvent::uri).containsExactly("/a");
 * }
 * }</pre>
 *
 * <p>Processing is synchronous: when {@code send} returns, the record and everything it
 * caused downstream (through repartition topics too) has been processed. What a bad record
 * does depends on the error policy, as on a worker: under {@link ErrorPolicy#FAIL} (the
 * default) {@code send} throws a {@link dev.weir.runtime.engine.RecordProcessingException}
 * naming the node, topic, partition and offset; under {@link ErrorPolicy#DEAD_LETTER} the
 * record goes to the dead-letter topic ({@link #deadLetters()}); under {@link ErrorPolicy#SKIP}
 * it is counted ({@link #metrics()}). {@link #commit()} runs the worker's commit: tables write
 * their changelogs, input offsets are committed ({@link #committedOffsets()}). Under
 * {@link Guarantee#EXACTLY_ONCE}, output becomes visible only with that commit, as to a
 * read-committed consumer. Not thread-safe.
 */
public final class TestDriver implements AutoCloseable {

    /** The wall-clock time a driver starts at unless {@link Builder#startTime} says otherwise. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");
    /** The name the driver's task manager goes by in logs and meters, as a worker's stream thread does. */
    private static final String THREAD = "testkit";

    private final Topology topology;
    private final PartitionLayout layout;
    private final InMemoryTopics topics;
    private final MockConsumer<byte[], byte[]> consumer;
    private final MockConsumer<byte[], byte[]> restoreConsumer;
    private final StateUpdater updater;
    private final TaskManager taskManager;
    private final GlobalStores globals;
    private final MeterRegistry metrics = new SimpleMeterRegistry();
    private final String deadLetterTopic;
    private final Deque<StoredRecord> pending = new ArrayDeque<>();
    private final Map<String, Integer> outputPositions = new HashMap<>();
    private final List<TaskId> taskIds;
    private long now;
    private boolean closed;
    private boolean draining;

    private TestDriver(Builder b) {
        this.topology = b.topology;
        this.now = b.start.toEpochMilli();
        Map<String, Integer> explicit = b.partitions;
        int defaults = b.defaultPartitions;
        this.layout = PartitionLayout.resolve(topology, name -> {
            if (explicit.containsKey(name)) {
                return explicit.get(name);
            }
            Topic<?, ?> t = topology.topics().get(name);
            return t != null && t.options().partitionCount().isPresent() ? t.options().partitionCount().getAsInt() : defaults;
        });
        this.deadLetterTopic = b.errorPolicy == ErrorPolicy.DEAD_LETTER
                ? (b.deadLetterTopic != null ? b.deadLetterTopic : topology.appId() + "-dead-letters") : null;
        this.topics = new InMemoryTopics(name -> {
            Integer c = layout.counts().get(name);
            return c != null ? c : name.equals(deadLetterTopic) ? 1 : explicit.getOrDefault(name, defaults);
        });
        this.taskIds = List.copyOf(layout.tasks());

        WorkerConfig.Builder config = WorkerConfig.builder("testkit").guarantee(b.guarantee).errorPolicy(b.errorPolicy);
        if (deadLetterTopic != null) {
            config.deadLetterTopic(deadLetterTopic);
        }
        this.consumer = new MockConsumer<>("earliest");
        this.restoreConsumer = new MockConsumer<>("none");
        this.updater = new StateUpdater(THREAD + "-state-updater", topology.appId(), restoreConsumer, metrics, Duration.ZERO);
        boolean transactional = b.guarantee == Guarantee.EXACTLY_ONCE;
        InMemoryProducer producer = new InMemoryProducer(topics, pending::add, offsets -> consumer.commitSync(offsets),
                transactional);
        Map<String, GlobalStore> globalStores = new HashMap<>();
        topology.globalTables().forEach((name, g) -> globalStores.put(name, new GlobalStore(g, InMemoryByteStore.concurrent())));
        this.globals = new GlobalStores(globalStores);
        globals.markReady();            // a driver starts with empty topics: there is nothing to read first
        this.taskManager = TaskManager.create(THREAD, topology, config.build(), deadLetterTopic, consumer, () -> producer,
                updater, StoreProvider.inMemory(), () -> now, metrics, globals);

        Set<TopicPartition> inputs = new HashSet<>();
        Map<TopicPartition, Long> changelogs = new HashMap<>();
        for (TaskId id : taskIds) {
            SubTopology sub = topology.subTopologies().get(id.subTopology());
            sub.sourceTopics().forEach(t -> inputs.add(new TopicPartition(t, id.partition())));
            sub.tables().forEach(t -> changelogs.put(new TopicPartition(topology.tables().get(t).changelogTopic().name(),
                    id.partition()), 0L));
        }
        consumer.assign(inputs);
        restoreConsumer.updateBeginningOffsets(changelogs);
        restoreConsumer.updateEndOffsets(changelogs);
        taskManager.handleAssignment(inputs);
        awaitRunning();
    }

    /** Lets the state updater restore what the tasks need (nothing, for a new driver) until every task runs. */
    private void awaitRunning() {
        for (int round = 0; !taskManager.allRunning(); round++) {
            if (round > 1000) {
                throw new IllegalStateException("The tasks of app \"" + topology.appId() + "\" did not start: "
                        + taskManager.taskStates());
            }
            updater.runOnce(Duration.ZERO);
            taskManager.checkStateUpdater();
        }
    }

    /** A driver with one partition per topic unless a topic declares its count. */
    public static TestDriver create(Topology topology) {
        return builder(topology).build();
    }

    /** Options: partition counts, start time, error policy, guarantee. */
    public static Builder builder(Topology topology) {
        return new Builder(topology);
    }

    /** Options of a {@link TestDriver}. */
    public static final class Builder {
        private final Topology topology;
        private final Map<String, Integer> partitions = new HashMap<>();
        private int defaultPartitions = 1;
        private Instant start = DEFAULT_START;
        private ErrorPolicy errorPolicy = ErrorPolicy.FAIL;
        private String deadLetterTopic;
        private Guarantee guarantee = Guarantee.AT_LEAST_ONCE;

        private Builder(Topology topology) {
            this.topology = Objects.requireNonNull(topology, "topology");
        }

        /** The partition count of an application topic, overriding what it declares. */
        public Builder partitions(String topic, int count) {
            requirePositive(count, "topic \"" + topic + "\"");
            partitions.put(topic, count);
            return this;
        }

        /** The partition count of application topics that declare none (default 1). */
        public Builder defaultPartitions(int count) {
            requirePositive(count, "defaultPartitions");
            this.defaultPartitions = count;
            return this;
        }

        /** The wall-clock time the driver starts at and the default timestamp of sent records. */
        public Builder startTime(Instant start) {
            this.start = Objects.requireNonNull(start, "start");
            return this;
        }

        /** What a record that fails does, as on a worker (default {@link ErrorPolicy#FAIL}: {@code send} throws). */
        public Builder errorPolicy(ErrorPolicy policy) {
            this.errorPolicy = Objects.requireNonNull(policy, "errorPolicy");
            return this;
        }

        /** The dead-letter topic under {@link ErrorPolicy#DEAD_LETTER} (default {@code <app id>-dead-letters}). */
        public Builder deadLetterTopic(String topic) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("deadLetterTopic must not be blank");
            }
            this.deadLetterTopic = topic;
            return this;
        }

        /**
         * The processing guarantee (default {@link Guarantee#AT_LEAST_ONCE}). Under
         * {@link Guarantee#EXACTLY_ONCE} output and repartitioned records appear only when
         * {@link TestDriver#commit()} commits the transaction.
         */
        public Builder guarantee(Guarantee guarantee) {
            this.guarantee = Objects.requireNonNull(guarantee, "guarantee");
            return this;
        }

        /**
         * Creates the tasks. @throws IllegalStateException naming topics and counts when a
         * sub-topology's sources are not co-partitioned
         */
        public TestDriver build() {
            return new TestDriver(this);
        }

        private static void requirePositive(int count, String what) {
            if (count < 1) {
                throw new IllegalArgumentException("Partition count of " + what + " must be >= 1, got " + count);
            }
        }
    }

    /** A handle to send records to {@code topic}. */
    public <K, V> TestInput<K, V> input(Topic<K, V> topic) {
        checkOpen();
        requireKnown(topic);
        return new TestInput<>(this, topic);
    }

    /**
     * A reader of {@code topic} (any topic: outputs, inputs, repartition topics, changelogs).
     * Readers of one topic share a position: what one read, the next does not see again.
     */
    public <K, V> TestOutput<K, V> output(Topic<K, V> topic) {
        checkOpen();
        requireKnown(topic);
        return new TestOutput<>(this, topic);
    }

    /**
     * The records dead-lettered so far under {@link ErrorPolicy#DEAD_LETTER}, in order: each the
     * failed input record's original key and value bytes with its headers and the
     * {@code weir.error.*} headers that say where it came from and why it failed.
     *
     * @throws IllegalStateException when the driver's error policy is not DEAD_LETTER
     */
    public List<DeadLetter> deadLetters() {
        checkOpen();
        if (deadLetterTopic == null) {
            throw new IllegalStateException("The driver's error policy is not DEAD_LETTER; build it with"
                    + " TestDriver.builder(topology).errorPolicy(ErrorPolicy.DEAD_LETTER)");
        }
        List<DeadLetter> out = new ArrayList<>();
        for (StoredRecord r : topics.records(deadLetterTopic)) {
            out.add(new DeadLetter(r.key(), r.value(), r.timestamp(), r.headers().copy()));
        }
        return Collections.unmodifiableList(out);
    }

    /** The driver's wall-clock time. */
    public Instant now() {
        return Instant.ofEpochMilli(now);
    }

    /**
     * Moves the wall clock forward and runs the callbacks that became due, as a worker's
     * thread would: {@code take(n, within)} emits partial batches here.
     */
    public void advanceTime(Duration duration) {
        checkOpen();
        if (duration.isNegative()) {
            throw new IllegalArgumentException("The clock only moves forward; got " + duration);
        }
        now += duration.toMillis();
        taskManager.punctuate();
        drain();
    }

    /** The partition count the driver uses for {@code topic}. */
    public int partitions(String topic) {
        return topics.partitions(topic);
    }

    /** Every task, as the runtime would create them for these partition counts. */
    public List<TaskId> tasks() {
        return taskIds;
    }

    /**
     * The input offsets a worker would commit now, per task and topic: one past the last
     * processed record, held back by records waiting in a {@code take} batch.
     */
    public Map<TaskId, Map<String, Long>> committableOffsets() {
        Map<TaskId, Map<String, Long>> out = new LinkedHashMap<>();
        for (TaskId id : taskIds) {
            out.put(id, engine(id).committableOffsets());
        }
        return Collections.unmodifiableMap(out);
    }

    /** The input offsets the last {@link #commit()} committed, per task and topic (empty before the first). */
    public Map<TaskId, Map<String, Long>> committedOffsets() {
        Set<TopicPartition> all = new HashSet<>(consumer.assignment());
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(all);
        Map<TaskId, Map<String, Long>> out = new LinkedHashMap<>();
        for (TaskId id : taskIds) {
            Map<String, Long> offsets = new LinkedHashMap<>();
            for (String topic : topology.subTopologies().get(id.subTopology()).sourceTopics()) {
                OffsetAndMetadata om = committed.get(new TopicPartition(topic, id.partition()));
                if (om != null) {
                    offsets.put(topic, om.offset());
                }
            }
            out.put(id, Collections.unmodifiableMap(offsets));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Commits as a worker does every commit interval: tables send their changes to their
     * changelog topics (readable with {@code output(table.changelogTopic())}) and write them to
     * their stores, the output is made durable and the input offsets are committed (under
     * exactly-once in one transaction, whose output becomes visible now and is processed by the
     * sub-topologies downstream, which commit in turn).
     */
    public void commit() {
        checkOpen();
        do {
            taskManager.commit();
            drain();
        } while (taskManager.commitNeeded());
    }

    /**
     * Reads {@code table} as the tasks hold it: {@code driver.table(counts).get("key")}. A key is
     * looked up in the task of the partition its serialized key hashes to, as on Kafka.
     */
    public <K, V> TableReader<K, V> table(Table<K, V> table) {
        checkOpen();
        Objects.requireNonNull(table, "table");
        SubTopology sub = topology.subTopologyOf(table);
        return new TableReader<>(table, key -> {
            byte[] bytes = table.keySerde().serialize(table.changelogTopic().name(), Headers.create(), key);
            int partitions = topics.partitions(table.changelogTopic().name());
            int p = Utils.toPositive(Utils.murmur2(bytes)) % partitions;
            return engine(new TaskId(sub.id(), p));
        });
    }

    /**
     * What the driver's copy of a global table holds now, every key with its value, as each
     * worker's copy would after reading the records sent to its topic so far.
     */
    public <K, V> Map<K, V> globalTable(GlobalTable<K, V> table) {
        checkOpen();
        Objects.requireNonNull(table, "table");
        GlobalStore store = globals.all().get(table.name());
        if (store == null || store.table() != table) {
            throw new IllegalArgumentException("Global table \"" + table.name() + "\" is not joined by the topology of app \""
                    + topology.appId() + "\"; global tables: " + globals.all().keySet());
        }
        Map<K, V> out = new LinkedHashMap<>();
        store.store().forEach((k, v) -> out.put(table.keySerde().deserialize(table.name(), Headers.create(), k),
                table.valueSerde().deserialize(table.name(), Headers.create(), v)));
        return Collections.unmodifiableMap(out);
    }

    /** {@link #table(Table)} for a windowed table: read windows with {@link TableReader#window}. */
    public <K, V> TableReader<K, V> table(WindowedTable<K, V> table) {
        return table(Objects.requireNonNull(table, "table").table());
    }

    /**
     * The meters a worker keeps, for this driver: {@code weir.records.skipped},
     * {@code weir.records.dead.lettered}, {@code weir.records.late.dropped}, ... (counts go up at
     * once, except {@code weir.records.processed}, which a commit adds to).
     */
    public MeterRegistry metrics() {
        return metrics;
    }

    /** The topology under test. */
    public Topology topology() {
        return topology;
    }

    /** Closes every task (and its processors) without a last commit. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        taskManager.shutdown(false);
        updater.close();
    }

    // --- used by TestInput / TestOutput ---

    long wallClock() {
        return now;
    }

    void append(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        checkOpen();
        pending.add(topics.append(topic, partition, key, value, timestamp, headers));
        drain();
    }

    List<StoredRecord> unread(String topic) {
        List<StoredRecord> all = topics.records(topic);
        int from = outputPositions.getOrDefault(topic, 0);
        return all.subList(from, all.size());
    }

    void markRead(String topic, int count) {
        outputPositions.merge(topic, count, Integer::sum);
    }

    private PartitionTask engine(TaskId id) {
        PartitionTask engine = taskManager.engine(id);
        if (engine == null) {
            throw new IllegalStateException("Task " + id + " of app \"" + topology.appId() + "\" is not running: "
                    + taskManager.taskStates());
        }
        return engine;
    }

    /** Processes queued records (input, and output of tasks read by other tasks) until none is left, as a worker's poll loop would. */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            StoredRecord r;
            while ((r = pending.poll()) != null) {
                GlobalStore global = globals.all().get(r.topic());
                if (global != null) {
                    global.apply(r.key(), r.value());       // as a worker's global thread does
                    continue;
                }
                Optional<SubTopology> reader = topology.subTopologyReading(r.topic());
                if (reader.isEmpty()) {
                    continue;
                }
                taskManager.process(r.topic(), r.partition(), r.offset(), r.timestamp(), r.headers().copy(), r.key(), r.value());
                if (taskManager.commitRequested()) {
                    taskManager.commit();
                }
            }
        } catch (RuntimeException e) {
            pending.clear();
            throw e;
        } finally {
            draining = false;
        }
    }

    private void requireKnown(Topic<?, ?> topic) {
        Objects.requireNonNull(topic, "topic");
        if (!topology.topics().containsKey(topic.name())) {
            throw new IllegalArgumentException("Topic \"" + topic.name() + "\" is not used by the topology of app \""
                    + topology.appId() + "\"; its topics are " + topology.topics().keySet());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("This TestDriver is closed");
        }
    }
}
