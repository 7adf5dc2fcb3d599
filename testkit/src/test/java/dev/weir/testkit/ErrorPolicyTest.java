package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.dsl.WindowedTable;
import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.Serdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The testkit runs the worker's error policies: what a bad record does is what it does on Kafka. */
class ErrorPolicyTest {

    record Order(String id, String customer, int cents) {
    }

    private final App app = App.create("shop");
    private final Topic<String, Order> orders = app.topic("orders", Serdes.string(), Serdes.json(Order.class));
    private final Topic<String, Long> counts = app.topic("counts", Serdes.string(), Serdes.longs());
    private final Table<String, Long> table = app.table("order-counts", Serdes.string(), Serdes.longs(), 0L);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void countByCustomer() {
        app.stream(orders).groupBy(Order::customer, Serdes.string(), "by-customer").count(table).to(counts);
    }

    @Test
    void underDeadLetterAMalformedRecordGoesToTheDeadLetterTopicWithItsOriginAndTheRestIsProcessed() {
        countByCustomer();
        try (TestDriver d = TestDriver.builder(app.topology()).errorPolicy(ErrorPolicy.DEAD_LETTER).build()) {
            d.input(orders).send("o1", new Order("o1", "ada", 1));
            d.input(orders).sendRaw(utf8("o2"), utf8("{\"id\":\"o2\",\"customer\":\"ada\",\"cents\":\"many\"}"));
            d.input(orders).send("o3", new Order("o3", "ada", 1));

            assertThat(d.output(counts).readValues()).containsExactly(1L, 2L);
            assertThat(d.deadLetters()).singleElement().satisfies(dl -> {
                assertThat(dl.keyText()).isEqualTo("o2");
                assertThat(dl.valueText()).contains("\"cents\":\"many\"");
                assertThat(dl.header("weir.error.topic")).isEqualTo("orders");
                assertThat(dl.header("weir.error.partition")).isEqualTo("0");
                assertThat(dl.header("weir.error.offset")).isEqualTo("1");
                assertThat(dl.header("weir.error.node")).isEqualTo("orders");
                assertThat(dl.header("weir.error.stage")).isEqualTo("DESERIALIZATION");
                assertThat(dl.header("weir.error.message")).contains("field \"cents\" expected int, got string \"many\"");
            });
            assertThat(d.metrics().get("weir.records.dead.lettered").counter().count()).isEqualTo(1.0);
            d.commit();
            assertThat(d.committedOffsets().get(d.tasks().get(0))).containsEntry("orders", 3L);
        }
    }

    @Test
    void underSkipABadRecordIsCountedAndItsOffsetCommitted() {
        countByCustomer();
        try (TestDriver d = TestDriver.builder(app.topology()).errorPolicy(ErrorPolicy.SKIP).build()) {
            d.input(orders).sendRaw(utf8("o1"), utf8("not json"));
            d.input(orders).send("o2", new Order("o2", "bob", 1));
            assertThat(d.output(counts).readValues()).containsExactly(1L);
            assertThat(d.metrics().get("weir.records.skipped").tag("stage", "DESERIALIZATION").counter().count()).isEqualTo(1.0);
            d.commit();
            assertThat(d.committedOffsets().get(d.tasks().get(0))).containsEntry("orders", 2L);
        }
    }

    @Test
    void aNullKeyFromAGroupByKeyFunctionIsABadRecordAndTheOriginalInputIsDeadLettered() {
        app.stream(orders).groupBy(o -> o.customer().isEmpty() ? null : o.customer(), Serdes.string(), "by-customer").count(table)
                .to(counts);
        try (TestDriver d = TestDriver.builder(app.topology()).errorPolicy(ErrorPolicy.DEAD_LETTER).build()) {
            d.input(orders).send("o1", new Order("o1", "", 5));
            d.input(orders).send("o2", new Order("o2", "ada", 5));

            assertThat(d.output(counts).readValues()).containsExactly(1L);
            assertThat(d.deadLetters()).singleElement().satisfies(dl -> {
                assertThat(dl.keyText()).isEqualTo("o1");
                assertThat(dl.valueText()).contains("\"id\":\"o1\"");
                assertThat(dl.header("weir.error.topic")).as("the input topic, not the repartition topic").isEqualTo("orders");
                assertThat(dl.header("weir.error.node")).isEqualTo("by-customer");
                assertThat(dl.header("weir.error.stage")).isEqualTo("PROCESSING");
                assertThat(dl.header("weir.error.message")).contains("the groupBy key function of node \"by-customer\" returned null");
            });
        }
    }

