package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.JoinWindows;
import dev.weir.dsl.KeyValue;
import dev.weir.dsl.StreamJoined;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.dsl.TopicOptions;
import dev.weir.runtime.ErrorPolicy;
import dev.weir.serdes.Serdes;
import dev.weir.topology.TopologyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Windowed stream-stream joins (inner, left, outer) run by the runtime's task code, on both store types. */
class StreamJoinTest {

    enum Store { ROCKSDB, IN_MEMORY }

    private static final long MIN = 60_000;

    private final App app = App.create("shop");
    private final Topic<String, String> orders = app.topic("orders", Serdes.string(), Serdes.string(), TopicOptions.partitions(4));
    private final Topic<String, String> payments = app.topic("payments", Serdes.string(), Serdes.string(), TopicOptions.partitions(4));
    private final Topic<String, String> out = app.topic("paid", Serdes.string(), Serdes.string());

    private static StreamJoined<String, String, String> joined(Store store) {
        return StreamJoined.<String, String, String>as("order-payments")
                .withStore(store == Store.IN_MEMORY ? TableOptions.inMemory() : TableOptions.defaults());
    }

    /** One partition per topic: every key in one task, so they share its stream time. */
    private TestDriver onePartition() {
        return TestDriver.builder(app.topology()).partitions("orders", 1).partitions("payments", 1).build();
    }

    private static String pair(String order, String payment) {
        return (order == null ? "-" : order) + "+" + (payment == null ? "-" : payment);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void anInnerJoinPairsRecordsOfOneKeyWithinTheWindowWhicheverArrivesFirst(Store store) {
        app.stream(orders).join(app.stream(payments), JoinWindows.of(Duration.ofMinutes(5)), StreamJoinTest::pair, joined(store))
                .to(out);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(orders).send("ada", "o1", 10 * MIN);
            d.input(payments).send("ada", "p1", 12 * MIN);          // after the order: joins
            d.input(payments).send("bob", "p2", 12 * MIN);          // another key: nothing
            d.input(payments).send("ada", "p3", 16 * MIN);          // 6 minutes after o1: too far
            d.input(orders).send("ada", "o2", 13 * MIN);            // joins p1 (1 min) and p3 (3 min)

            assertThat(d.output(out).readRecords()).extracting(r -> r.key() + ":" + r.value() + "@" + r.timestamp() / MIN)
                    .containsExactly("ada:o1+p1@12", "ada:o2+p1@13", "ada:o2+p3@16");
        }
    }

