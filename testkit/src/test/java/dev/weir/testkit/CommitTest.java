package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.runtime.Guarantee;
import dev.weir.runtime.engine.TaskId;
import dev.weir.serdes.Serdes;
import org.junit.jupiter.api.Test;

/** A driver's commit is the worker's: what it writes and what it covers. */
class CommitTest {

    record Order(String id, String customer) {
    }

    private final App app = App.create("shop");
    private final Topic<String, Order> orders = app.topic("orders", Serdes.string(), Serdes.json(Order.class));
    private final Topic<String, Long> counts = app.topic("counts", Serdes.string(), Serdes.longs());
    private final Table<String, Long> table = app.table("order-counts", Serdes.string(), Serdes.longs(), 0L);

    @Test
    void aCommitCoversEveryProcessedRecordOfEveryTask() {
        app.stream(orders).groupBy(Order::customer, Serdes.string(), "by-customer").count(table).to(counts);
        try (TestDriver d = TestDriver.builder(app.topology()).defaultPartitions(2).build()) {
            for (int i = 0; i < 10; i++) {
                d.input(orders).send("o" + i, new Order("o" + i, "c" + (i % 3)));
            }
            assertThat(d.committedOffsets().values()).allSatisfy(offsets -> assertThat(offsets).isEmpty());

            d.commit();

            long orderOffsets = d.committedOffsets().entrySet().stream().filter(e -> e.getKey().subTopology() == 0)
                    .mapToLong(e -> e.getValue().getOrDefault("orders", 0L)).sum();
            long repartitionOffsets = d.committedOffsets().entrySet().stream().filter(e -> e.getKey().subTopology() == 1)
                    .mapToLong(e -> e.getValue().getOrDefault("shop-by-customer-repartition", 0L)).sum();
            assertThat(orderOffsets).isEqualTo(10);
            assertThat(repartitionOffsets).isEqualTo(10);
            assertThat(d.committedOffsets()).isEqualTo(d.committableOffsets());
        }
    }

    @Test
    void underExactlyOnceOutputAndChangelogsBecomeVisibleWithTheCommitThatCoversTheirInput() {
        app.stream(orders).groupBy(Order::customer, Serdes.string(), "by-customer").count(table).to(counts);
        try (TestDriver d = TestDriver.builder(app.topology()).guarantee(Guarantee.EXACTLY_ONCE).build()) {
            d.input(orders).send("o1", new Order("o1", "ada"));
            d.input(orders).send("o2", new Order("o2", "ada"));
            d.input(orders).send("o3", new Order("o3", "bob"));
            assertThat(d.output(counts).isEmpty()).as("nothing committed yet").isTrue();
            assertThat(d.table(table).get("ada")).as("not counted yet: the repartitioned orders are not committed").isNull();

            d.commit();

            assertThat(d.output(counts).readKeyValues())
                    .containsExactly(KeyValue.of("ada", 1L), KeyValue.of("ada", 2L), KeyValue.of("bob", 1L));
            assertThat(d.output(table.changelogTopic()).readKeyValues())
                    .containsExactlyInAnyOrder(KeyValue.of("ada", 2L), KeyValue.of("bob", 1L));
            assertThat(d.committedOffsets().get(new TaskId(0, 0))).containsEntry("orders", 3L);
            assertThat(d.committedOffsets().get(new TaskId(1, 0))).containsEntry("shop-by-customer-repartition", 3L);
        }
    }

    @Test
    void aTableWithMoreChangesThanItsCacheHoldsCommitsWithoutBeingAsked() {
        app.stream(orders).groupBy(Order::customer, Serdes.string(), "by-customer").count(table).foreach(v -> { });
        try (TestDriver d = TestDriver.create(app.topology())) {
            for (int i = 0; i < 10_000; i++) {
                d.input(orders).send("o" + i, new Order("o" + i, "c" + i));
            }
            assertThat(d.output(table.changelogTopic()).size()).as("10,000 changed keys: a commit").isEqualTo(10_000);
            assertThat(d.committedOffsets().get(new TaskId(1, 0))).containsEntry("shop-by-customer-repartition", 10_000L);
        }
    }
}
