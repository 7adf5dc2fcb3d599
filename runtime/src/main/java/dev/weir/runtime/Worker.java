package dev.weir.runtime;

import dev.weir.runtime.kafka.WorkerRuntime;
import dev.weir.runtime.engine.TaskId;
import dev.weir.topology.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a topology on Kafka, as Faust's {@code worker}: a member of the consumer group named
 * by the app id, with {@link WorkerConfig#threads()} stream threads. Start as many workers
 * (processes or instances) with the same app id as the load needs; Kafka's group protocol
 * moves whole tasks between them.
 *
 * <p>{@link #start} prepares the topics (creates internal ones, checks co-partitioning and that
 * every topic exists) before it processes anything, and throws {@link WorkerException} naming
 * each problem. What a crash can do is up to the {@link Guarantee}: under at-least-once output
 * is flushed before input offsets are committed; under exactly-once both go in one transaction.
 * Commits happen on the commit interval, on rebalance and on {@link #close()}.
 *
 * <pre>{@code
 * try (Worker worker = Worker.start(app.topology(), WorkerConfig.builder("127.0.0.1:9092").build())) {
 *     worker.awaitTermination();
 * }
 * }</pre>
 */
public final class Worker implements AutoCloseable {

    /** A worker's life cycle. */
    public enum State {
        /** Threads are running. */
        RUNNING,
        /** {@link #close()} was called; threads are committing and leaving the group. */
        STOPPING,
        /** Every thread stopped after a clean shutdown. */
        STOPPED,
        /** A thread failed; the others were stopped. See {@link #failure()}. */
        FAILED
    }

    private final WorkerRuntime runtime;

    private Worker(WorkerRuntime runtime) {
        this.runtime = runtime;
    }

    /** Starts a worker with its own metrics registry. */
    public static Worker start(Topology topology, WorkerConfig config) {
        return start(topology, config, new SimpleMeterRegistry());
    }

    /**
     * Prepares the topics and starts the stream threads.
     *
     * @param metrics where meters go: {@code weir.records.processed}, {@code weir.records.skipped},
     *                {@code weir.records.dead.lettered}, {@code weir.restore.records},
     *                {@code weir.restore.remaining}, ..., tagged with the app id
     * @throws WorkerException when the topics do not fit the topology or the state directory is in use
     */
    public static Worker start(Topology topology, WorkerConfig config, MeterRegistry metrics) {
        return new Worker(WorkerRuntime.start(topology, config, metrics));
    }

    public State state() {
        return runtime.state();
    }

    /** Why the worker failed, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(runtime.failure());
    }

    /** The tasks this worker holds now, across its threads: running, restoring their stores, or waiting to start. */
    public Set<TaskId> tasks() {
        return runtime.tasks();
    }

    /**
     * The tasks that process records now. A task with tables joins them once its stores caught
     * up with their changelogs; until then its input partitions are paused.
     */
    public Set<TaskId> runningTasks() {
        return runtime.runningTasks();
    }

    public MeterRegistry metrics() {
        return runtime.metrics();
    }

    /** Blocks until the worker stopped or failed. */
    public void awaitTermination() throws InterruptedException {
        runtime.awaitTermination();
    }

    /** Blocks until the worker stopped or failed, or the timeout passed; returns whether it stopped. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return runtime.awaitTermination(timeout);
    }

    /**
     * Stops gracefully: each thread finishes its current record, flushes, commits and leaves the
     * group. Waits up to 30 seconds.
     */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** {@link #close()} with a time limit. */
    public void close(Duration timeout) {
        runtime.close(timeout);
    }
}
