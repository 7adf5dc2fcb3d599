package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.dsl.Window;
import dev.weir.dsl.Windowed;
import dev.weir.dsl.WindowedTable;
import dev.weir.serdes.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowTest {

    record Click(String uri, long at) {
    }

    private static final long MIN = 60_000;
    /** A minute boundary, so that window starts are easy to read. */
    private static final long T0 = 1_767_225_600_000L;

    private final App app = App.create("windows");
    private final Topic<String, Click> clicks = app.topic("clicks", Serdes.string(), Serdes.json(Click.class));
    private final Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
    private final List<String> closed = new ArrayList<>();

    private void send(TestDriver d, String uri, long timestamp) {
        d.input(clicks).send(uri, new Click(uri, timestamp), timestamp);
    }

    @Test
    void tumblingWindowsCountPerKeyAndWindow() {
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1)).expires(Duration.ofHours(1));
        app.stream(clicks).count(perMinute).foreach(v -> { });

        try (TestDriver d = TestDriver.create(app.topology())) {
            send(d, "/a", T0 + 1_000);
            send(d, "/b", T0 + 5_000);
            send(d, "/a", T0 + 59_999);
            send(d, "/a", T0 + MIN);

            TableReader<String, Long> t = d.table(perMinute);
            assertThat(t.window("/a", T0)).isEqualTo(2L);
            assertThat(t.window("/a", T0 + MIN)).isEqualTo(1L);
            assertThat(t.window("/b", T0)).isEqualTo(1L);
            assertThat(t.window("/b", T0 + MIN)).isNull();
        }
    }

    private static Windowed<String> w(String key, long start, long size) {
        return new Windowed<>(key, new Window(start, start + size));
    }

    @Test
    void hoppingWindowsCountEachRecordInEveryWindowContainingIt() {
        WindowedTable<String, Long> hopping = counts.hopping(Duration.ofMinutes(3), Duration.ofMinutes(1)).expires(Duration.ofHours(1));
        Topic<Windowed<String>, Long> perWindow = app.topic("per-window", Windowed.serde(Serdes.string()), Serdes.longs());
        app.stream(clicks).count(hopping).to(perWindow);

        try (TestDriver d = TestDriver.create(app.topology())) {
            send(d, "/a", T0 + 2 * MIN + 10);
            send(d, "/a", T0 + 3 * MIN + 10);

            TableReader<String, Long> t = d.table(hopping);
            assertThat(t.window("/a", T0)).isEqualTo(1L);
            assertThat(t.window("/a", T0 + MIN)).isEqualTo(2L);
            assertThat(t.window("/a", T0 + 2 * MIN)).isEqualTo(2L);
            assertThat(t.window("/a", T0 + 3 * MIN)).isEqualTo(1L);
            assertThat(d.output(perWindow).readKeyValues()).as("each window's new count, under its windowed key")
                    .containsExactly(KeyValue.of(w("/a", T0, 3 * MIN), 1L), KeyValue.of(w("/a", T0 + MIN, 3 * MIN), 1L),
                            KeyValue.of(w("/a", T0 + 2 * MIN, 3 * MIN), 1L),
                            KeyValue.of(w("/a", T0 + MIN, 3 * MIN), 2L), KeyValue.of(w("/a", T0 + 2 * MIN, 3 * MIN), 2L),
                            KeyValue.of(w("/a", T0 + 3 * MIN, 3 * MIN), 1L));
        }
    }

    @Test
    void lateRecordsCountInsideTheGracePeriodAndAreDroppedAfterIt() {
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1)).grace(Duration.ofSeconds(30))
                .expires(Duration.ofHours(1));
        app.stream(clicks).count(perMinute).foreach(v -> { });

        try (TestDriver d = TestDriver.create(app.topology())) {
            send(d, "/a", T0 + 10_000);
            send(d, "/a", T0 + MIN + 20_000);   // stream time: 20 s past the first window's end
            send(d, "/a", T0 + 30_000);         // late, inside grace: counted
            send(d, "/a", T0 + MIN + 40_000);   // stream time: 40 s past the end, grace over
            send(d, "/a", T0 + 50_000);         // late, outside grace: dropped

            assertThat(d.table(perMinute).window("/a", T0)).isEqualTo(2L);
            assertThat(d.table(perMinute).window("/a", T0 + MIN)).isEqualTo(2L);
        }
    }

    @Test
    void theCloseCallbackGetsEachWindowsFinalValueOnceWhenStreamTimePassesEndPlusGrace() {
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1)).grace(Duration.ofSeconds(10))
                .expires(Duration.ofMinutes(10))
                .onWindowClose((uri, window, n) -> closed.add(uri + " " + (window.start() - T0) / 1000 + "s " + n));
        app.stream(clicks).count(perMinute).foreach(v -> { });

        try (TestDriver d = TestDriver.create(app.topology())) {
            send(d, "/a", T0 + 1_000);
            send(d, "/b", T0 + 2_000);
            send(d, "/a", T0 + 3_000);
            send(d, "/a", T0 + MIN + 5_000);     // window 0 ended, but grace has not passed
            assertThat(closed).isEmpty();

            send(d, "/b", T0 + 50_000);          // late but in grace: part of the final value
            send(d, "/a", T0 + MIN + 10_000);    // end + grace reached: window 0 closes
            assertThat(closed).containsExactlyInAnyOrder("/a 0s 2", "/b 0s 2");

            send(d, "/a", T0 + MIN + 30_000);
            assertThat(closed).hasSize(2);
            send(d, "/c", T0 + 2 * MIN + 10_000);
            assertThat(closed).hasSize(3).contains("/a 60s 3");
        }
    }

    @Test
    void expiredWindowsAreRemovedFromTheStoreAndTheChangelog() {
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1)).expires(Duration.ofMinutes(2));
        app.stream(clicks).count(perMinute).foreach(v -> { });

        try (TestDriver d = TestDriver.create(app.topology())) {
            send(d, "/a", T0 + 1_000);
            d.commit();
            send(d, "/a", T0 + 2 * MIN + 59_000);
            assertThat(d.table(perMinute).window("/a", T0)).isEqualTo(1L);

            send(d, "/a", T0 + 3 * MIN);        // window 0 ended 2 min ago: expired
            assertThat(d.table(perMinute).window("/a", T0)).isNull();

            d.commit();
            // A windowed changelog holds Weir's own keys (key + window start) and the table's clock: read it as bytes.
            List<TestRecord<byte[], byte[]>> changelog = d.output(Topic.internal("windows-counts-changelog", Serdes.bytes(),
                    Serdes.bytes(), dev.weir.dsl.TopicOptions.defaults())).readRecords();
            assertThat(changelog).as("a tombstone for the expired window").anySatisfy(r -> assertThat(r.value()).isNull());
        }
    }

    @Test
    void windowSetAccessorsPickWindowsByEventTimeWallClockStreamTimeAndDelta() {
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1)).expires(Duration.ofHours(1));
        WindowedTable<String, Long> nowRelative = perMinute.relativeToNow();
        List<String> seen = new ArrayList<>();
        app.agent("read", clicks, (event, ctx) -> {
            String k = event.key();
            perMinute.update(k, n -> n + 1);
            seen.add("current=" + perMinute.get(k).current() + " value=" + perMinute.get(k).value()
                    + " previous=" + perMinute.get(k).delta(Duration.ofMinutes(1))
                    + " now=" + perMinute.get(k).now() + " nowValue=" + nowRelative.get(k).value()
                    + " stream=" + perMinute.relativeToStream().get(k).value());
        }, perMinute);

        try (TestDriver d = TestDriver.builder(app.topology()).startTime(java.time.Instant.ofEpochMilli(T0 + 30_000)).build()) {
            send(d, "/a", T0 + 10_000);
            send(d, "/a", T0 + MIN + 10_000);
            send(d, "/a", T0 + 20_000);        // late, and window 0 closed (grace 0): update() leaves it as it was

            assertThat(seen).containsExactly(
                    "current=1 value=1 previous=0 now=1 nowValue=1 stream=1",
                    "current=1 value=1 previous=1 now=1 nowValue=1 stream=1",
                    "current=1 value=1 previous=0 now=1 nowValue=1 stream=1");
        }
    }

    @Test
    void eventTimeCanComeFromAField() {
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1)).expires(Duration.ofHours(1));
        app.stream(clicks).withTimestamps(Click::at).count(perMinute).foreach(v -> { });

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(clicks).send("/a", new Click("/a", T0 + 5 * MIN), 0L);
            assertThat(d.table(perMinute).window("/a", T0 + 5 * MIN)).isEqualTo(1L);
        }
    }

    @Test
    void aWindowedTableIsNotReadAsAPlainOne() {
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1));
        List<Throwable> errors = new ArrayList<>();
        app.agent("misuse", clicks, (event, ctx) -> {
            try {
                perMinute.table().get(event.key());
            } catch (IllegalStateException e) {
                errors.add(e);
            }
        }, perMinute);
        try (TestDriver d = TestDriver.create(app.topology())) {
            send(d, "/a", T0);
            assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
                    .contains("Table \"counts\" is windowed; read it with windowedTable.get(key).current()");
        }
        assertThatThrownBy(() -> counts.tumbling(Duration.ofMinutes(1)).grace(Duration.ofMinutes(2)).expires(Duration.ofMinutes(1)))
                .hasMessageContaining("must not be shorter than the grace period");
    }

    @Test
    void aWindowCoversItsStartButNotItsEnd() {
        Window w = new Window(0, 10);
        assertThat(w.contains(0)).isTrue();
        assertThat(w.contains(9)).isTrue();
        assertThat(w.contains(10)).isFalse();
    }

    @Test
    void emitFinalForwardsOneRecordPerKeyAndWindowWhenItClosesAndNothingBefore() {
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1)).grace(Duration.ofSeconds(10))
                .expires(Duration.ofHours(1)).emitFinal();
        Topic<Windowed<String>, Long> finals = app.topic("finals", Windowed.serde(Serdes.string()), Serdes.longs());
        app.stream(clicks).count(perMinute).to(finals);

        try (TestDriver d = TestDriver.create(app.topology())) {
            send(d, "/a", T0 + 10_000);
            send(d, "/a", T0 + 20_000);
            send(d, "/b", T0 + 30_000);
            send(d, "/a", T0 + MIN + 5_000);       // the first window ended, but its grace has not passed
            send(d, "/b", T0 + 55_000);            // late, within the grace: still counted in the first window
            assertThat(d.output(finals).readRecords()).as("nothing before a window closes").isEmpty();

            send(d, "/a", T0 + MIN + 10_000);      // the table's clock passes the first window's end plus grace
            List<TestRecord<Windowed<String>, Long>> first = d.output(finals).readRecords();
            assertThat(first).extracting(r -> KeyValue.of(r.key(), r.value()))
                    .containsExactlyInAnyOrder(KeyValue.of(w("/a", T0, MIN), 2L), KeyValue.of(w("/b", T0, MIN), 2L));
            assertThat(first).allSatisfy(r -> assertThat(r.timestamp()).isEqualTo(T0 + MIN - 1));

            send(d, "/b", T0 + 50_000);            // too late: the window is final and was emitted
            send(d, "/c", T0 + 2 * MIN + 10_000);
            assertThat(d.output(finals).readKeyValues()).containsExactly(KeyValue.of(w("/a", T0 + MIN, MIN), 2L));
            assertThat(d.table(perMinute).window("/b", T0)).isEqualTo(2L);
        }
    }

    @Test
    void emitFinalAlsoRunsTheCloseCallbackOncePerKeyAndWindow() {
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1)).expires(Duration.ofHours(1)).emitFinal()
                .onWindowClose((key, window, count) -> closed.add(key + "=" + count));
        Topic<Windowed<String>, Long> finals = app.topic("finals", Windowed.serde(Serdes.string()), Serdes.longs());
        app.stream(clicks).count(perMinute).to(finals);

        try (TestDriver d = TestDriver.create(app.topology())) {
            send(d, "/a", T0 + 1_000);
            send(d, "/a", T0 + MIN + 1_000);
            send(d, "/a", T0 + 2 * MIN + 1_000);

            assertThat(closed).containsExactly("/a=1", "/a=1");
            assertThat(d.output(finals).readValues()).containsExactly(1L, 1L);
        }
    }

    @Test
    void allWindowsOfAKeyAndThoseInATimeRangeAreReadableInTheTaskAndInTheTestkit() {
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1)).expires(Duration.ofMinutes(5));
        List<String> seen = new ArrayList<>();
        app.agent("watch", clicks, (event, ctx) -> {
            perMinute.update(event.key(), n -> n + 1);
            seen.add(perMinute.get(event.key()).all().values().toString() + " "
                    + perMinute.get(event.key()).range(java.time.Instant.ofEpochMilli(T0 + MIN),
                            java.time.Instant.ofEpochMilli(T0 + 2 * MIN)).keySet().size());
        }, perMinute);

        try (TestDriver d = TestDriver.create(app.topology())) {
            send(d, "/a", T0 + 1_000);
            send(d, "/a", T0 + 2_000);
            send(d, "/a", T0 + 2 * MIN + 1_000);
            send(d, "/b", T0 + 3 * MIN);
            send(d, "/a", T0 + 7 * MIN);              // windows that ended 5 minutes before expire once this record is done

            assertThat(seen).containsExactly("[1] 0", "[2] 0", "[2, 1] 1", "[1] 0", "[2, 1, 1] 1");
            TableReader<String, Long> t = d.table(perMinute);
            assertThat(t.windows("/a")).containsExactly(java.util.Map.entry(new Window(T0 + 2 * MIN, T0 + 3 * MIN), 1L),
                    java.util.Map.entry(new Window(T0 + 7 * MIN, T0 + 8 * MIN), 1L));
            assertThat(t.windows("/a", java.time.Instant.ofEpochMilli(T0 + 3 * MIN), java.time.Instant.ofEpochMilli(T0 + 7 * MIN)))
                    .containsOnlyKeys(new Window(T0 + 7 * MIN, T0 + 8 * MIN));
            assertThat(t.windows("/nobody")).isEmpty();
        }
    }

    @Test
    void aCloseCallbackCanSendRecordsTimestampedWithTheWindowsLastMillisecond() {
        Topic<String, String> alerts = app.topic("alerts", Serdes.string(), Serdes.string());
        WindowedTable<String, Long> perMinute = counts.tumbling(Duration.ofMinutes(1)).expires(Duration.ofHours(1))
                .onWindowClose((uri, window, count, ctx) -> {
                    if (count >= 2) {
                        ctx.send(alerts, uri, count + " clicks in task " + ctx.taskId());
                    }
                });
        app.stream(clicks).count(perMinute).foreach(v -> { });

        try (TestDriver d = TestDriver.create(app.topology())) {
            send(d, "/a", T0 + 1_000);
            send(d, "/a", T0 + 2_000);
            send(d, "/b", T0 + 3_000);
            send(d, "/c", T0 + MIN + 1_000);

            List<TestRecord<String, String>> out = d.output(alerts).readRecords();
            assertThat(out).extracting(TestRecord::value).containsExactly("2 clicks in task 0_0");
            assertThat(out.get(0).key()).isEqualTo("/a");
            assertThat(out.get(0).timestamp()).isEqualTo(T0 + MIN - 1);
        }
    }
}