    @Test
    void beforeAndAfterBoundTheOtherSidesTimeOnEachSide() {
        JoinWindows window = JoinWindows.of(Duration.ZERO).after(Duration.ofMinutes(10));   // payment up to 10 min after the order
        app.stream(orders).join(app.stream(payments), window.grace(Duration.ofMinutes(30)), StreamJoinTest::pair,
                joined(Store.ROCKSDB)).to(out);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(orders).send("k", "o1", 20 * MIN);
            d.input(payments).send("k", "before", 19 * MIN);       // earlier than the order: no
            d.input(payments).send("k", "at", 20 * MIN);
            d.input(payments).send("k", "after", 30 * MIN);
            d.input(payments).send("k", "later", 31 * MIN);        // 11 min after o1: no
            d.input(orders).send("k", "o2", 25 * MIN);             // "after" and "later" are within 10 min after it; "at" is before

            assertThat(d.output(out).readValues()).containsExactly("o1+at", "o1+after", "o2+after", "o2+later");
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aLeftJoinForwardsAnUnpairedOrderOnlyOnceItsWindowClosed(Store store) {
        app.stream(orders).leftJoin(app.stream(payments), JoinWindows.of(Duration.ofMinutes(5)).grace(Duration.ofMinutes(1)),
                StreamJoinTest::pair, joined(store)).to(out);

        try (TestDriver d = onePartition()) {
            d.input(orders).send("ada", "o1", 0);
            d.input(orders).send("bob", "o2", 0);
            d.input(payments).send("bob", "p1", 3 * MIN);
            d.input(payments).send("cy", "p2", 11 * MIN);          // stream time 11 min: a payment at 5 min could still come
            assertThat(d.output(out).readValues()).containsExactly("o2+p1");

            d.input(payments).send("cy", "p3", 11 * MIN + 1);      // past 5 + 5 + 1: none can, so o1 alone, at its own time
            assertThat(d.output(out).readRecords()).extracting(r -> r.key() + ":" + r.value() + "@" + r.timestamp())
                    .containsExactly("ada:o1+-@0");
            d.input(payments).send("cy", "p4", 60 * MIN);          // the right side's unpaired records are never forwarded
            assertThat(d.output(out).readValues()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void anOuterJoinForwardsUnpairedRecordsOfBothSidesAndPairedOnesOnlyPaired(Store store) {
        app.stream(orders).outerJoin(app.stream(payments), JoinWindows.of(Duration.ofMinutes(5)), StreamJoinTest::pair,
                joined(store)).to(out);

        try (TestDriver d = onePartition()) {
            d.input(orders).send("ada", "o1", 0);
            d.input(payments).send("bob", "p1", MIN);
            d.input(payments).send("ada", "p2", 2 * MIN);
            d.input(orders).send("zed", "tick", 20 * MIN);

            assertThat(d.output(out).readValues()).containsExactly("o1+p2", "-+p1");
            d.input(payments).send("zed", "tock", 40 * MIN);
            assertThat(d.output(out).readValues()).containsExactly("tick+-");
        }
    }

    @Test
    void aRecordLaterThanTheGraceIsDroppedAndCountedOneWithinItJoins() {
        app.stream(orders).join(app.stream(payments), JoinWindows.of(Duration.ofMinutes(5)).grace(Duration.ofMinutes(2)),
                StreamJoinTest::pair, joined(Store.ROCKSDB)).to(out);

        try (TestDriver d = onePartition()) {
            d.input(orders).send("ada", "o1", 10 * MIN);
            d.input(orders).send("bob", "o2", 20 * MIN);           // stream time 20 min
            d.input(payments).send("ada", "within", 13 * MIN);     // its window ends at 13 + 5 + 2 = 20: still open, joins o1
            d.input(payments).send("ada", "late", 12 * MIN);       // 12 + 5 + 2 < 20: dropped, though o1 is 2 min away
            d.input(payments).send("bob", "ok", 18 * MIN);

            assertThat(d.output(out).readValues()).containsExactly("o1+within", "o2+ok");
            assertThat(d.metrics().get("weir.records.late.dropped").tag("table", "order-payments-right").counter().count())
                    .isEqualTo(1.0);
        }
    }

    /** The same records in two arrival orders (each record at most the grace behind): the same joined records. */
    @ParameterizedTest
    @EnumSource(Store.class)
    void resultsDoNotDependOnArrivalOrderWithinTheGrace(Store store) {
        record Input(boolean order, String key, String value, long time) {
        }
        Random random = new Random(7);
        List<Input> inOrder = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            inOrder.add(new Input(random.nextBoolean(), "k" + random.nextInt(5), "v" + i, i * 1_000L));
        }
        // Shuffle within blocks of 10 s: no record more than 10 s behind one that arrived before it.
        List<Input> shuffled = new ArrayList<>();
        for (int i = 0; i < inOrder.size(); i += 10) {
            List<Input> block = new ArrayList<>(inOrder.subList(i, i + 10));
            Collections.shuffle(block, random);
            shuffled.addAll(block);
        }
        List<List<String>> results = new ArrayList<>();
        for (List<Input> arrival : List.of(inOrder, shuffled)) {
            App a = App.create("shop");
            Topic<String, String> o = a.topic("orders", Serdes.string(), Serdes.string(), TopicOptions.partitions(4));
            Topic<String, String> p = a.topic("payments", Serdes.string(), Serdes.string(), TopicOptions.partitions(4));
            Topic<String, String> r = a.topic("paid", Serdes.string(), Serdes.string());
            a.stream(o).outerJoin(a.stream(p), JoinWindows.of(Duration.ofSeconds(3)).grace(Duration.ofSeconds(10)),
                    StreamJoinTest::pair, joined(store)).to(r);
            try (TestDriver d = TestDriver.create(a.topology())) {
                for (Input in : arrival) {
                    d.input(in.order() ? o : p).send(in.key(), in.value(), in.time());
                }
                d.input(o).send("end", "end", 1_000_000);          // closes every window
                List<String> got = new ArrayList<>(d.output(r).readKeyValues().stream().map(kv -> kv.key() + ":" + kv.value()).toList());
                Collections.sort(got);
                results.add(got);
            }
        }
        assertThat(results.get(0)).hasSizeGreaterThan(300).isEqualTo(results.get(1));
    }

    @Test
    void duplicatesOfOneKeyAndTimeAreAllKept() {
        app.stream(orders).join(app.stream(payments), JoinWindows.of(Duration.ofMinutes(1)), StreamJoinTest::pair,
                joined(Store.IN_MEMORY)).to(out);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(orders).send("k", "o1", 0).send("k", "o1", 0);
            d.input(payments).send("k", "p1", 0);

            assertThat(d.output(out).readValues()).containsExactly("o1+p1", "o1+p1");
        }
    }

    @Test
    void aNullValueIsABadRecordNamingTheJoinAndTheRestJoins() {
        app.stream(orders).join(app.stream(payments), JoinWindows.of(Duration.ofMinutes(1)), StreamJoinTest::pair,
                joined(Store.ROCKSDB)).to(out);

        try (TestDriver d = TestDriver.builder(app.topology()).errorPolicy(ErrorPolicy.DEAD_LETTER).build()) {
            d.input(orders).send("k", null, 0).send("k", "o1", 0);
            d.input(payments).send("k", "p1", 0);

            assertThat(d.output(out).readValues()).containsExactly("o1+p1");
            assertThat(d.deadLetters()).singleElement().satisfies(dl -> {
                assertThat(dl.header("weir.error.node")).isEqualTo("order-payments.left");
                assertThat(dl.header("weir.error.message")).contains("null value (a tombstone)");
            });
        }
    }

    @Test
    void aReKeyedSideIsRefusedWhenTheTopologyIsBuilt() {
        app.stream(orders).selectKey(v -> v).join(app.stream(payments), JoinWindows.of(Duration.ofMinutes(1)),
                StreamJoinTest::pair, joined(Store.ROCKSDB).withKeySerde(Serdes.string())).to(out);

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Stream join \"order-payments.left\" gets records that were re-keyed by \"orders.selectKey\"")
                .hasMessageContaining("groupBy(...) this side first");
    }

    @Test
    void aSerdeLostToAMapMustBeGivenAndTheMessageSaysWhich() {
        assertThatThrownBy(() -> app.stream(orders).mapValues(String::length).join(app.stream(payments),
                JoinWindows.of(Duration.ofMinutes(1)), (n, p) -> n + p, StreamJoined.as("j")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Stream join \"j\" needs the value serde of this stream (withValueSerde)");

        app.stream(orders).mapValues(String::length).join(app.stream(payments), JoinWindows.of(Duration.ofMinutes(1)),
                (n, p) -> n + p, StreamJoined.<String, Integer, String>as("j").withValueSerde(Serdes.ints())).to(out);
        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(orders).send("k", "abc", 0);
            d.input(payments).send("k", "p", 0);
            assertThat(d.output(out).readKeyValues()).containsExactly(KeyValue.of("k", "3p"));
        }
    }
}
