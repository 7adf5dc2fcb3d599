package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Topic;
import dev.weir.dsl.Windowed;
import dev.weir.dsl.WindowedTable;
import dev.weir.runtime.Guarantee;
import dev.weir.serdes.Serde;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Windowed tables on a real broker: windows, their clock and their close callbacks survive a move to another worker. */
class WindowsOnKafkaTest {

    private static final long MIN = 60_000;
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    private final List<String> closed = new CopyOnWriteArrayList<>();

    private App app() {
        App app = App.create("windows-it");
        Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string());
        WindowedTable<String, Long> perMinute = app.table("clicks-per-minute", Serdes.string(), Serdes.longs(), 0L)
                .tumbling(Duration.ofMinutes(1)).expires(Duration.ofMinutes(10))
                .onWindowClose((uri, window, count) -> closed.add(uri + " " + (window.start() - T0) / MIN + " " + count));
        app.stream(clicks).count(perMinute).foreach(v -> { });
        return app;
    }

    private static void click(String servers, String uri, long timestamp) {
        try (KafkaProducer<byte[], byte[]> p = KafkaIO.producer(servers)) {
            p.send(new ProducerRecord<>("clicks", null, timestamp, KafkaIO.utf8(uri), KafkaIO.utf8("click")));
        }
    }

    private void awaitClosed(int n) throws InterruptedException {
        KafkaIO.await(n + " window close callbacks", Duration.ofSeconds(30), () -> closed.size() >= n);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void windowsTheirClockAndCloseCallbacksMoveWithTheirTask() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("clicks", 2);
            String servers = kafka.bootstrapServers();
            WorkerConfig.Builder config = WorkerConfig.builder(servers).commitInterval(Duration.ofMillis(100));

            try (Worker first = Worker.start(app().topology(), config.stateDir(dir.resolve("first")).build())) {
                click(servers, "/a", T0 + 1_000);
                click(servers, "/a", T0 + 2_000);
                click(servers, "/a", T0 + MIN + 1_000);      // closes window 0
                awaitClosed(1);
                assertThat(closed).containsExactly("/a 0 2");
            }

            try (Worker second = Worker.start(app().topology(), config.stateDir(dir.resolve("second")).build())) {
                click(servers, "/a", T0 + MIN + 2_000);      // window 1 holds 2 now: 1 restored + 1
                click(servers, "/a", T0 + 2 * MIN + 1_000);  // closes window 1, and only it: window 0 closed on the first worker
                // A second close of window 0 would come from the first record here, before window 1
                // closes (one key, one task, in order), so two callbacks are all there can be now.
                awaitClosed(2);
                assertThat(closed).containsExactly("/a 0 2", "/a 1 2");
            }
        }
    }

    private static App emitFinalApp() {
        App app = App.create("windows-final-it");
        Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string());
        Topic<Windowed<String>, Long> finals = app.topic("finals", Windowed.serde(Serdes.string()), Serdes.longs());
        WindowedTable<String, Long> perMinute = app.table("clicks-per-minute", Serdes.string(), Serdes.longs(), 0L)
                .tumbling(Duration.ofMinutes(1)).expires(Duration.ofMinutes(10)).emitFinal();
        app.stream(clicks).count(perMinute).to(finals);
        return app;
    }

    /** The final records so far, as "key window-number count", read-committed. */
    private static List<String> finals(String servers, int atLeast) {
        Serde<Windowed<String>> keys = Windowed.serde(Serdes.string());
        return KafkaIO.readUntil(servers, "finals", Duration.ofSeconds(30), r -> r.size() >= atLeast,
                        java.util.Map.of("isolation.level", "read_committed")).stream()
                .map(r -> {
                    Windowed<String> w = keys.deserialize(r.key());
                    return w.key() + " " + (w.start() - T0) / MIN + " " + Serdes.longs().deserialize(r.value());
                }).toList();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void emitFinalWritesEachWindowOnceUnderItsWindowedKeyAcrossAMove() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("clicks", 2);
            kafka.createTopic("finals", 2);
            String servers = kafka.bootstrapServers();
            WorkerConfig.Builder config = WorkerConfig.builder(servers).guarantee(Guarantee.EXACTLY_ONCE);

            try (Worker first = Worker.start(emitFinalApp().topology(), config.stateDir(dir.resolve("first")).build())) {
                click(servers, "/a", T0 + 1_000);
                click(servers, "/a", T0 + 2_000);
                click(servers, "/a", T0 + MIN + 1_000);      // closes window 0
                // One key, one partition, in order: an update emitted before the close would come first.
                assertThat(finals(servers, 1)).containsExactly("/a 0 2");
            }

            try (Worker second = Worker.start(emitFinalApp().topology(), config.stateDir(dir.resolve("second")).build())) {
                click(servers, "/a", T0 + MIN + 2_000);
                click(servers, "/a", T0 + 2 * MIN + 1_000);  // closes window 1; window 0 was emitted on the first worker
                assertThat(finals(servers, 2)).containsExactly("/a 0 2", "/a 1 2");
            }
        }
    }
    private static App sessionAndSlidingApp() {
        App app = App.create("windows-kinds-it");
        Topic<String, String> visits = app.topic("visits", Serdes.string(), Serdes.string());
        Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string());
        Serde<Windowed<String>> keys = Windowed.serde(Serdes.string());
        WindowedTable<String, Long> sessions = app.table("visit-sessions", Serdes.string(), Serdes.longs(), 0L)
                .session(Duration.ofMinutes(5)).grace(Duration.ofMinutes(10));
        WindowedTable<String, Long> sliding = app.table("clicks-sliding", Serdes.string(), Serdes.longs(), 0L)
                .sliding(Duration.ofSeconds(10)).grace(Duration.ofMinutes(10));
        app.stream(visits).count(sessions).to(app.topic("sessions", keys, Serdes.longs()));
        app.stream(clicks).count(sliding).to(app.topic("sliding", keys, Serdes.longs()));
        return app;
    }

    private static void send(String servers, String topic, String key, long timestamp) {
        try (KafkaProducer<byte[], byte[]> p = KafkaIO.producer(servers)) {
            p.send(new ProducerRecord<>(topic, null, timestamp, KafkaIO.utf8(key), KafkaIO.utf8("x")));
        }
    }

    /** Records of a windowed count topic as "key [start, last] count" in seconds after T0 (null for a deleted session). */
    private static List<String> windows(String servers, String topic, int atLeast) {
        Serde<Windowed<String>> keys = Windowed.serde(Serdes.string());
        return KafkaIO.readUntil(servers, topic, Duration.ofSeconds(30), r -> r.size() >= atLeast,
                        java.util.Map.of("isolation.level", "read_committed")).stream()
                .map(r -> {
                    Windowed<String> w = keys.deserialize(r.key());
                    return w.key() + " [" + (w.start() - T0) / 1000 + ", " + (w.end() - 1 - T0) / 1000 + "] "
                            + (r.value() == null ? null : Serdes.longs().deserialize(r.value()));
                }).toList();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sessionsAndSlidingWindowsPickUpOnAnotherWorkerFromTheirRestoredState() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("visits", 2);
            kafka.createTopic("clicks", 2);
            // One partition each: windowed keys of one key hash apart, and the assertions read in order.
            kafka.createTopic("sessions", 1);
            kafka.createTopic("sliding", 1);
            String servers = kafka.bootstrapServers();
            WorkerConfig.Builder config = WorkerConfig.builder(servers).guarantee(Guarantee.EXACTLY_ONCE);

            try (Worker first = Worker.start(sessionAndSlidingApp().topology(), config.stateDir(dir.resolve("first")).build())) {
                send(servers, "visits", "ada", T0);
                send(servers, "visits", "ada", T0 + 2 * MIN);
                send(servers, "clicks", "ada", T0 + 100_000);
                send(servers, "clicks", "ada", T0 + 105_000);
                assertThat(windows(servers, "sessions", 3)).containsExactly("ada [0, 0] 1", "ada [0, 0] null", "ada [0, 120] 2");
                assertThat(windows(servers, "sliding", 3)).containsExactly("ada [90, 100] 1", "ada [95, 105] 2", "ada [100, 110] 1");
            }

            // A worker with an empty state directory: the session and the sliding records come from the changelogs.
            try (Worker second = Worker.start(sessionAndSlidingApp().topology(), config.stateDir(dir.resolve("second")).build())) {
                send(servers, "visits", "ada", T0 + 4 * MIN);          // within the gap of the restored session: it grows
                send(servers, "clicks", "ada", T0 + 112_000);          // its window [102, 112] holds the restored 105
                assertThat(windows(servers, "sessions", 5)).endsWith("ada [0, 120] null", "ada [0, 240] 3");
                assertThat(windows(servers, "sliding", 5)).endsWith("ada [102, 112] 2", "ada [105, 115] 1");
            }
        }
    }
}
