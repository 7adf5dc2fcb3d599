package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Topic;
import dev.weir.runtime.engine.TaskId;
import dev.weir.serdes.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TakeTest {

    private final App app = App.create("batches");
    private final Topic<String, String> in = app.topic("in", Serdes.string(), Serdes.string());
    private final List<List<String>> batches = new ArrayList<>();

    private TestDriver driver(int n, Duration within) {
        app.stream(in).take(n, within).foreach(batches::add);
        return TestDriver.create(app.topology());
    }

    @Test
    void fullBatchesAreEmittedAsSoonAsTheyHoldN() {
        try (TestDriver d = driver(3, Duration.ofSeconds(10))) {
            for (int i = 1; i <= 7; i++) {
                d.input(in).send("k", "v" + i);
            }
            assertThat(batches).containsExactly(List.of("v1", "v2", "v3"), List.of("v4", "v5", "v6"));
        }
    }

    @Test
    void aPartialBatchIsEmittedWhenWithinHasPassedSinceItsFirstValue() {
        try (TestDriver d = driver(100, Duration.ofSeconds(10))) {
            d.input(in).send("k", "a");
            d.advanceTime(Duration.ofSeconds(6));
            d.input(in).send("k", "b");
            d.advanceTime(Duration.ofMillis(3999));
            assertThat(batches).isEmpty();

            d.advanceTime(Duration.ofMillis(1));
            assertThat(batches).containsExactly(List.of("a", "b"));

            d.advanceTime(Duration.ofMinutes(5));
            assertThat(batches).hasSize(1);
        }
    }

    @Test
    void theTimerStartsAgainWithTheNextBatch() {
        try (TestDriver d = driver(2, Duration.ofSeconds(10))) {
            d.input(in).send("k", "a");
            d.advanceTime(Duration.ofSeconds(8));
            d.input(in).send("k", "b");
            d.advanceTime(Duration.ofSeconds(1));
            d.input(in).send("k", "c");
            d.advanceTime(Duration.ofSeconds(9));
            assertThat(batches).containsExactly(List.of("a", "b"));
            d.advanceTime(Duration.ofSeconds(1));
            assertThat(batches).containsExactly(List.of("a", "b"), List.of("c"));
        }
    }

    @Test
    void offsetsOfValuesWaitingInABatchAreNotCommittable() {
        try (TestDriver d = driver(3, Duration.ofSeconds(10))) {
            TaskId task = new TaskId(0, 0);
            d.input(in).send("k", "v0").send("k", "v1").send("k", "v2");
            assertThat(d.committableOffsets().get(task)).containsEntry("in", 3L);

            d.input(in).send("k", "v3").send("k", "v4");
            assertThat(d.committableOffsets().get(task)).containsEntry("in", 3L);

            d.advanceTime(Duration.ofSeconds(10));
            assertThat(batches).last().isEqualTo(List.of("v3", "v4"));
            assertThat(d.committableOffsets().get(task)).containsEntry("in", 5L);
        }
    }

    @Test
    void batchesArePerPartition() {
        app.stream(in).take(2, Duration.ofSeconds(1)).foreach(batches::add);
        try (TestDriver d = TestDriver.builder(app.topology()).partitions("in", 2).build()) {
            d.input(in).sendToPartition(0, "a", "p0-1").sendToPartition(1, "b", "p1-1").sendToPartition(0, "c", "p0-2");
            assertThat(batches).containsExactly(List.of("p0-1", "p0-2"));
            d.advanceTime(Duration.ofSeconds(1));
            assertThat(batches).containsExactly(List.of("p0-1", "p0-2"), List.of("p1-1"));
        }
    }
}
