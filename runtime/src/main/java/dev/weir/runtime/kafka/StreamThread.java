package dev.weir.runtime.kafka;

import dev.weir.runtime.WorkerException;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream thread: a consumer in the app's group, and the {@link TaskManager} of the tasks the
 * group gave it. Its loop: poll, process the running tasks' records, run due callbacks, commit
 * when due (under exactly-once: finish the commit that ended in the background, start the next),
 * start the tasks whose stores caught up. On shutdown it commits and leaves the group.
 */
final class StreamThread implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StreamThread.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /**
     * While tasks wait for their stores or for a partition's records, or a commit ends in the
     * background, the loop comes round often enough to go on as soon as it can.
     */
    private static final Duration POLL_SHORT = Duration.ofMillis(10);

    private final String name;
    private final Topology topology;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TaskManager taskManager;
    private final java.util.function.Consumer<Throwable> onFatal;
    private final Thread thread;
    private volatile boolean running = true;
    private CountDownLatch terminated;
    /** Reads of the tasks' tables asked for by other threads (the web endpoint), run here between polls. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> reads = new java.util.concurrent.ConcurrentLinkedQueue<>();

    StreamThread(String name, Topology topology, KafkaConsumer<byte[], byte[]> consumer, TaskManager taskManager,
                 java.util.function.Consumer<Throwable> onFatal) {
        this.name = name;
        this.topology = topology;
        this.consumer = consumer;
        this.taskManager = taskManager;
        this.onFatal = onFatal;
        this.thread = new Thread(this, name);
    }

    /** Starts the thread; {@code terminated} counts down when it ends, however it ends. */
    void startWithLatch(CountDownLatch terminated) {
        this.terminated = terminated;
        thread.start();
    }

    /** Asks the thread to finish its current record, commit and leave the group. */
    void shutdown() {
        running = false;
        consumer.wakeup();
    }

    /**
     * Reads a running task's table on this thread, which alone may touch the task's state: the
     * future completes after the next poll (within about 100 ms), with null when this thread does
     * not run the task (any more).
     */
    <T> java.util.concurrent.CompletableFuture<T> read(dev.weir.runtime.engine.TaskId task,
                                                       java.util.function.Function<dev.weir.runtime.engine.PartitionTask, T> read) {
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        reads.add(() -> {
            try {
                dev.weir.runtime.engine.PartitionTask engine = taskManager.runningTaskIds().contains(task) ? taskManager.engine(task)
                        : null;
                result.complete(engine == null ? null : read.apply(engine));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        if (!thread.isAlive() && terminated != null && terminated.getCount() == 0) {
            runReads();
        }
        return result;
    }

    private void runReads() {
        Runnable r;
        while ((r = reads.poll()) != null) {
            r.run();
        }
    }

    /** Tasks this thread holds now. */
    Set<dev.weir.runtime.engine.TaskId> tasks() {
        return taskManager.taskIds();
    }

    /** Tasks of this thread that process records now (not restoring). */
    Set<dev.weir.runtime.engine.TaskId> runningTasks() {
        return taskManager.runningTaskIds();
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            consumer.subscribe(new ArrayList<>(sourceTopics()), new Listener());
            while (running) {
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(taskManager.allRunning()
                            && !taskManager.waitingForInput() && !taskManager.commitInFlight() ? POLL : POLL_SHORT);
                    taskManager.process(records);
                    taskManager.punctuate();
                    taskManager.maybeCommit();
                    taskManager.checkStateUpdater();
                    taskManager.recordLag();
                    runReads();
                } catch (WakeupException e) {
                    // shutdown() wakes the consumer wherever it blocks; the wake-up is used up here.
                    if (running) {
                        throw e;
                    }
                }
            }
        } catch (Throwable t) {
            failure = describe(t);
            log.error("Stream thread {} of app {} failed: {}", name, topology.appId(), failure.getMessage(), failure);
        } finally {
            close(failure);
        }
        try {
            if (failure != null) {
                onFatal.accept(failure);
            }
        } finally {
            terminated.countDown();
        }
    }

    /** A bad record under the FAIL policy, or an exception the consumer wrapped around one from a rebalance callback. */
    private static Throwable describe(Throwable t) {
        Throwable cause = t;
        if (t instanceof KafkaException && !(t instanceof WorkerException) && t.getCause() != null
                && (t.getCause() instanceof WorkerException || t.getCause() instanceof RecordProcessingException)) {
            cause = t.getCause();
        }
        if (cause instanceof RecordProcessingException e) {
            return new WorkerException(e.getMessage() + " (error policy FAIL: the worker stops; the record's offset is not"
                    + " committed. Fix the input or the code, or run with error policy SKIP or DEAD_LETTER.)", e);
        }
        return cause;
    }

    private Set<String> sourceTopics() {
        Set<String> out = new LinkedHashSet<>();
        topology.subTopologies().forEach(s -> out.addAll(s.sourceTopics()));
        return out;
    }

    private void close(Throwable failure) {
        boolean clean = failure == null;
        try {
            if (clean) {
                taskManager.shutdown(true);
            } else {
                taskManager.shutdownAfter(failure);
            }
        } catch (RuntimeException e) {
            log.warn("Closing the tasks of {} failed: {}", name, e.toString());
        }
        try {
            consumer.close(clean ? CloseOptions.timeout(Duration.ofSeconds(5)) : CloseOptions.timeout(Duration.ZERO));
        } catch (RuntimeException e) {
            log.warn("Closing the consumer of {} failed: {}", name, e.toString());
        }
        taskManager.closeProducer(clean ? Duration.ofSeconds(5) : Duration.ZERO);
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            taskManager.handleRevocation(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            taskManager.handleAssignment(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            taskManager.handleLost(partitions);
        }
    }
}
