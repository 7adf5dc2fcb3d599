package dev.weir.testkit;

import dev.weir.dsl.Topic;
import dev.weir.runtime.engine.PartitionLayout;
import dev.weir.runtime.engine.PartitionTask;
import dev.weir.runtime.engine.TaskId;
import dev.weir.serdes.Headers;
import dev.weir.testkit.internal.InMemoryTopics;
import dev.weir.testkit.internal.StoredRecord;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a {@link Topology} in memory, without a broker, through the same task engine
 * ({@link PartitionTask}) a worker runs on Kafka. Topics have real partition counts and
 * records are placed by Kafka's default partitioner, so {@code groupBy} repartitions exactly
 * as it would on Kafka; every record goes through the real serdes, so serde errors show up
 * in tests. The wall clock is controlled by {@link #advanceTime}.
 *
 * <pre>{@code
 * try (TestDriver driver = TestDriver.create(app.topology())) {
 *     driver.input(clicks).send("k", new ClickEvent("/a", 120));
 *     assertThat(driver.output(popular).readValues()).extracting(ClickEvent::uri).containsExactly("/a");
 * }
 * }</pre>
 *
 * <p>Processing is synchronous: when {@code send} returns, the record and everything it
 * caused downstream (through repartition topics too) has been processed. A failure is thrown
 * from {@code send} as a {@link dev.weir.runtime.engine.RecordProcessingException} naming the
 * node, topic, partition and offset. Not thread-safe.
 */
public final class TestDriver implements AutoCloseable {

    /** The wall-clock time a driver starts at unless {@link Builder#startTime} says otherwise. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final Topology topology;
    private final PartitionLayout layout;
    private final InMemoryTopics topics;
    private final Map<TaskId, PartitionTask> tasks = new LinkedHashMap<>();
    private final Deque<StoredRecord> pending = new ArrayDeque<>();
    private final Map<String, Integer> outputPositions = new HashMap<>();
    private long now;
    private boolean closed;

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
        this.topics = new InMemoryTopics(name -> {
            Integer c = layout.counts().get(name);
            return c != null ? c : explicit.getOrDefault(name, defaults);
        });
        for (TaskId id : layout.tasks()) {
            tasks.put(id, new PartitionTask(topology, id, this::collect, () -> now));
        }
    }

    /** A driver with one partition per topic unless a topic declares its count. */
    public static TestDriver create(Topology topology) {
        return builder(topology).build();
    }

    /** Options: partition counts, start time. */
    public static Builder builder(Topology topology) {
        return new Builder(topology);
    }

    /** Options of a {@link TestDriver}. */
    public static final class Builder {
        private final Topology topology;
        private final Map<String, Integer> partitions = new HashMap<>();
        private int defaultPartitions = 1;
        private Instant start = DEFAULT_START;

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
     * A reader of {@code topic} (any topic: outputs, inputs, repartition topics). Readers of one
     * topic share a position: what one read, the next does not see again.
     */
    public <K, V> TestOutput<K, V> output(Topic<K, V> topic) {
        checkOpen();
        requireKnown(topic);
        return new TestOutput<>(this, topic);
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
        for (PartitionTask task : tasks.values()) {
            task.punctuate();
            drain();
        }
    }

    /** The partition count the driver uses for {@code topic}. */
    public int partitions(String topic) {
        return topics.partitions(topic);
    }

    /** Every task, as the runtime would create them for these partition counts. */
    public List<TaskId> tasks() {
        return List.copyOf(tasks.keySet());
    }

    /**
     * The input offsets a worker would commit now, per task and topic: one past the last
     * processed record, held back by records waiting in a {@code take} batch.
     */
    public Map<TaskId, Map<String, Long>> committableOffsets() {
        Map<TaskId, Map<String, Long>> out = new LinkedHashMap<>();
        tasks.forEach((id, t) -> out.put(id, t.committableOffsets()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * What a worker's commit does to state: every task writes its tables' cached changes to its
     * stores and to the changelog topics (readable with {@code output(table.changelogTopic())}).
     */
    public void commit() {
        checkOpen();
        tasks.values().forEach(PartitionTask::flushState);
        drain();
    }

    /**
     * Reads {@code table} as the tasks hold it: {@code driver.table(counts).get("key")}. A key is
     * looked up in the task of the partition its serialized key hashes to, as on Kafka.
     */
    public <K, V> TableReader<K, V> table(dev.weir.dsl.Table<K, V> table) {
        checkOpen();
        Objects.requireNonNull(table, "table");
        SubTopology sub = topology.subTopologyOf(table);
        return new TableReader<>(table, key -> {
            byte[] bytes = table.keySerde().serialize(table.changelogTopic().name(), Headers.create(), key);
            int partitions = topics.partitions(table.changelogTopic().name());
            int p = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(bytes)) % partitions;
            return tasks.get(new TaskId(sub.id(), p));
        });
    }

    /** {@link #table(dev.weir.dsl.Table)} for a windowed table: read windows with {@link TableReader#window}. */
    public <K, V> TableReader<K, V> table(dev.weir.dsl.WindowedTable<K, V> table) {
        return table(Objects.requireNonNull(table, "table").table());
    }

    /** The topology under test. */
    public Topology topology() {
        return topology;
    }

    /** Closes every task (and its processors). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (PartitionTask t : tasks.values()) {
            try {
                t.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
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

    private void collect(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        // Queued, not processed at once: a task finishes its record before the next task runs, as on Kafka.
        pending.add(topics.append(topic, partition, key, value, timestamp, headers));
    }

    private void drain() {
        while (!pending.isEmpty()) {
            StoredRecord r = pending.poll();
            Optional<SubTopology> reader = topology.subTopologyReading(r.topic());
            if (reader.isEmpty()) {
                continue;
            }
            PartitionTask task = tasks.get(new TaskId(reader.get().id(), r.partition()));
            task.process(r.topic(), r.partition(), r.offset(), r.timestamp(), r.headers().copy(), r.key(), r.value());
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
