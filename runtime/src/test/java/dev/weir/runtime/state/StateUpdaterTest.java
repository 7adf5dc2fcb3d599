package dev.weir.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.runtime.engine.ByteStore;
import dev.weir.runtime.engine.TaskId;
import dev.weir.serdes.Serdes;
import dev.weir.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state updater restores from where a store stands, however it got there, and hands the task back. */
class StateUpdaterTest {

    private static final TaskId TASK = new TaskId(0, 0);

    @TempDir
    Path dir;

    private Topology topology;
    private TopicPartition changelog;
    private RocksDbStores stores;
    private MockConsumer<byte[], byte[]> consumer;
    private StateUpdater updater;
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final AtomicLong clock = new AtomicLong();
    private final List<StateManager> restored = new ArrayList<>();
    private final List<RuntimeException> failed = new ArrayList<>();
    private final StateUpdater.Listener listener = new StateUpdater.Listener() {
        @Override
        public void restored(StateManager task) {
            restored.add(task);
        }

        @Override
        public void failed(StateManager task, RuntimeException failure) {
            failed.add(failure);
        }
    };

    @BeforeEach
    void setUp() {
        App app = App.create("restore");
        Topic<String, String> words = app.topic("words", Serdes.string(), Serdes.string());
        Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        app.stream(words).count(counts);
        topology = app.topology();
        changelog = new TopicPartition(counts.changelogTopic().name(), 0);
        stores = new RocksDbStores(dir, 8 << 20, 4 << 20);
        consumer = new MockConsumer<>("none");
        updater = new StateUpdater("updater", "restore", consumer, metrics, Duration.ofMillis(300), clock::get);
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    private void changelogHolds(long begin, long end) {
        consumer.updateBeginningOffsets(Map.of(changelog, begin));
        consumer.updateEndOffsets(Map.of(changelog, end));
    }

    /** On the next poll, offsets {@code from} to {@code to} (exclusive) of the changelog hold key-i = i. */
    private void recordsArrive(long from, long to) {
        consumer.schedulePollTask(() -> {
            for (long i = from; i < to; i++) {
                consumer.addRecord(new ConsumerRecord<>(changelog.topic(), 0, i, key(i), value(i)));
            }
        });
    }

    private static byte[] key(long i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(long i) {
        return Serdes.longs().serialize(i);
    }

    private StateManager restore() {
        StateManager sm = new StateManager(TASK, topology, stores);
        updater.add(sm, listener);
        for (int i = 0; i < 100 && restored.isEmpty() && failed.isEmpty(); i++) {
            updater.runOnce(Duration.ZERO);
        }
        return sm;
    }

    private static long restoredCount(StateManager sm) {
        return sm.changelogs().iterator().next().restoredRecords;
    }

    private static ByteStore store(StateManager sm) {
        return sm.stores().get("counts");
    }

    @Test
    void aNewStoreIsRestoredFromTheChangelogsStartAndCheckpointedWhenItCloses() throws Exception {
        changelogHolds(0, 10);
        recordsArrive(0, 10);

        StateManager sm = restore();

        assertThat(failed).isEmpty();
        assertThat(restored).containsExactly(sm);
        assertThat(restoredCount(sm)).isEqualTo(10);
        assertThat(store(sm).get(key(7))).isEqualTo(value(7));
        assertThat(sm.checkpointDue()).as("a restore needs no checkpoint before the task ran a while").isFalse();
        sm.close();
        assertThat(Files.readString(dir.resolve("0_0/.checkpoint"))).contains("counts 10");
    }

    @Test
    void theRestoreRateIsMeteredPerSecondAndFallsToZeroWhenNothingRestores() {
        changelogHolds(0, 3000);
        consumer.schedulePollTask(() -> {
            for (long i = 0; i < 1000; i++) {
                consumer.addRecord(new ConsumerRecord<>(changelog.topic(), 0, i, key(i), value(i)));
            }
            clock.set(Duration.ofMillis(500).toNanos());
        });
        consumer.schedulePollTask(() -> {
            for (long i = 1000; i < 3000; i++) {
                consumer.addRecord(new ConsumerRecord<>(changelog.topic(), 0, i, key(i), value(i)));
            }
            clock.set(Duration.ofMillis(1500).toNanos());
        });

        StateManager sm = restore();

        assertThat(restored).containsExactly(sm);
        assertThat(metrics.get("weir.restore.rate").gauge().value()).as("3,000 records in 1.5 s").isEqualTo(2000.0);
        assertThat(metrics.get("weir.restore.records").counter().count()).isEqualTo(3000.0);
        updater.runOnce(Duration.ZERO);
        assertThat(metrics.get("weir.restore.rate").gauge().value()).isZero();
        sm.close();
    }

    @Test
    void aStoreWithACheckpointRestoresOnlyWhatCameAfterIt() {
        changelogHolds(0, 10);
        recordsArrive(0, 10);
        restore().close();
        restored.clear();

        changelogHolds(0, 15);
        recordsArrive(10, 15);
        StateManager again = restore();

        assertThat(restored).containsExactly(again);
        assertThat(restoredCount(again)).as("only the records after the checkpoint").isEqualTo(5);
        assertThat(store(again).get(key(3))).isEqualTo(value(3));
        assertThat(store(again).get(key(14))).isEqualTo(value(14));
        again.close();
    }

    @Test
    void aCheckpointBelowTheChangelogsStartRebuildsTheStoreFromTheStart() {
        changelogHolds(0, 10);
        recordsArrive(0, 10);
        restore().close();
        restored.clear();

        // Retention removed offsets 10..19; what the store holds is older than what the changelog starts with.
        changelogHolds(20, 25);
        recordsArrive(20, 25);
        StateManager again = restore();

        assertThat(restored).containsExactly(again);
        assertThat(restoredCount(again)).isEqualTo(5);
        assertThat(store(again).get(key(3))).as("the store was rebuilt, not added to").isNull();
        assertThat(store(again).get(key(22))).isEqualTo(value(22));
        again.close();
    }

    @Test
    void aCheckpointPastTheChangelogsEndRebuildsTheStore() {
        changelogHolds(0, 10);
        recordsArrive(0, 10);
        restore().close();
        restored.clear();

        // The changelog was deleted and created again.
        changelogHolds(0, 3);
        recordsArrive(0, 3);
        StateManager again = restore();

        assertThat(restoredCount(again)).isEqualTo(3);
        assertThat(store(again).get(key(7))).isNull();
        again.close();
    }

    @Test
    void aRestoreTakenBackMidwayCheckpointsHowFarItGotAndResumesThereLater() throws Exception {
        changelogHolds(0, 100);
        recordsArrive(0, 40);
        StateManager sm = new StateManager(TASK, topology, stores);
        updater.add(sm, listener);
        updater.runOnce(Duration.ZERO);
        updater.runOnce(Duration.ZERO);
        assertThat(restored).isEmpty();

        updater.remove(TASK);
        assertThat(Files.readString(dir.resolve("0_0/.checkpoint"))).contains("counts 40");
        sm.close();

        recordsArrive(40, 100);
        StateManager again = restore();
        assertThat(restored).containsExactly(again);
        assertThat(restoredCount(again)).as("from where the first restore stopped").isEqualTo(60);
        again.close();
    }

    @Test
    void aStoreWhoseLockIsHeldIsNotDeletedTheTaskFailsNamingTheDirectoryAndTheHolder() {
        changelogHolds(0, 10);
        recordsArrive(0, 10);
        restore().close();
        restored.clear();
        StateManager holder = new StateManager(TASK, topology, stores);
        holder.open();

        long started = System.nanoTime();
        StateManager blocked = new StateManager(TASK, topology, stores);
        updater.add(blocked, listener);
        while (failed.isEmpty() && System.nanoTime() - started < 5_000_000_000L) {
            updater.runOnce(Duration.ZERO);
        }

        assertThat(failed).singleElement().extracting(Throwable::getMessage).asString()
                .contains("The store of table \"counts\" for task 0_0 in " + dir.resolve("0_0").resolve("counts"))
                .contains("is still open by task 0_0 on thread")
                .contains("waited 300 ms");
        assertThat(store(holder).get(key(4))).as("the data is where it was").isEqualTo(value(4));
        holder.close();
    }

    @Test
    void onceItsThreadHasDiedATaskAddedFailsAtOnceRatherThanWaitingForever() throws Exception {
        MockConsumer<byte[], byte[]> broken = new MockConsumer<>("none") {
            @Override
            public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions, Duration timeout) {
                throw new IllegalStateException("a bug in the updater");
            }
        };
        List<String> failures = new CopyOnWriteArrayList<>();
        StateUpdater.Listener recording = new StateUpdater.Listener() {
            @Override
            public void restored(StateManager task) {
            }

            @Override
            public void failed(StateManager task, RuntimeException failure) {
                failures.add(task.task() + ": " + failure.getMessage());
            }
        };
        StateUpdater threaded = new StateUpdater("broken-updater", "restore", broken, metrics, Duration.ofMillis(300));
        threaded.start();
        try {
            threaded.add(new StateManager(TASK, topology, stores), recording);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(failures).as("the task it held when it died").containsExactly("0_0: a bug in the updater");

            TaskId next = new TaskId(0, 1);
            threaded.add(new StateManager(next, topology, stores), recording);

            assertThat(failures).as("a task added later fails at once").hasSize(2);
            assertThat(failures.get(1)).startsWith("0_1: The state updater broken-updater failed")
                    .contains("a bug in the updater");
            threaded.remove(next);      // returns: the updater holds nothing
        } finally {
            threaded.close();
        }
    }
}
