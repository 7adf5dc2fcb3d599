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

    /** The address ({@code host:port}) of the worker's web endpoint, if {@link WorkerConfig.Builder#webPort} turned it on. */
    public Optional<String> webAddress() {
        return runtime.webAddress();
    }

    /**
     * The web endpoint of the worker that holds {@code key} of {@code table} now, as the group's
     * last assignment said (each worker with a web endpoint advertises it); empty while unknown or
     * when that worker serves none. Ask it with {@code GET http://<owner>/tables/<table>/<key>}.
     */
    public <K> Optional<String> ownerOf(dev.weir.dsl.Table<K, ?> table, K key) {
        return runtime.ownerOf(runtime.taskOf(table, key));
    }

    /**
     * Reads {@code key} of {@code table} from this worker's store (null when it has no value; for
     * a windowed table use the web endpoint or the testkit). Runs on the stream thread that holds
     * the key's task, so it waits up to about one poll.
     *
     * @throws IllegalStateException naming the owner when this worker does not run the key's task
     */
    @SuppressWarnings("unchecked")
    public <K, V> V get(dev.weir.dsl.Table<K, V> table, K key) {
        TaskId task = runtime.taskOf(table, key);
        try {
            return (V) runtime.read(task, table, key).orElseThrow(() -> new IllegalStateException("Key " + key + " of table \""
                    + table.name() + "\" lives in task " + task + ", which this worker does not run"
                    + runtime.ownerOf(task).map(o -> "; the worker at " + o + " does").orElse(" now"))).value();
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Reading key " + key + " of table \"" + table.name() + "\" failed: " + e, e);
        }
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