    @Test
    void underFailANullKeyFromGroupBySaysSoAtTheInputRecord() {
        app.stream(orders).groupBy(o -> null, Serdes.string(), "by-nothing").count(table);
        try (TestDriver d = TestDriver.create(app.topology())) {
            assertThatThrownBy(() -> d.input(orders).send("o1", new Order("o1", "ada", 5)))
                    .isInstanceOf(RecordProcessingException.class)
                    .hasMessage("Cannot process record at orders-0@0 in node \"by-nothing\": the groupBy key function of node"
                            + " \"by-nothing\" returned null; a null key cannot be grouped (its records would all land on one"
                            + " partition without a key to aggregate by). Return a key for every record, or drop such records"
                            + " with a filter before the groupBy");
        }
    }

    @Test
    void aTombstoneReachingUserCodeThatDoesNotExpectItIsNamedAsSuch() {
        Topic<String, String> notes = app.topic("notes", Serdes.string(), Serdes.string());
        app.stream(notes).mapValues(v -> v.toUpperCase()).named("shout").foreach(v -> { });
        try (TestDriver d = TestDriver.create(app.topology())) {
            assertThatThrownBy(() -> d.input(notes).send("k", null))
                    .isInstanceOf(RecordProcessingException.class)
                    .hasMessageStartingWith("Cannot process record at notes-0@0 in node \"shout\": the record's value is null"
                            + " (a tombstone) and the code of node \"shout\" does not handle null values")
                    .hasMessageContaining("filter tombstones out before it");
        }
    }

    @Test
    void aFailingSerdeInASinkIsASerializationErrorAndAFailingKeyFunctionIsAProcessingError() {
        Serde<String> picky = new Serde<>() {
            @Override
            public byte[] serialize(String topic, Headers headers, String value) {
                if (value.startsWith("bad")) {
                    throw new IllegalArgumentException("cannot write " + value);
                }
                return value.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String deserialize(String topic, Headers headers, byte[] data) {
                return new String(data, StandardCharsets.UTF_8);
            }
        };
        Topic<String, String> notes = app.topic("notes", Serdes.string(), Serdes.string());
        Topic<String, String> out = app.topic("out", Serdes.string(), picky);
        app.stream(notes).to(out, v -> v.split(":")[1]);
        try (TestDriver d = TestDriver.builder(app.topology()).errorPolicy(ErrorPolicy.DEAD_LETTER).build()) {
            d.input(notes).send("k1", "bad:x");
            d.input(notes).send("k2", "no separator");
            d.input(notes).send("k3", "ok:y");
            assertThat(d.output(out).readValues()).containsExactly("ok:y");
            assertThat(d.deadLetters()).extracting(dl -> dl.keyText() + " " + dl.header("weir.error.stage"))
                    .containsExactly("k1 SERIALIZATION", "k2 PROCESSING");
            assertThat(d.deadLetters().get(0).header("weir.error.node")).isEqualTo("notes.to(out)");
        }
    }

    @Test
    void aWindowCloseCallbackThatThrowsIsHandledPerKeyAndNoKeyIsClosedTwice() {
        List<String> closed = new ArrayList<>();
        Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string());
        WindowedTable<String, Long> perMinute = table.tumbling(Duration.ofMinutes(1)).expires(Duration.ofHours(1))
                .onWindowClose((key, window, count) -> {
                    if (key.equals("/bad")) {
                        throw new IllegalStateException("cannot report " + key);
                    }
                    closed.add(key + "=" + count);
                });
        app.stream(clicks).count(perMinute).foreach(v -> { });
        long t0 = 1_767_225_600_000L;
        try (TestDriver d = TestDriver.builder(app.topology()).errorPolicy(ErrorPolicy.DEAD_LETTER).build()) {
            d.input(clicks).send("/a", "x", t0);
            d.input(clicks).send("/bad", "x", t0 + 1);
            d.input(clicks).send("/c", "x", t0 + 2);
            d.input(clicks).send("/a", "x", t0 + 61_000);
            d.input(clicks).send("/a", "x", t0 + 62_000);

            assertThat(closed).containsExactlyInAnyOrder("/a=1", "/c=1");
            assertThat(d.deadLetters()).singleElement().satisfies(dl -> {
                assertThat(dl.keyText()).isEqualTo("/bad");
                assertThat(Serdes.longs().deserialize(dl.value())).isEqualTo(1L);
                assertThat(dl.header("weir.error.node")).isEqualTo("onWindowClose(order-counts)");
                assertThat(dl.header("weir.error.stage")).isEqualTo("PUNCTUATION");
                assertThat(dl.header("weir.error.message")).contains("cannot report /bad");
            });
            assertThat(d.metrics().get("weir.callbacks.failed").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void theDeadLettersOfADriverWithoutThatPolicyAreAnError() {
        countByCustomer();
        try (TestDriver d = TestDriver.create(app.topology())) {
            assertThatThrownBy(d::deadLetters).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("errorPolicy(ErrorPolicy.DEAD_LETTER)");
            assertThat(d.committedOffsets()).containsValue(Map.of());
        }
    }
}
