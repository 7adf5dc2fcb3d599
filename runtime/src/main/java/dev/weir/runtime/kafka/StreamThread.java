package dev.weir.runtime.kafka;

import dev.weir.dsl.Table;
import dev.weir.runtime.WorkerException;
import dev.weir.runtime.state.Checkpoint;
import dev.weir.runtime.state.RocksDbStore;
import dev.weir.runtime.state.RocksDbStores;
import dev.weir.runtime.state.StateRestorer;
import dev.weir.runtime.engine.ByteStore;
import dev.weir.topology.SubTopology;
import java.util.LinkedHashMap;
import dev.weir.runtime.engine.PartitionTask;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.runtime.engine.TaskId;
import dev.weir.topology.Topology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream thread: a consumer in the app's group, a producer, and the tasks the group
 * assigned to it. It polls, runs each record through its task, runs due callbacks and, every
 * commit interval, flushes the producer and then commits the tasks' committable offsets
 * (at-least-once). On revocation and shutdown it commits the same way before it lets go of
 * its tasks; on a lost assignment it drops them without committing.
 */
public final class StreamThread implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StreamThread.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final String name;
    private final Topology topology;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaRecordCollector collector;
    private final ErrorHandler errors;
    private final long commitIntervalMs;
    private final Consumer<Throwable> onFatal;
    private final Counter processed;
    /** Counted locally and added to the meter at each commit: a meter update per record costs more than it tells. */
    private long processedSinceCommit;
    private final Map<TaskId, PartitionTask> tasks = new TreeMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    /** Tasks by source topic and partition number, rebuilt when the assignment changes; read per record. */
    private volatile Map<String, PartitionTask[]> byTopic = Map.of();
    private String lastTopic;
    private PartitionTask[] lastTasks;
    private Map<String, PartitionTask[]> lastIndex;
    private volatile boolean running = true;
    private long lastCommit = System.currentTimeMillis();
    private final Thread thread;
    private final RocksDbStores stores;
    private final MeterRegistry metrics;
    private final StateRestorer restorer;
    /** Per task and table, the changelog offset its store holds everything before. */
    private final Map<TaskId, Map<String, Long>> changelogOffsets = new HashMap<>();
    private java.util.concurrent.CountDownLatch terminated;

    StreamThread(String name, Topology topology, Map<String, Object> consumerConfigs, Map<String, Object> producerConfigs,
                 Map<String, Object> restoreConfigs, RocksDbStores stores,
                 ErrorHandler errors, long commitIntervalMs, MeterRegistry metrics, Consumer<Throwable> onFatal) {
        this.name = name;
        this.topology = topology;
        this.stores = stores;
        this.metrics = metrics;
        this.restorer = new StateRestorer(name, restoreConfigs, metrics, topology.appId());
        this.consumer = new KafkaConsumer<>(consumerConfigs);
        this.producer = new KafkaProducer<>(producerConfigs);
        this.collector = new KafkaRecordCollector(producer);
        this.errors = errors;
        this.commitIntervalMs = commitIntervalMs;
        this.onFatal = onFatal;
        this.processed = Counter.builder("weir.records.processed").tag("app", topology.appId()).tag("thread", name).register(metrics);
        this.thread = new Thread(this, name);
    }

    /** Starts the thread; {@code terminated} counts down when it ends, however it ends. */
    void startWithLatch(java.util.concurrent.CountDownLatch terminated) {
        this.terminated = terminated;
        thread.start();
    }

    /** Asks the thread to finish its current record, commit and leave the group. */
    void shutdown() {
        running = false;
        consumer.wakeup();
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /** Tasks this thread runs now. */
    Set<TaskId> tasks() {
        synchronized (tasks) {
            return Set.copyOf(tasks.keySet());
        }
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            consumer.subscribe(new ArrayList<>(allSourceTopics()), new Listener());
            while (running) {
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        process(r);
                    }
                    punctuate();
                    if (System.currentTimeMillis() - lastCommit >= commitIntervalMs) {
                        commit();
                    }
                } catch (WakeupException e) {
                    // shutdown() wakes the consumer wherever it blocks (poll or commit); the wake-up
                    // is used up here, so the final commit below runs normally.
                    if (running) {
                        throw e;
                    }
                }
            }
            try {
                commit();
            } catch (WakeupException e) {
                // shutdown() came after the loop's last consumer call: its wake-up hit this commit
                // instead, and is used up now.
                commit();
            }
        } catch (Throwable t) {
            failure = t;
            log.error("Stream thread {} of app {} failed: {}", name, topology.appId(), t.getMessage(), t);
        } finally {
            closeAll(failure == null);
        }
        try {
            if (failure != null) {
                onFatal.accept(failure);
            }
        } finally {
            terminated.countDown();
        }
    }

    private java.util.Set<String> allSourceTopics() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        topology.subTopologies().forEach(s -> out.addAll(s.sourceTopics()));
        return out;
    }

    private void process(ConsumerRecord<byte[], byte[]> r) {
        // Consecutive records mostly share a topic: skip the map lookup then.
        PartitionTask[] byPartition;
        if (r.topic().equals(lastTopic) && lastIndex == byTopic) {
            byPartition = lastTasks;
        } else {
            byPartition = byTopic.get(r.topic());
            lastTopic = r.topic();
            lastTasks = byPartition;
            lastIndex = byTopic;
        }
        PartitionTask task = byPartition == null || r.partition() >= byPartition.length ? null : byPartition[r.partition()];
        if (task == null) {
            // Records of a partition revoked between poll and processing are read again by its new owner.
            return;
        }
        try {
            task.process(r.topic(), r.partition(), r.offset(), r.timestamp(), KafkaHeaders.fromKafka(r.headers()),
                    r.key(), r.value());
        } catch (RecordProcessingException e) {
            errors.handle(e, r, collector);
            task.skip(r.topic(), r.offset());
        }
        processedSinceCommit++;
    }

    private void punctuate() {
        List<PartitionTask> current;
        synchronized (tasks) {
            current = new ArrayList<>(tasks.values());
        }
        for (PartitionTask t : current) {
            try {
                t.punctuate();
            } catch (RecordProcessingException e) {
                errors.handleCallback(e);
            }
        }
    }

    /**
     * At-least-once, in this order: tables write their changes to their stores and changelogs,
     * the producer flushes (output and changelog acknowledged), checkpoints record the changelog
     * offsets the stores hold, and only then are the input offsets committed.
     */
    private void commit() {
        List<PartitionTask> current;
        synchronized (tasks) {
            current = new ArrayList<>(tasks.values());
        }
        for (PartitionTask t : current) {
            t.flushState();
        }
        collector.flush();
        processed.increment(processedSinceCommit);
        processedSinceCommit = 0;
        for (PartitionTask t : current) {
            writeCheckpoint(t);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        synchronized (tasks) {
            for (PartitionTask t : tasks.values()) {
                for (Map.Entry<String, Long> e : t.committableOffsets().entrySet()) {
                    TopicPartition tp = new TopicPartition(e.getKey(), t.id().partition());
                    if (!e.getValue().equals(committed.get(tp))) {
                        offsets.put(tp, new OffsetAndMetadata(e.getValue()));
                    }
                }
            }
        }
        lastCommit = System.currentTimeMillis();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            offsets.forEach((tp, om) -> committed.put(tp, om.offset()));
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // The group moved on without us; the tasks' new owners re-read from the last commit.
            log.warn("Commit of {} offsets by {} failed because the group is rebalancing; the records are processed again: {}",
                    offsets.size(), name, e.getMessage());
        }
    }

    private void writeCheckpoint(PartitionTask task) {
        Map<String, Long> offsets = changelogOffsets.get(task.id());
        if (offsets == null || offsets.isEmpty()) {
            return;
        }
        for (String table : offsets.keySet()) {
            TopicPartition tp = new TopicPartition(topology.tables().get(table).changelogTopic().name(), task.id().partition());
            Long acked = collector.ackedOffsets().get(tp);
            if (acked != null) {
                offsets.merge(table, acked + 1, Math::max);
            }
        }
        new Checkpoint(stores.taskDir(task.id())).write(offsets);
    }

    /** Opens the stores of new tasks, restores them all together from their changelogs, then creates the tasks. */
    private Map<TaskId, PartitionTask> openTasks(List<TaskId> ids) {
        List<StateRestorer.Job> jobs = new ArrayList<>();
        Map<TaskId, List<StateRestorer.Job>> byTask = new LinkedHashMap<>();
        try {
            for (TaskId id : ids) {
                List<StateRestorer.Job> taskJobs = new ArrayList<>();
                byTask.put(id, taskJobs);
                Map<String, Long> checkpoint = new Checkpoint(stores.taskDir(id)).read();
                for (String name : topology.subTopologies().get(id.subTopology()).tables()) {
                    Table<?, ?> table = topology.tables().get(name);
                    Long from = checkpoint.get(name);
                    ByteStore store = stores.open(id, table, from == null);
                    if (!store.persistent() || (store instanceof RocksDbStore r && r.createdEmpty())) {
                        // Nothing on disk to build on (memory, a deleted or corrupt store): the checkpoint does not apply.
                        from = null;
                    }
                    StateRestorer.Job job = new StateRestorer.Job(id, table, store, from, () -> stores.open(id, table, true));
                    taskJobs.add(job);
                    jobs.add(job);
                }
            }
            restorer.restore(jobs);
        } catch (RuntimeException e) {
            jobs.forEach(j -> j.store().close());
            throw e;
        }
        Map<TaskId, PartitionTask> out = new LinkedHashMap<>();
        for (Map.Entry<TaskId, List<StateRestorer.Job>> e : byTask.entrySet()) {
            Map<String, ByteStore> opened = new LinkedHashMap<>();
            Map<String, Long> offsets = new HashMap<>();
            for (StateRestorer.Job j : e.getValue()) {
                opened.put(j.table.name(), j.store());
                offsets.put(j.table.name(), j.end());
            }
            changelogOffsets.put(e.getKey(), offsets);
            PartitionTask task = new PartitionTask(topology, e.getKey(), collector, System::currentTimeMillis, opened);
            task.metrics(metrics);
            out.put(e.getKey(), task);
        }
        return out;
    }

    private void closeTasks(Collection<TaskId> ids) {
        for (TaskId id : ids) {
            PartitionTask t;
            synchronized (tasks) {
                t = tasks.remove(id);
            }
            if (t != null) {
                try {
                    t.close();
                } catch (RuntimeException e) {
                    log.warn("Closing task {} failed: {}", id, e.toString());
                }
                for (String topic : t.sourceTopics()) {
                    committed.remove(new TopicPartition(topic, id.partition()));
                }
                changelogOffsets.remove(id);
            }
        }
        reindex();
    }

    private void reindex() {
        Map<String, PartitionTask[]> index = new HashMap<>();
        synchronized (tasks) {
            for (PartitionTask t : tasks.values()) {
                int p = t.id().partition();
                for (String topic : t.sourceTopics()) {
                    PartitionTask[] arr = index.get(topic);
                    if (arr == null || arr.length <= p) {
                        arr = arr == null ? new PartitionTask[p + 1] : java.util.Arrays.copyOf(arr, p + 1);
                        index.put(topic, arr);
                    }
                    arr[p] = t;
                }
            }
        }
        byTopic = index;
    }

    private void closeAll(boolean clean) {
        closeTasks(tasks());
        try {
            consumer.close(clean ? org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5))
                    : org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
        } catch (RuntimeException e) {
            log.warn("Closing the consumer of {} failed: {}", name, e.toString());
        }
        try {
            producer.close(clean ? Duration.ofSeconds(5) : Duration.ZERO);
        } catch (RuntimeException e) {
            log.warn("Closing the producer of {} failed: {}", name, e.toString());
        }
        restorer.close();
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<TaskId> revoked = TaskAssignor.tasksOf(topology, partitions);
            if (revoked.isEmpty()) {
                return;
            }
            try {
                commit();
            } catch (WorkerException e) {
                // Output failed: do not commit; the next owner re-reads from the last commit.
                closeTasks(revoked);
                throw e;
            }
            closeTasks(revoked);
            log.info("{} gave up tasks {}", name, new java.util.TreeSet<>(revoked));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TaskId> created = new ArrayList<>();
            for (TaskId id : new java.util.TreeSet<>(TaskAssignor.tasksOf(topology, partitions))) {
                synchronized (tasks) {
                    if (!tasks.containsKey(id)) {
                        created.add(id);
                    }
                }
            }
            Map<TaskId, PartitionTask> opened = openTasks(created);
            synchronized (tasks) {
                tasks.putAll(opened);
            }
            reindex();
            if (!created.isEmpty()) {
                log.info("{} took tasks {}", name, created);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Set<TaskId> lost = TaskAssignor.tasksOf(topology, partitions);
            closeTasks(lost);
            log.warn("{} lost tasks {} without committing; their new owners re-read from the last commit", name, lost);
        }
    }
}
