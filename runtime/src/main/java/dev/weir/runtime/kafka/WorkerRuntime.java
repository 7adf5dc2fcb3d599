package dev.weir.runtime.kafka;

import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.runtime.WorkerException;
import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.state.RocksDbStores;
import dev.weir.runtime.engine.TaskId;
import dev.weir.topology.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The machinery behind {@link Worker}: client configs, the state directory lock, topic setup and threads. */
public final class WorkerRuntime {

    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

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
    private volatile Worker.State state = Worker.State.RUNNING;
    private volatile Throwable failure;

    private final RocksDbStores stores;

    private WorkerRuntime(Topology topology, MeterRegistry metrics, int threadCount, FileChannel lockChannel, FileLock lock,
                          RocksDbStores stores) {
        this.stores = stores;
        this.topology = topology;
        this.metrics = metrics;
        this.terminated = new CountDownLatch(threadCount);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    public static WorkerRuntime start(Topology topology, WorkerConfig config, MeterRegistry metrics) {
        checkReserved(config);
        String app = topology.appId();
        String deadLetters = config.errorPolicy() == ErrorPolicy.DEAD_LETTER
                ? (config.deadLetterTopic() != null ? config.deadLetterTopic() : app + "-dead-letters") : null;

        Map<String, Object> adminConfigs = base(config);
        adminConfigs.put(AdminClientConfig.CLIENT_ID_CONFIG, app + "-admin");
        try (Admin admin = Admin.create(adminConfigs)) {
            TopicSetup.prepare(admin, topology, deadLetters, ADMIN_TIMEOUT);
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

        WorkerRuntime rt = new WorkerRuntime(topology, metrics, config.threads(), channel, lock,
                new RocksDbStores(dir, config.blockCacheBytes(), config.writeBufferBytes()));
        ErrorHandler errors = new ErrorHandler(app, config.errorPolicy(), deadLetters, metrics);
        String instance = UUID.randomUUID().toString().substring(0, 8);
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
            c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            Map<String, Object> p = base(config);
            p.putAll(config.producerConfigs());
            p.put(ProducerConfig.CLIENT_ID_CONFIG, name + "-producer");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
            Map<String, Object> restore = base(config);
            restore.putAll(config.consumerConfigs());
            restore.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            restore.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            rt.threads.add(new StreamThread(name, topology, c, p, restore, rt.stores, errors, config.commitInterval().toMillis(),
                    metrics, rt::threadFailed));
        }
        log.info("Starting worker of app {} with {}", app, config);
        for (StreamThread t : rt.threads) {
            t.startWithLatch(rt.terminated);
        }
        return rt;
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
                    + " assignor, byte-array serdes and offset commits keep its guarantees); remove them from the worker config");
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

    public void awaitTermination() throws InterruptedException {
        terminated.await();
        releaseLock();
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        boolean done = terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (done) {
            releaseLock();
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
        releaseLock();
    }

    private synchronized void releaseLock() {
        if (!lockChannel.isOpen()) {
            return;
        }
        if (terminated.getCount() == 0) {
            // Native memory shared by the stores; only safe once every thread closed its stores.
            stores.close();
        }
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
