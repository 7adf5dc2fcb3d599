package dev.weir.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Topic;
import dev.weir.runtime.Guarantee;
import dev.weir.runtime.WorkerConfig;
import dev.weir.runtime.state.StateUpdater;
import dev.weir.runtime.state.StoreProvider;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serdes;
import dev.weir.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** What the task manager does on rebalances, commits and failures, over Kafka's mock clients. */
class TaskManagerTest {

    private static final TopicPartition NOTES = new TopicPartition("notes", 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockConsumer<byte[], byte[]> restoreConsumer = new MockConsumer<>("none");
    private long now = 1_000_000;

    private TaskManager taskManager(Topology topology, MockProducer<byte[], byte[]> producer, Guarantee guarantee) {
        return taskManager(topology, () -> producer, WorkerConfig.builder("mock").guarantee(guarantee).build(), consumer);
    }

    private TaskManager taskManager(Topology topology, java.util.function.Supplier<Producer<byte[], byte[]>> producers,
                                    WorkerConfig config, MockConsumer<byte[], byte[]> consumer) {
        StateUpdater updater = new StateUpdater("updater", topology.appId(), restoreConsumer, new SimpleMeterRegistry(), Duration.ZERO);
        TaskManager tm = TaskManager.create("thread", topology, config, null, consumer, producers, updater,
                StoreProvider.inMemory(), () -> now, new SimpleMeterRegistry(), dev.weir.runtime.engine.GlobalStores.none());
        consumer.assign(List.of(NOTES));
        tm.handleAssignment(List.of(NOTES));
        tm.checkStateUpdater();
        assertThat(tm.allRunning()).isTrue();
        return tm;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Topology copies() {
        App app = App.create("copy");
        Topic<String, String> notes = app.topic("notes", Serdes.string(), Serdes.string());
        Topic<String, String> copies = app.topic("copies", Serdes.string(), Serdes.string());
        app.stream(notes).to(copies);
        return app.topology();
    }

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void process(TaskManager tm, long offset, String value) {
        tm.process("notes", 0, offset, 0, Headers.create(), utf8("k"), utf8(value));
    }

    @Test
    void noTaskStartsBeforeTheGlobalTablesAreReadAndThenEachSeesThem() {
        App app = App.create("priced");
        Topic<String, String> notes = app.topic("notes", Serdes.string(), Serdes.string());
        dev.weir.dsl.GlobalTable<String, String> products = app.globalTable(app.topic("products", Serdes.string(), Serdes.string()));
        app.stream(notes).leftJoin(products, (k, v) -> v, (v, p) -> v + "=" + p).to(app.topic("out", Serdes.string(), Serdes.string()));
        Topology topology = app.topology();
        dev.weir.runtime.engine.GlobalStore store = new dev.weir.runtime.engine.GlobalStore(products,
                dev.weir.runtime.engine.InMemoryByteStore.concurrent());
        dev.weir.runtime.engine.GlobalStores globals = new dev.weir.runtime.engine.GlobalStores(Map.of("products", store));
        StateUpdater updater = new StateUpdater("updater", topology.appId(), restoreConsumer, new SimpleMeterRegistry(), Duration.ZERO);
        MockProducer<byte[], byte[]> producer = producer(true);
        TaskManager tm = TaskManager.create("thread", topology, WorkerConfig.builder("mock").build(), null, consumer, () -> producer,
                updater, StoreProvider.inMemory(), () -> now, new SimpleMeterRegistry(), globals);
        consumer.assign(List.of(NOTES));
        tm.handleAssignment(List.of(NOTES));
        tm.checkStateUpdater();
        assertThat(tm.allRunning()).as("a task while the global thread still reads its tables").isFalse();
        assertThat(consumer.paused()).containsExactly(NOTES);

        store.apply(utf8("p1"), utf8("lamp"));
        globals.markReady();
        tm.checkStateUpdater();
        assertThat(tm.allRunning()).isTrue();
        assertThat(consumer.paused()).isEmpty();
        process(tm, 0, "p1");
        assertThat(producer.history()).extracting(r -> text(r.value())).containsExactly("p1=lamp");
    }

    @Test
    void aRevocationEmitsWhatTakeHoldsCommitsItAndSuspendsTheTask() {
        App app = App.create("batches");
        Topic<String, String> notes = app.topic("notes", Serdes.string(), Serdes.string());
        Topic<String, String> batches = app.topic("batches", Serdes.string(), Serdes.string());
        app.stream(notes).take(10, Duration.ofMinutes(1)).mapValues(List::toString).to(batches, v -> "batch");
        MockProducer<byte[], byte[]> producer = producer(true);
        TaskManager tm = taskManager(app.topology(), producer, Guarantee.AT_LEAST_ONCE);
        process(tm, 0, "a");
        process(tm, 1, "b");
        assertThat(producer.history()).isEmpty();

        tm.handleRevocation(List.of(NOTES));

        assertThat(producer.history()).extracting(r -> text(r.value())).containsExactly("[a, b]");
        assertThat(consumer.committed(Set.of(NOTES))).containsEntry(NOTES, new OffsetAndMetadata(2));
        assertThat(tm.taskStates()).containsValue("SUSPENDED");

        // The same rebalance hands the task back: it resumes without being created again.
        tm.handleAssignment(List.of(NOTES));
        assertThat(tm.taskStates()).containsValue("RUNNING");
    }

    @Test
    void outputThatExpiredSendsTheTaskBackToItsLastCommitToProcessAgain() {
        MockProducer<byte[], byte[]> producer = producer(false);
        TaskManager tm = taskManager(copies(), producer, Guarantee.AT_LEAST_ONCE);
        process(tm, 0, "a");
        producer.completeNext();
        tm.commit();
        assertThat(consumer.committed(Set.of(NOTES))).containsEntry(NOTES, new OffsetAndMetadata(1));
        consumer.seek(NOTES, 3);
        process(tm, 1, "b");
        process(tm, 2, "c");
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for copies-0: 120000 ms has passed since batch creation"));

        // The commit finds the failure when it flushes: no offset is committed, and the task is reset instead of the
        // worker stopping.
        tm.commit();
        assertThat(tm.allRunning()).isFalse();
        tm.checkStateUpdater();

        assertThat(tm.allRunning()).isTrue();
        assertThat(consumer.position(NOTES)).as("input read again from the last commit").isEqualTo(1);
        assertThat(consumer.committed(Set.of(NOTES))).containsEntry(NOTES, new OffsetAndMetadata(1));
    }

    @Test
    void aTaskWithoutTablesRevokedBeforeItRestartedStartsWhenTheGroupHandsItBack() {
        MockProducer<byte[], byte[]> producer = producer(false);
        TaskManager tm = taskManager(copies(), producer, Guarantee.AT_LEAST_ONCE);
        process(tm, 0, "a");
        producer.completeNext();
        tm.commit();
        process(tm, 1, "b");
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for copies-0: 5000 ms has passed since batch creation"));
        tm.commit();
        assertThat(tm.allRunning()).as("reset to its last commit").isFalse();

        // The broker is back and the group rebalances before the task ran again (a broker outage does both).
        tm.handleRevocation(List.of(NOTES));
        tm.handleAssignment(List.of(NOTES));
        tm.checkStateUpdater();

        assertThat(tm.allRunning()).isTrue();
        assertThat(consumer.position(NOTES)).as("input read again from the last commit").isEqualTo(1);
        process(tm, 1, "b");
        producer.completeNext();
        tm.commit();
        assertThat(consumer.committed(Set.of(NOTES))).containsEntry(NOTES, new OffsetAndMetadata(2));
    }

    @Test
    void underExactlyOnceAFencedProducerClosesTheTasksWithoutCommittingAndRejoins() {
        MockProducer<byte[], byte[]> producer = producer(true);
        TaskManager tm = taskManager(copies(), producer, Guarantee.EXACTLY_ONCE);
        process(tm, 0, "a");
        tm.commit();
        assertThat(producer.transactionCommitted()).isTrue();
        assertThat(producer.consumerGroupOffsetsHistory()).hasSize(1);

        process(tm, 1, "b");
        producer.fenceProducer();
        tm.commit();

        assertThat(tm.taskIds()).as("tasks closed").isEmpty();
        assertThat(consumer.shouldRebalance()).as("the thread asked to rejoin the group").isTrue();
        assertThat(producer.consumerGroupOffsetsHistory()).as("no offsets committed after the fence").hasSize(1);
        assertThat(producer.history()).extracting(r -> text(r.value())).containsExactly("a");
    }

    @Test
    void underExactlyOnceEveryCommitIsOneTransactionWithTheInputOffsets() {
        MockProducer<byte[], byte[]> producer = producer(true);
        TaskManager tm = taskManager(copies(), producer, Guarantee.EXACTLY_ONCE);
        process(tm, 0, "a");
        process(tm, 1, "b");
        assertThat(producer.transactionInFlight()).isTrue();

        tm.commit();

        assertThat(producer.transactionCommitted()).isTrue();
        assertThat(producer.transactionInFlight()).isFalse();
        assertThat(producer.consumerGroupOffsetsHistory()).singleElement()
                .satisfies(byGroup -> assertThat(byGroup.values().iterator().next()).containsEntry(NOTES, new OffsetAndMetadata(2)));
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly("copies", "copies");
    }

    @Test
    void anOffsetCommitTheGroupRefusesClosesTheTasksWithoutGoingOnAndRejoins() {
        MockConsumer<byte[], byte[]> refusing = new MockConsumer<>("earliest") {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
                throw new org.apache.kafka.clients.consumer.CommitFailedException("the group rebalanced; this member's generation is over");
            }
        };
        Topology topology = copies();
        StateUpdater updater = new StateUpdater("updater", topology.appId(), restoreConsumer, new SimpleMeterRegistry(), Duration.ZERO);
        TaskManager tm = TaskManager.create("thread", topology, WorkerConfig.builder("mock").build(), null, refusing,
                () -> producer(true), updater, StoreProvider.inMemory(), () -> now, new SimpleMeterRegistry(), dev.weir.runtime.engine.GlobalStores.none());
        refusing.assign(List.of(NOTES));
        tm.handleAssignment(List.of(NOTES));
        process(tm, 0, "a");

        tm.commit();

        assertThat(tm.taskIds()).as("tasks closed, not processing on").isEmpty();
        assertThat(refusing.shouldRebalance()).isTrue();
    }

    private static Topology counting() {
        App app = App.create("count");
        Topic<String, String> notes = app.topic("notes", Serdes.string(), Serdes.string());
        dev.weir.dsl.Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        app.stream(notes).count(counts);
        return app.topology();
    }

    /** A store the test can look into, closed or not, to see what reached it and when. */
    private static final class VisibleStore implements dev.weir.runtime.engine.ByteStore {
        final Map<java.nio.ByteBuffer, byte[]> data = new java.util.HashMap<>();

        @Override
        public byte[] get(byte[] key) {
            return data.get(java.nio.ByteBuffer.wrap(key));
        }

        @Override
        public void write(Map<java.nio.ByteBuffer, byte[]> batch) {
            batch.forEach((k, v) -> {
                if (v == null) {
                    data.remove(k);
                } else {
                    data.put(k, v);
                }
            });
        }

        @Override
        public void forEach(java.util.function.BiConsumer<byte[], byte[]> action) {
            data.forEach((k, v) -> action.accept(k.array(), v));
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean persistent() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    private final List<VisibleStore> stores = new java.util.ArrayList<>();

    private TaskManager countingTaskManager(Guarantee guarantee) {
        return countingTaskManager(guarantee, producer(true));
    }

    private TaskManager countingTaskManager(Guarantee guarantee, MockProducer<byte[], byte[]> producer) {
        Topology topology = counting();
        restoreConsumer.updateBeginningOffsets(Map.of(new TopicPartition("count-counts-changelog", 0), 0L));
        restoreConsumer.updateEndOffsets(Map.of(new TopicPartition("count-counts-changelog", 0), 0L));
        StateUpdater updater = new StateUpdater("updater", topology.appId(), restoreConsumer, new SimpleMeterRegistry(), Duration.ZERO);
        StoreProvider provider = new StoreProvider() {
            @Override
            public Opened open(dev.weir.runtime.engine.TaskId task, dev.weir.dsl.Table<?, ?> table) {
                VisibleStore store = new VisibleStore();
                stores.add(store);
                return new Opened(store, true);
            }

            @Override
            public void wipe(dev.weir.runtime.engine.TaskId task, dev.weir.dsl.Table<?, ?> table) {
            }

            @Override
            public java.nio.file.Path taskDir(dev.weir.runtime.engine.TaskId task) {
                return null;
            }
        };
        TaskManager tm = TaskManager.create("thread", topology, WorkerConfig.builder("mock").guarantee(guarantee).build(), null,
                consumer, () -> producer, updater, provider, () -> now, new SimpleMeterRegistry(), dev.weir.runtime.engine.GlobalStores.none());
        consumer.assign(List.of(NOTES));
        tm.handleAssignment(List.of(NOTES));
        for (int i = 0; i < 10 && !tm.allRunning(); i++) {
            updater.runOnce(Duration.ZERO);
            tm.checkStateUpdater();
        }
        assertThat(tm.allRunning()).isTrue();
        return tm;
    }

    private Long stored(String key) {
        byte[] v = stores.get(0).get(utf8(key));
        return v == null ? null : Serdes.longs().deserialize(v);
    }

    @Test
    void aStoreGetsChangesOnlyOnceTheirCommitIsDurable() {
        TaskManager tm = countingTaskManager(Guarantee.AT_LEAST_ONCE);
        process(tm, 0, "x");
        process(tm, 1, "y");
        assertThat(stored("k")).as("not committed: not in the store").isNull();
        tm.commit();
        assertThat(stored("k")).isEqualTo(2L);
    }

    @Test
    void underExactlyOnceCommittedChangesReachTheStoreInBatchesAndOnClose() {
        TaskManager tm = countingTaskManager(Guarantee.EXACTLY_ONCE);
        process(tm, 0, "x");
        tm.commit();
        process(tm, 1, "y");
        process(tm, 2, "z");
        tm.commit();
        assertThat(stored("k")).as("committed twice within a second: not written yet").isNull();
        assertThat(tm.engine(new dev.weir.runtime.engine.TaskId(0, 0)).tableValue("counts", "k")).isEqualTo(3L);
        process(tm, 3, "uncommitted");

        tm.shutdown(false);

        assertThat(stored("k")).as("the committed count, not the one after it").isEqualTo(3L);
    }

    /**
     * A mock producer whose transaction commits, or flushes, end only when the test lets them, as
     * a broker's answers arrive some time later.
     */
    private static final class GatedProducer extends MockProducer<byte[], byte[]> {
        final java.util.concurrent.Semaphore commits = new java.util.concurrent.Semaphore(0);
        final java.util.concurrent.Semaphore flushes = new java.util.concurrent.Semaphore(0);
        private final boolean gateFlushes;
        volatile RuntimeException failNext;

        GatedProducer(boolean gateFlushes) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.gateFlushes = gateFlushes;
        }

        /** Gates transaction commits only. */
        GatedProducer() {
            this(false);
        }

        @Override
        public void commitTransaction() {
            await(commits, "commit");
            RuntimeException f = failNext;
            if (f != null) {
                failNext = null;
                throw f;
            }
            super.commitTransaction();
        }

        @Override
        public void flush() {
            if (gateFlushes) {
                await(flushes, "flush");
            }
            super.flush();
        }

        private static void await(java.util.concurrent.Semaphore gate, String what) {
            try {
                if (!gate.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never let the " + what + " end");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Calls the stream thread's commit step until the commit in flight ended and was finished. */
    private static void finishBackgroundCommit(TaskManager tm) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (tm.commitInFlight()) {
            assertThat(System.nanoTime()).as("the background commit ended within 10 s").isLessThan(deadline);
            Thread.sleep(1);
            tm.maybeCommit();
        }
    }

    private static Topology keepingAllButX() {
        App app = App.create("copy");
        Topic<String, String> notes = app.topic("notes", Serdes.string(), Serdes.string());
        Topic<String, String> copies = app.topic("copies", Serdes.string(), Serdes.string());
        app.stream(notes).filter(v -> !v.equals("x")).to(copies);
        return app.topology();
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsetsOfCommit(MockProducer<byte[], byte[]> producer, int commit) {
        return producer.consumerGroupOffsetsHistory().get(commit).values().iterator().next();
    }

    @Test
    void underExactlyOnceACommitEndsInTheBackgroundWhileTheThreadProcessesIntoTheNextTransaction() throws Exception {
        GatedProducer producer = new GatedProducer();
        TaskManager tm = taskManager(copies(), producer, Guarantee.EXACTLY_ONCE);
        process(tm, 0, "a");
        now += 100;
        tm.maybeCommit();
        assertThat(tm.commitInFlight()).as("the commit ends on the committer thread").isTrue();

        process(tm, 1, "b");
        process(tm, 2, "c");
        tm.maybeCommit();
        assertThat(tm.commitInFlight()).as("not finished before its transaction ended").isTrue();
        assertThat(producer.uncommittedRecords()).as("b and c wait for the next transaction; only a is in this one")
                .extracting(r -> text(r.value())).containsExactly("a");

        producer.commits.release();
        finishBackgroundCommit(tm);

        assertThat(producer.history()).extracting(r -> text(r.value())).containsExactly("a");
        assertThat(offsetsOfCommit(producer, 0)).as("the first transaction commits a's offset only").containsEntry(NOTES,
                new OffsetAndMetadata(1));
        assertThat(producer.uncommittedRecords()).as("the next transaction began with what waited")
                .extracting(r -> text(r.value())).containsExactly("b", "c");

        now += 100;
        tm.maybeCommit();
        producer.commits.release();
        finishBackgroundCommit(tm);
        assertThat(producer.history()).extracting(r -> text(r.value())).containsExactly("a", "b", "c");
        assertThat(offsetsOfCommit(producer, 1)).containsEntry(NOTES, new OffsetAndMetadata(3));
    }

    @Test
    void recordsThatSendNothingWhileACommitEndsAreCommittedByTheNextOne() throws Exception {
        GatedProducer producer = new GatedProducer();
        TaskManager tm = taskManager(keepingAllButX(), producer, Guarantee.EXACTLY_ONCE);
        process(tm, 0, "a");
        now += 100;
        tm.maybeCommit();
        process(tm, 1, "x");
        producer.commits.release();
        finishBackgroundCommit(tm);
        assertThat(tm.commitNeeded()).as("x was processed after the commit began").isTrue();

        now += 100;
        tm.maybeCommit();
        producer.commits.release();
        finishBackgroundCommit(tm);

        assertThat(producer.consumerGroupOffsetsHistory()).hasSize(2);
        assertThat(offsetsOfCommit(producer, 1)).as("x's offset, though x sent nothing").containsEntry(NOTES,
                new OffsetAndMetadata(2));
    }

    @Test
    void aBackgroundCommitThatFailsDropsWhatWaitedForTheNextTransactionAndGoesBackToTheLastCommit() throws Exception {
        GatedProducer producer = new GatedProducer();
        TaskManager tm = taskManager(copies(), producer, Guarantee.EXACTLY_ONCE);
        process(tm, 0, "a");
        producer.commits.release();
        tm.commit();                                        // on this thread
        // The group holds what the transaction committed (the mock consumer does not see the mock producer's offsets).
        consumer.commitSync(offsetsOfCommit(producer, 0));
        consumer.seek(NOTES, 3);
        process(tm, 1, "b");
        now += 100;
        producer.failNext = new org.apache.kafka.common.KafkaException("the transaction coordinator failed the commit");
        producer.commits.release();
        tm.maybeCommit();
        process(tm, 2, "c");
        finishBackgroundCommit(tm);

        assertThat(producer.transactionAborted()).as("the failed transaction is aborted").isTrue();
        assertThat(tm.allRunning()).as("the task went back to its last commit").isFalse();
        tm.checkStateUpdater();
        assertThat(tm.allRunning()).isTrue();
        assertThat(consumer.position(NOTES)).as("input read again from the last commit").isEqualTo(1);
        assertThat(producer.history()).extracting(r -> text(r.value())).containsExactly("a");
        assertThat(producer.uncommittedRecords()).as("c, made after the failed commit began, was never sent").isEmpty();
    }

    @Test
    void aBackgroundCommitRefusedByTheGroupClosesTheTasksWithoutSendingWhatWaited() throws Exception {
        GatedProducer producer = new GatedProducer();
        TaskManager tm = taskManager(copies(), producer, Guarantee.EXACTLY_ONCE);
        process(tm, 0, "a");
        now += 100;
        producer.failNext = new ProducerFencedException("another producer with the same transactional.id started");
        tm.maybeCommit();
        process(tm, 1, "b");
        producer.commits.release();
        finishBackgroundCommit(tm);

        assertThat(tm.taskIds()).as("tasks closed").isEmpty();
        assertThat(consumer.shouldRebalance()).as("the thread asked to rejoin the group").isTrue();
        assertThat(producer.history()).isEmpty();
        assertThat(producer.uncommittedRecords()).extracting(r -> text(r.value())).doesNotContain("b");
    }

    @Test
    void aFencedCommitInFlightWhenPartitionsAreLostClosesEveryTaskAndRejoins() throws Exception {
        GatedProducer producer = new GatedProducer();
        TaskManager tm = taskManager(copies(), producer, Guarantee.EXACTLY_ONCE);
        process(tm, 0, "a");
        now += 100;
        producer.failNext = new ProducerFencedException("another producer with the same transactional.id started");
        tm.maybeCommit();
        producer.commits.release();

        tm.handleLost(List.of(NOTES));

        assertThat(tm.commitInFlight()).isFalse();
        assertThat(tm.taskIds()).as("tasks closed").isEmpty();
        assertThat(consumer.shouldRebalance()).as("the fence outranks the loss: the thread asked to rejoin").isTrue();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void atLeastOnceATableTakesOnlyTheChangesOfAFlushThatEndedInTheBackground() throws Exception {
        GatedProducer producer = new GatedProducer(true);
        TaskManager tm = countingTaskManager(Guarantee.AT_LEAST_ONCE, producer);
        process(tm, 0, "x");
        now += 1000;
        tm.maybeCommit();
        process(tm, 1, "y");
        tm.maybeCommit();
        assertThat(stored("k")).as("the flush has not ended").isNull();

        producer.flushes.release();
        finishBackgroundCommit(tm);

        assertThat(stored("k")).as("the change the flushed commit covers, not y's").isEqualTo(1L);
        assertThat(consumer.committed(Set.of(NOTES))).containsEntry(NOTES, new OffsetAndMetadata(1));
        assertThat(producer.history()).extracting(r -> Serdes.longs().deserialize(r.value())).containsExactly(1L);

        now += 1000;
        tm.maybeCommit();
        producer.flushes.release();
        finishBackgroundCommit(tm);
        assertThat(stored("k")).isEqualTo(2L);
        assertThat(consumer.committed(Set.of(NOTES))).containsEntry(NOTES, new OffsetAndMetadata(2));
    }

    @Test
    void underExactlyOnceATableChangedWhileACommitEndsSendsThatChangeInTheNextTransaction() throws Exception {
        GatedProducer producer = new GatedProducer();
        TaskManager tm = countingTaskManager(Guarantee.EXACTLY_ONCE, producer);
        process(tm, 0, "x");
        now += 100;
        tm.maybeCommit();
        process(tm, 1, "y");
        producer.commits.release();
        finishBackgroundCommit(tm);

        assertThat(producer.history()).as("the first transaction holds the changelog record of x's count")
                .extracting(r -> r.topic() + "=" + Serdes.longs().deserialize(r.value())).containsExactly("count-counts-changelog=1");
        assertThat(offsetsOfCommit(producer, 0)).containsEntry(NOTES, new OffsetAndMetadata(1));

        now += 100;
        tm.maybeCommit();
        producer.commits.release();
        finishBackgroundCommit(tm);
        assertThat(producer.history()).extracting(r -> Serdes.longs().deserialize(r.value())).containsExactly(1L, 2L);
        assertThat(offsetsOfCommit(producer, 1)).containsEntry(NOTES, new OffsetAndMetadata(2));

        process(tm, 2, "uncommitted");
        tm.shutdown(false);
        assertThat(stored("k")).as("the store holds what the two transactions committed").isEqualTo(2L);
    }

    @Test
    void aRevocationWaitsForTheCommitInFlightAndCommitsWhatCameAfterIt() throws Exception {
        GatedProducer producer = new GatedProducer();
        TaskManager tm = taskManager(copies(), producer, Guarantee.EXACTLY_ONCE);
        process(tm, 0, "a");
        now += 100;
        tm.maybeCommit();
        process(tm, 1, "b");
        producer.commits.release(2);

        tm.handleRevocation(List.of(NOTES));

        assertThat(tm.commitInFlight()).isFalse();
        assertThat(producer.history()).extracting(r -> text(r.value())).containsExactly("a", "b");
        assertThat(producer.consumerGroupOffsetsHistory()).hasSize(2);
        assertThat(offsetsOfCommit(producer, 1)).containsEntry(NOTES, new OffsetAndMetadata(2));
        assertThat(tm.taskStates()).containsValue("SUSPENDED");
    }

    @Test
    void atLeastOnceTheFlushEndsInTheBackgroundAndOnlyTheOffsetsBeforeItAreCommitted() throws Exception {
        GatedProducer producer = new GatedProducer(true);
        TaskManager tm = taskManager(copies(), producer, Guarantee.AT_LEAST_ONCE);
        process(tm, 0, "a");
        now += 1_000;
        tm.maybeCommit();
        assertThat(tm.commitInFlight()).isTrue();

        process(tm, 1, "b");
        assertThat(producer.history()).as("sent at once, not held").extracting(r -> text(r.value())).containsExactly("a", "b");
        assertThat(consumer.committed(Set.of(NOTES))).as("nothing committed before the flush ended").isEmpty();

        producer.flushes.release();
        finishBackgroundCommit(tm);
        assertThat(consumer.committed(Set.of(NOTES))).as("a's offset: b came after the flush began")
                .containsEntry(NOTES, new OffsetAndMetadata(1));

        now += 1_000;
        producer.flushes.release();
        tm.maybeCommit();
        finishBackgroundCommit(tm);
        assertThat(consumer.committed(Set.of(NOTES))).containsEntry(NOTES, new OffsetAndMetadata(2));
    }
    @Test
    void underExactlyOnceACommitStillEndingIsWaitedForOnceWhatWaitsForTheNextTransactionFillsHalfTheProducersBuffer()
            throws Exception {
        GatedProducer producer = new GatedProducer();
        WorkerConfig config = WorkerConfig.builder("mock").guarantee(Guarantee.EXACTLY_ONCE).producerConfig("buffer.memory", 1_000)
                .build();
        TaskManager tm = taskManager(copies(), () -> producer, config, consumer);
        process(tm, 0, "a");
        now += 100;
        tm.maybeCommit();
        String hundredBytes = "v".repeat(100);
        for (int offset = 1; offset <= 4; offset++) {
            process(tm, offset, hundredBytes);             // key "k" + 100 bytes each: 404 bytes held, below 500
        }
        tm.maybeCommit();
        assertThat(tm.commitInFlight()).as("below half of buffer.memory the thread does not wait for the transaction").isTrue();

        process(tm, 5, hundredBytes);                      // 505 bytes held
        Thread committing = new Thread(tm::maybeCommit, "stream-thread");
        committing.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!waitingForTheTransaction(committing)) {
            assertThat(committing.isAlive() && System.nanoTime() < deadline).as("the stream thread waits for the transaction to end")
                    .isTrue();
            committing.join(1);                            // returns at once should the thread end without waiting
        }
        producer.commits.release();
        committing.join(10_000);

        assertThat(committing.isAlive()).as("the wait ends with the transaction").isFalse();
        assertThat(tm.commitInFlight()).isFalse();
        assertThat(producer.history()).extracting(r -> text(r.value())).containsExactly("a");
        assertThat(producer.uncommittedRecords()).as("what waited began the next transaction").hasSize(5);
    }

    private static boolean waitingForTheTransaction(Thread thread) {
        if (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(StreamsProducer.class.getName()) && frame.getMethodName().equals("awaitCommit")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void underExactlyOnceATransactionWhoseCommitTimedOutIsFinishedByANewProducerAndTheTaskGoesBackToItsLastCommit()
            throws Exception {
        GatedProducer first = new GatedProducer();
        MockProducer<byte[], byte[]> second = producer(true);
        java.util.Deque<MockProducer<byte[], byte[]>> made = new java.util.ArrayDeque<>(List.of(first, second));
        List<MockProducer<byte[], byte[]>> handedOut = new java.util.ArrayList<>();
        java.util.function.Supplier<Producer<byte[], byte[]>> producers = () -> {
            MockProducer<byte[], byte[]> p = made.pop();
            handedOut.add(p);
            return p;
        };
        TaskManager tm = taskManager(copies(), producers, WorkerConfig.builder("mock").guarantee(Guarantee.EXACTLY_ONCE).build(),
                consumer);
        process(tm, 0, "a");
        first.commits.release();
        tm.commit();
        consumer.commitSync(offsetsOfCommit(first, 0));
        consumer.seek(NOTES, 2);
        process(tm, 1, "b");
        now += 100;
        first.failNext = new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(COMMIT)");
        first.commits.release();
        tm.maybeCommit();
        finishBackgroundCommit(tm);

        assertThat(first.closed()).as("the producer whose transaction's outcome is unknown is closed").isTrue();
        assertThat(handedOut).as("a new producer (same transactional.id) finishes or aborts that transaction")
                .containsExactly(first, second);
        assertThat(tm.allRunning()).as("the task went back to its last commit").isFalse();
        tm.checkStateUpdater();
        assertThat(tm.allRunning()).isTrue();
        assertThat(second.transactionInitialized()).isTrue();
        assertThat(consumer.position(NOTES)).as("input read again from the last commit").isEqualTo(1);

        process(tm, 1, "b");
        tm.commit();
        assertThat(second.history()).extracting(r -> text(r.value())).containsExactly("b");
        assertThat(second.consumerGroupOffsetsHistory().get(0).values().iterator().next()).containsEntry(NOTES,
                new OffsetAndMetadata(2));
    }

    @Test
    void atLeastOnceOffsetsWhoseCommitTimedOutAreCommittedByTheNextCommitEvenWithNothingNewProcessed() throws Exception {
        int[] attempts = {0};
        MockConsumer<byte[], byte[]> slowGroup = new MockConsumer<>("earliest") {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
                if (attempts[0]++ == 0) {
                    throw new TimeoutException("Timeout of 60000ms expired before successfully committing offsets");
                }
                super.commitSync(offsets, timeout);
            }
        };
        TaskManager tm = taskManager(copies(), () -> producer(true), WorkerConfig.builder("mock").build(), slowGroup);
        process(tm, 0, "a");
        tm.commit();
        assertThat(slowGroup.committed(Set.of(NOTES))).as("the offset commit timed out").isEmpty();
        assertThat(tm.allRunning()).as("the output is durable: the task goes on").isTrue();

        now += 1_000;
        tm.maybeCommit();
        finishBackgroundCommit(tm);

        assertThat(attempts[0]).isEqualTo(2);
        assertThat(slowGroup.committed(Set.of(NOTES))).containsEntry(NOTES, new OffsetAndMetadata(1));
    }
}
