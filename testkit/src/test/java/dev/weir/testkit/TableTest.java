package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.dsl.TopicOptions;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.serdes.Serdes;
import dev.weir.topology.TopologyException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class TableTest {

    record Purchase(String customer, String item, long cents) {
    }

    private final App app = App.create("shop");
    private final Topic<String, Purchase> purchases = app.topic("purchases", Serdes.string(), Serdes.json(Purchase.class),
            TopicOptions.partitions(4));
    private final Topic<String, Long> totals = app.topic("totals", Serdes.string(), Serdes.longs());

    @Test
    void countsPerKeyAfterGroupByLiveInTheTaskOfTheKeysPartition() {
        Table<String, Long> counts = app.table("purchase-counts", Serdes.string(), Serdes.longs(), 0L);
        app.stream(purchases).groupBy(Purchase::customer, Serdes.string(), "by-customer").count(counts).to(totals);

        try (TestDriver d = TestDriver.builder(app.topology()).partitions("totals", 4).build()) {
            Map<String, Long> expected = new HashMap<>();
            for (int i = 0; i < 300; i++) {
                String customer = "c" + (i % 17);
                d.input(purchases).send("order-" + i, new Purchase(customer, "item", i));
                expected.merge(customer, 1L, Long::sum);
            }

            TableReader<String, Long> table = d.table(counts);
            expected.forEach((customer, n) -> {
                assertThat(table.get(customer)).as(customer).isEqualTo(n);
                int partition = Utils.toPositive(Utils.murmur2(customer.getBytes(StandardCharsets.UTF_8))) % 4;
                assertThat(table.taskOf(customer)).isEqualTo("1_" + partition);
            });
            assertThat(table.get("nobody")).isNull();
            assertThat(table.getOrDefault("nobody")).isZero();

            Map<String, Long> last = new HashMap<>();
            d.output(totals).readKeyValues().forEach(kv -> last.put(kv.key(), kv.value()));
            assertThat(last).isEqualTo(expected);
        }
    }

    @Test
    void sumReduceAndAggregateUpdateTheirTables() {
        Table<String, Long> spent = app.table("spent", Serdes.string(), Serdes.longs(), 0L);
        Table<String, Purchase> biggest = app.table("biggest", Serdes.string(), Serdes.json(Purchase.class), null);
        Table<String, String> items = app.table("items", Serdes.string(), Serdes.string(), "");
        app.stream(purchases).groupBy(Purchase::customer, Serdes.string(), "by-customer")
                .sum(spent, Purchase::cents).foreach(v -> { });
        app.stream(purchases).groupBy(Purchase::customer, Serdes.string(), "by-customer-2")
                .reduce(biggest, (a, b) -> a.cents() >= b.cents() ? a : b).foreach(v -> { });
        app.stream(purchases).groupBy(Purchase::customer, Serdes.string(), "by-customer-3")
                .aggregate(items, (all, p) -> all.isEmpty() ? p.item() : all + "," + p.item()).foreach(v -> { });

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(purchases).send("o1", new Purchase("ada", "tea", 300))
                    .send("o2", new Purchase("ada", "cake", 750))
                    .send("o3", new Purchase("ada", "jam", 120));

            assertThat(d.table(spent).get("ada")).isEqualTo(1170L);
            assertThat(d.table(biggest).get("ada")).isEqualTo(new Purchase("ada", "cake", 750));
            assertThat(d.table(items).get("ada")).isEqualTo("tea,cake,jam");
        }
    }

    @Test
    void agentsUseTablesLikeADictionary() {
        Table<String, Long> seen = app.table("seen", Serdes.string(), Serdes.longs(), 0L, TableOptions.inMemory());
        app.agent("track", purchases, (event, ctx) -> {
            String k = event.key();
            if (event.value().cents() < 0) {
                seen.delete(k);
            } else if (seen.containsKey(k)) {
                seen.put(k, seen.get(k) + 1);
            } else {
                seen.put(k, seen.getOrDefault(k, 100L));
            }
        }, seen);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(purchases).send("a", new Purchase("x", "i", 1)).send("a", new Purchase("x", "i", 1))
                    .send("b", new Purchase("x", "i", 1)).send("b", new Purchase("x", "i", -1));

            assertThat(d.table(seen).get("a")).isEqualTo(101L);
            assertThat(d.table(seen).get("b")).isNull();
        }
    }

    @Test
    void commitWritesTheLastValueOfEachChangedKeyToTheChangelogPartitionOfItsTask() {
        Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        app.stream(purchases).groupBy(Purchase::customer, Serdes.string(), "by-customer").count(counts).foreach(v -> { });

        try (TestDriver d = TestDriver.create(app.topology())) {
            for (int i = 0; i < 10; i++) {
                d.input(purchases).send("o" + i, new Purchase(i % 2 == 0 ? "ada" : "bob", "i", i));
            }
            assertThat(d.output(counts.changelogTopic()).isEmpty()).isTrue();

            d.commit();

            List<TestRecord<String, Long>> changelog = d.output(counts.changelogTopic()).readRecords();
            assertThat(changelog).extracting(r -> KeyValue.of(r.key(), r.value()))
                    .containsExactlyInAnyOrder(KeyValue.of("ada", 5L), KeyValue.of("bob", 5L));
            changelog.forEach(r -> assertThat("1_" + r.partition()).isEqualTo(d.table(counts).taskOf(r.key())));
            assertThat(counts.changelogTopic().name()).isEqualTo("shop-counts-changelog");
            assertThat(d.partitions("shop-counts-changelog")).isEqualTo(4);
        }
    }

    @Test
    void aTableFedByAReKeyedStreamIsRefusedWithAdviceToGroupByFirst() {
        Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        app.stream(purchases).selectKey(Purchase::customer).filter(p -> p.cents() > 0).count(counts);

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Table \"counts\" is fed by node \"purchases.selectKey.filter.count(counts)\", whose records"
                        + " were re-keyed by \"purchases.selectKey\"")
                .hasMessageContaining("groupBy(...) first");
    }

    @Test
    void aTableStreamedFromItsOwnKeyedTopicNeedsNoGroupBy() {
        Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        app.stream(purchases).filter(p -> p.cents() > 0).count(counts);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(purchases).send("k", new Purchase("c", "i", 5)).send("k", new Purchase("c", "i", 5));
            assertThat(d.table(counts).get("k")).isEqualTo(2L);
            assertThat(d.topology().describe()).contains("Sub-topology 0 (reads: purchases; tables: counts)")
                    .contains("Table: purchases.filter.count(counts) (count into table counts, store: ROCKSDB, changelog: shop-counts-changelog)");
        }
    }

    @Test
    void aTableUsedOnBothSidesOfARepartitionIsRefused() {
        Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        app.stream(purchases).count(counts).groupBy(n -> "k" + n, Serdes.string(), "again").count(counts);

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Table \"counts\" is used on both sides of repartition \"again\": by node"
                        + " \"purchases.count(counts)\" before it and by node \"again.count(counts)\" after it");
    }

    @Test
    void usingATableOutsideARunningTaskSaysWhereItCanBeUsed() {
        Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        assertThatThrownBy(() -> counts.get("k")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Table \"counts\" of app \"shop\" is used outside a running task");
    }

    @Test
    void aTableNotDeclaredByTheStreamIsAClearErrorAtRunTime() {
        Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        Table<String, Long> other = app.table("other", Serdes.string(), Serdes.longs(), 0L);
        Topic<String, String> words = app.topic("words", Serdes.string(), Serdes.string());
        app.stream(purchases).count(counts).foreach(v -> { });
        app.agent("sneaky", words, (event, ctx) -> other.put(event.key(), 1L));

        try (TestDriver d = TestDriver.create(app.topology())) {
            assertThatThrownBy(() -> d.input(words).send("k", "v")).isInstanceOf(RecordProcessingException.class)
                    .hasMessageContaining("in node \"sneaky\"")
                    .hasMessageContaining("Table \"other\" is not declared in sub-topology 1");
        }
    }

    @Test
    void aNullKeyCannotGoIntoATable() {
        Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        app.stream(purchases).count(counts).foreach(v -> { });

        try (TestDriver d = TestDriver.create(app.topology())) {
            assertThatThrownBy(() -> d.input(purchases).send(null, new Purchase("c", "i", 1)))
                    .isInstanceOf(RecordProcessingException.class)
                    .hasMessageContaining("Table \"counts\" cannot hold a null key");
        }
    }
}
