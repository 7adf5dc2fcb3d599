package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.dsl.Window;
import dev.weir.dsl.WindowedTable;
import dev.weir.serdes.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Sliding and session windows: which windows exist, merges, late records, emit-final, order independence. */
class SlidingSessionWindowTest {

    enum Store { ROCKSDB, IN_MEMORY }

    private static final long S = 1_000;
    private static final long MIN = 60 * S;
    private static final long T0 = 1_767_225_600_000L;

    private final App app = App.create("windows");
    private final Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string());

    private Table<String, Long> counts(Store store) {
        return app.table("counts", Serdes.string(), Serdes.longs(), 0L,
                store == Store.IN_MEMORY ? TableOptions.inMemory() : TableOptions.defaults());
    }

    private static String w(Window w) {
        return "[" + (w.start() - T0) / S + "," + (w.end() - 1 - T0) / S + "]";      // seconds after T0, both ends in
    }

    private final List<String> out = new ArrayList<>();

    private void collect(dev.weir.dsl.Stream<dev.weir.dsl.Windowed<String>, Long> stream) {
        stream.foreachWithKey((k, v) -> out.add(k.key() + w(k.window()) + "=" + v));
    }

    private List<String> taken() {
        List<String> copy = new ArrayList<>(out);
        out.clear();
        return copy;
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void slidingWindowsAreTheWindowsOfRecordTimesAsKafkaStreamsMakesThem(Store store) {
        WindowedTable<String, Long> sliding = counts(store).sliding(Duration.ofSeconds(10)).grace(Duration.ofMinutes(1));
        collect(app.stream(clicks).count(sliding));

        try (TestDriver d = TestDriver.create(app.topology())) {
            // The windows ending at each record, and (once a later record falls in it) the one starting 1 ms after it,
            // printed in whole seconds: [100,110] starts at 100.001 s.
            d.input(clicks).send("k", "a", T0 + 100 * S);
            assertThat(taken()).containsExactly("k[90,100]=1");
            d.input(clicks).send("k", "b", T0 + 105 * S);
            assertThat(taken()).containsExactly("k[95,105]=2", "k[100,110]=1");
            d.input(clicks).send("k", "c", T0 + 112 * S);
            assertThat(taken()).containsExactly("k[102,112]=2", "k[105,115]=1");
            d.input(clicks).send("other", "x", T0 + 105 * S);                 // another key: its own windows
            assertThat(taken()).containsExactly("other[95,105]=1");

            assertThat(d.table(sliding).windows("k")).extracting(m -> m.entrySet().stream()
                    .map(e -> w(e.getKey()) + "=" + e.getValue()).toList())
                    .isEqualTo(List.of("[90,100]=1", "[95,105]=2", "[100,110]=1", "[102,112]=2", "[105,115]=1"));
        }
    }

    @Test
    void slidingWindowsEndUpTheSameWhateverOrderTheRecordsCameInWithinGrace() {
        long[] times = {100, 101, 104, 109, 110, 117, 118, 125, 131, 131, 140, 146};
        Map<Window, Long> inOrder = slidingResult(times, false);
        for (int seed = 1; seed <= 5; seed++) {
            assertThat(slidingResult(times, true, seed)).as("shuffle %d", seed).isEqualTo(inOrder);
        }
        assertThat(inOrder).containsEntry(new Window(T0 + 121 * S, T0 + 131 * S + 1), 3L);     // 125, 131, 131
    }

    private Map<Window, Long> slidingResult(long[] times, boolean shuffle) {
        return slidingResult(times, shuffle, 0);
    }

    private static Map<Window, Long> slidingResult(long[] times, boolean shuffle, long seed) {
        App app = App.create("windows");
        Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string());
        WindowedTable<String, Long> sliding = app.table("counts", Serdes.string(), Serdes.longs(), 0L)
                .sliding(Duration.ofSeconds(10)).grace(Duration.ofMinutes(5)).expires(Duration.ofHours(1));
        app.stream(clicks).count(sliding).foreach(v -> { });
        List<Long> order = new ArrayList<>();
        for (long t : times) {
            order.add(t);
        }
        if (shuffle) {
            Collections.shuffle(order, new Random(seed));
        }
        try (TestDriver d = TestDriver.create(app.topology())) {
            for (long t : order) {
                d.input(clicks).send("k", "v", T0 + t * S);
            }
            return new java.util.HashMap<>(d.table(sliding).windows("k"));
        }
    }

    @Test
    void aSlidingRecordLaterThanEveryWindowThatCouldHoldItIsDroppedAndCounted() {
        WindowedTable<String, Long> sliding = counts(Store.IN_MEMORY).sliding(Duration.ofSeconds(10));    // no grace
        collect(app.stream(clicks).count(sliding));

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(clicks).send("k", "a", T0 + 112 * S);
            taken();
            d.input(clicks).send("k", "late", T0 + 100 * S);            // every window holding 100 ends by 110 < 112
            assertThat(taken()).isEmpty();
            assertThat(d.metrics().find("weir.records.late.dropped").tag("table", "counts").counter().count()).isEqualTo(1.0);
            d.input(clicks).send("k", "b", T0 + 105 * S);                // windows [102, 112] .. still open: joins them
            // [95, 105] has closed; [102, 112] now holds 105 and 112, and the window just after 105 holds 112.
            assertThat(taken()).containsExactly("k[102,112]=2", "k[105,115]=1");
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void sessionsGrowWithRecordsWithinTheGapAndMergeWhenARecordBridgesThem(Store store) {
        WindowedTable<String, Long> sessions = counts(store).session(Duration.ofMinutes(5)).grace(Duration.ofMinutes(30));
        collect(app.stream(clicks).count(sessions));

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(clicks).send("k", "a", T0);
            assertThat(taken()).containsExactly("k[0,0]=1");
            d.input(clicks).send("k", "b", T0 + 2 * MIN);
            assertThat(taken()).containsExactly("k[0,0]=null", "k[0,120]=2");
            d.input(clicks).send("k", "c", T0 + 10 * MIN);                  // 8 minutes later: a new session
            assertThat(taken()).containsExactly("k[600,600]=1");
            d.input(clicks).send("k", "d", T0 + 6 * MIN);                   // within 5 minutes of both: one session
            assertThat(taken()).containsExactly("k[0,120]=null", "k[600,600]=null", "k[0,600]=4");
            d.input(clicks).send("k", "e", T0 + 5 * MIN);                   // inside the session: it grows by one
            assertThat(taken()).containsExactly("k[0,600]=5");

            assertThat(d.table(sessions).windows("k")).containsExactly(Map.entry(new Window(T0, T0 + 10 * MIN + 1), 5L));
        }
    }

    @Test
    void sessionsMergeTheirAggregatesWithTheMergerAndLateRecordsAreDropped() {
        Table<String, String> letters = app.table("letters", Serdes.string(), Serdes.string(), "");
        WindowedTable<String, String> sessions = letters.session(Duration.ofMinutes(5)).grace(Duration.ofMinutes(5));
        List<String> seen = new ArrayList<>();
        app.stream(clicks).aggregate(sessions, (agg, v) -> agg + v, (a, b) -> a + "|" + b)
                .foreachWithKey((k, v) -> seen.add(w(k.window()) + "=" + v));

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(clicks).send("k", "a", T0 + 4 * MIN).send("k", "c", T0 + 10 * MIN);     // two sessions, 6 minutes apart
            d.input(clicks).send("k", "b", T0 + 7 * MIN);                                   // bridges them
            assertThat(seen).containsExactly("[240,240]=a", "[600,600]=c", "[240,240]=null", "[600,600]=null", "[240,600]=a|b|c");
            seen.clear();
            d.input(clicks).send("k", "late", T0 + 2 * MIN);                 // stream time is 10 min, grace 5: late
            assertThat(seen).isEmpty();
            assertThat(d.metrics().find("weir.records.late.dropped").tag("table", "letters").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void aSessionEmitsOnceWhenNoRecordCanJoinItAnyMoreUnderEmitFinal() {
        List<String> closedWindows = new ArrayList<>();
        WindowedTable<String, Long> sessions = counts(Store.ROCKSDB).session(Duration.ofMinutes(5)).grace(Duration.ofMinutes(1))
                .emitFinal().onWindowClose((k, window, n) -> closedWindows.add(k + w(window) + "=" + n));
        collect(app.stream(clicks).count(sessions));

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(clicks).send("k", "a", T0).send("k", "b", T0 + MIN);
            d.input(clicks).send("other", "x", T0 + 7 * MIN);               // 60 + 300 + 60 s is not yet passed
            assertThat(taken()).isEmpty();
            d.input(clicks).send("other", "y", T0 + 7 * MIN + 1);           // now it is: k's session is final
            assertThat(taken()).containsExactly("k[0,60]=2");
            assertThat(closedWindows).containsExactly("k[0,60]=2");
        }
    }

    @Test
    void sessionsEndUpTheSameWhateverOrderTheRecordsCameInWithinGrace() {
        long[] minutes = {0, 3, 4, 12, 13, 30, 33, 36, 41, 50, 51, 70};
        Map<Window, Long> inOrder = sessionResult(minutes, 0);
        assertThat(inOrder).hasSize(5).containsEntry(new Window(T0 + 30 * MIN, T0 + 41 * MIN + 1), 4L);
        for (int seed = 1; seed <= 5; seed++) {
            assertThat(sessionResult(minutes, seed)).as("shuffle %d", seed).isEqualTo(inOrder);
        }
    }

    private static Map<Window, Long> sessionResult(long[] minutes, long seed) {
        App app = App.create("windows");
        Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string());
        WindowedTable<String, Long> sessions = app.table("counts", Serdes.string(), Serdes.longs(), 0L)
                .session(Duration.ofMinutes(5)).grace(Duration.ofHours(2)).expires(Duration.ofHours(3));
        app.stream(clicks).count(sessions).foreach(v -> { });
        List<Long> order = new ArrayList<>();
        for (long m : minutes) {
            order.add(m);
        }
        if (seed != 0) {
            Collections.shuffle(order, new Random(seed));
        }
        try (TestDriver d = TestDriver.create(app.topology())) {
            for (long m : order) {
                d.input(clicks).send("k", "v", T0 + m * MIN);
            }
            return new java.util.HashMap<>(d.table(sessions).windows("k"));
        }
    }

    @Test
    void aSlidingWindowEmitsOnceWhenItClosesUnderEmitFinal() {
        WindowedTable<String, Long> sliding = counts(Store.IN_MEMORY).sliding(Duration.ofSeconds(10)).emitFinal();
        collect(app.stream(clicks).count(sliding));

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(clicks).send("k", "a", T0 + 100 * S);
            assertThat(taken()).isEmpty();
            d.input(clicks).send("k", "b", T0 + 105 * S);           // the table's clock passes 100: [90, 100] is final
            assertThat(taken()).containsExactly("k[90,100]=1");
            d.input(clicks).send("other", "x", T0 + 120 * S);       // past every window of k
            assertThat(taken()).containsExactly("k[95,105]=2", "k[100,110]=1");
        }
    }

    @Test
    void slidingAndSessionWindowsNeedAMergerForAGeneralAggregate() {
        WindowedTable<String, Long> sessions = counts(Store.ROCKSDB).session(Duration.ofMinutes(5));
        assertThatThrownBy(() -> app.stream(clicks).aggregate(sessions, (n, v) -> n + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use aggregate(table, aggregator, merger)");
    }

    @Test
    void aSessionHasNoWindowAtATimeAndSaysWhereToReadIt() {
        WindowedTable<String, Long> sessions = counts(Store.ROCKSDB).session(Duration.ofMinutes(5));
        assertThatThrownBy(() -> sessions.windowing().latestStart(T0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read them with all() or range(from, to)");
        assertThat(sessions.windowing().toString()).startsWith("session(gap PT5M");
    }
}
