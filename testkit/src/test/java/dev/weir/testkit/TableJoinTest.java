package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.dsl.TopicOptions;
import dev.weir.serdes.Serdes;
import dev.weir.topology.TopologyException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Table-table joins: an update whenever either side changes, tombstones when a key stops joining. */
class TableJoinTest {

    enum Store { ROCKSDB, IN_MEMORY }

    private final App app = App.create("crm");
    private final Topic<String, String> customerTopic = app.topic("customers", Serdes.string(), Serdes.string(), TopicOptions.partitions(4));
    private final Topic<String, Long> totalTopic = app.topic("totals", Serdes.string(), Serdes.longs(), TopicOptions.partitions(4));
    private final Topic<String, String> joined = app.topic("joined", Serdes.string(), Serdes.string());

    private Table<String, String> customers;
    private Table<String, Long> totals;

    private void tables(Store store) {
        TableOptions options = store == Store.IN_MEMORY ? TableOptions.inMemory() : TableOptions.defaults();
        customers = app.table("customers", Serdes.string(), Serdes.string(), null, options);
        totals = app.table("totals", Serdes.string(), Serdes.longs(), null, options);
        app.stream(customerTopic).toTable(customers);
        app.stream(totalTopic).toTable(totals);
    }

    private static KeyValue<String, String> kv(String k, String v) {
        return KeyValue.of(k, v);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void anInnerJoinUpdatesOnEitherSideAndSendsATombstoneWhenAKeyStopsJoining(Store store) {
        tables(store);
        app.join("customer-totals", customers, totals, (name, total) -> name + ":" + total).to(joined);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(customerTopic).send("ada", "Ada");          // no total yet: nothing
            d.input(totalTopic).send("ada", 5L);
            d.input(customerTopic).send("ada", "Ada L.");
            d.input(totalTopic).send("ada", 7L);
            d.input(totalTopic).send("ada", null);              // the key stops joining
            d.input(customerTopic).send("ada", null);           // nothing joined any more: nothing
            d.input(totalTopic).send("bob", 1L);                // no customer: nothing

            assertThat(d.output(joined).readKeyValues())
                    .containsExactly(kv("ada", "Ada:5"), kv("ada", "Ada L.:5"), kv("ada", "Ada L.:7"), kv("ada", null));
        }
    }

    @Test
    void aLeftJoinKeepsEveryLeftKey() {
        tables(Store.ROCKSDB);
        app.leftJoin("customer-totals", customers, totals, (name, total) -> name + ":" + total).to(joined);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(customerTopic).send("ada", "Ada");
            d.input(totalTopic).send("ada", 5L);
            d.input(totalTopic).send("ada", null);
            d.input(totalTopic).send("bob", 3L);                // no left key: nothing
            d.input(customerTopic).send("ada", null);

            assertThat(d.output(joined).readKeyValues())
                    .containsExactly(kv("ada", "Ada:null"), kv("ada", "Ada:5"), kv("ada", "Ada:null"), kv("ada", null));
        }
    }

    @Test
    void anOuterJoinKeepsTheKeysOfEitherSideAndIsMaterializedByToTable() {
        tables(Store.IN_MEMORY);
        Table<String, String> result = app.table("customer-totals", Serdes.string(), Serdes.string(), null);
        app.outerJoin("customer-totals-join", customers, totals, (name, total) -> name + ":" + total).toTable(result).to(joined);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(totalTopic).send("bob", 3L);
            d.input(customerTopic).send("bob", "Bob");
            assertThat(d.table(result).get("bob")).isEqualTo("Bob:3");
            d.input(totalTopic).send("bob", null);
            d.input(customerTopic).send("bob", null);

            assertThat(d.output(joined).readKeyValues())
                    .containsExactly(kv("bob", "null:3"), kv("bob", "Bob:3"), kv("bob", "Bob:null"), kv("bob", null));
            assertThat(d.table(result).get("bob")).isNull();
            assertThat(d.topology().describe()).contains("Join: customer-totals-join.left (outer table join, left side, with table totals)")
                    .contains("Join: customer-totals-join.right (outer table join, right side, with table customers)");
        }
    }

    @Test
    void everyKeyJoinsInTheTaskOfItsPartition() {
        tables(Store.ROCKSDB);
        app.join("customer-totals", customers, totals, (name, total) -> name + ":" + total).to(joined);

        try (TestDriver d = TestDriver.builder(app.topology()).partitions("joined", 4).build()) {
            for (int i = 0; i < 50; i++) {
                d.input(totalTopic).send("c" + i, (long) i);
                d.input(customerTopic).send("c" + i, "C" + i);
            }
            assertThat(d.tasks()).hasSize(4);
            assertThat(d.output(joined).readKeyValues()).hasSize(50)
                    .allSatisfy(r -> assertThat(r.value()).isEqualTo("C" + r.key().substring(1) + ":" + r.key().substring(1)));
        }
    }

    @Test
    void aTableNoAggregateOrToTableFeedsCannotBeJoinedAndATableNotWithItself() {
        customers = app.table("customers", Serdes.string(), Serdes.string(), null);
        totals = app.table("totals", Serdes.string(), Serdes.longs(), null);
        app.stream(customerTopic).toTable(customers);
        app.join("customer-totals", customers, totals, (name, total) -> name).to(joined);

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Join \"customer-totals.right\" has nothing to join: no aggregate or toTable(...) of this app"
                        + " writes table \"totals\"");
        assertThatThrownBy(() -> app.join("self", customers, customers, (a, b) -> a))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("joins table \"customers\" with itself");
    }
}
