package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.dsl.TopicOptions;
import dev.weir.runtime.Guarantee;
import dev.weir.serdes.Serdes;
import dev.weir.topology.TopologyException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Foreign-key table-table joins: updates and deletes of either side, foreign-key changes, stale answers, no co-partitioning. */
class ForeignKeyJoinTest {

    enum Store { ROCKSDB, IN_MEMORY }

    private final App app = App.create("shop");
    // Orders (by order id) name their customer: "c1|lamp". Customers are keyed by customer id, on another partition count.
    private final Topic<String, String> orderTopic = app.topic("orders", Serdes.string(), Serdes.string(), TopicOptions.partitions(4));
    private final Topic<String, String> customerTopic = app.topic("customers", Serdes.string(), Serdes.string(),
            TopicOptions.partitions(3));
    private final Topic<String, String> out = app.topic("order-details", Serdes.string(), Serdes.string());

    private Table<String, String> table(String name, Store store) {
        return app.table(name, Serdes.string(), Serdes.string(), null,
                store == Store.IN_MEMORY ? TableOptions.inMemory() : TableOptions.defaults());
    }

    /** The last value of each key read now from the output. */
    private java.util.Map<String, String> latest(TestDriver d) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        d.output(out).readKeyValues().forEach(kv -> m.put(kv.key(), kv.value()));
        return m;
    }

    private static String customerOf(String order) {
        return order.isEmpty() ? null : order.substring(0, order.indexOf('|'));
    }

    private static String detail(String order, String customer) {
        return order.substring(order.indexOf('|') + 1) + " for " + customer;
    }

    private Table<String, String> build(Store store, boolean left) {
        Table<String, String> orders = table("orders", store);
        Table<String, String> customers = table("customers", store);
        Table<String, String> details = table("details", store);
        app.stream(orderTopic).toTable(orders);
        app.stream(customerTopic).toTable(customers);
        (left ? app.leftJoin("order-customers", orders, customers, ForeignKeyJoinTest::customerOf, ForeignKeyJoinTest::detail)
                : app.join("order-customers", orders, customers, ForeignKeyJoinTest::customerOf, ForeignKeyJoinTest::detail))
                .toTable(details).to(out);
        return details;
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void theResultFollowsUpdatesAndDeletesOfBothSidesAndForeignKeyChanges(Store store) {
        Table<String, String> details = build(store, false);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(customerTopic).send("c1", "Ada").send("c2", "Bob");
            d.input(orderTopic).send("o1", "c1|lamp").send("o2", "c1|desk");
            assertThat(latest(d)).containsEntry("o1", "lamp for Ada").containsEntry("o2", "desk for Ada");

            d.input(customerTopic).send("c1", "Ada Lovelace");                 // a right update reaches every subscriber
            assertThat(latest(d)).containsOnly(
                    java.util.Map.entry("o1", "lamp for Ada Lovelace"), java.util.Map.entry("o2", "desk for Ada Lovelace"));

            d.input(orderTopic).send("o1", "c2|lamp");                         // a new foreign key: unsubscribes from c1
            assertThat(d.output(out).readValues()).containsExactly("lamp for Bob");
            d.input(customerTopic).send("c1", "Ada L.");
            assertThat(latest(d)).containsOnlyKeys("o2");

            d.input(customerTopic).send("c2", null);                           // the right key deleted: o1 stops joining
            assertThat(d.output(out).readRecords()).extracting(r -> r.key() + "=" + r.value()).containsExactly("o1=null");
            d.input(orderTopic).send("o2", null);                              // the left key deleted
            assertThat(d.output(out).readRecords()).extracting(r -> r.key() + "=" + r.value()).containsExactly("o2=null");

            d.input(customerTopic).send("c2", "Bob again");                    // o1 still subscribes to c2
            assertThat(d.output(out).readValues()).containsExactly("lamp for Bob again");
            assertThat(d.table(details).get("o1")).isEqualTo("lamp for Bob again");
            assertThat(d.table(details).get("o2")).isNull();
        }
    }

    @Test
    void aLeftJoinKeepsLeftKeysWithoutACustomerAndWithoutAForeignKey() {
        build(Store.ROCKSDB, true);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(orderTopic).send("o1", "c9|lamp").send("o2", "");          // an unknown customer; no customer at all
            assertThat(latest(d)).containsEntry("o1", "lamp for null").containsEntry("o2", " for null");
            d.input(customerTopic).send("c9", "Cy");
            assertThat(d.output(out).readValues()).containsExactly("lamp for Cy");
            d.input(customerTopic).send("c9", null);
            assertThat(d.output(out).readValues()).containsExactly("lamp for null");
        }
    }

    @Test
    void anAnswerToAnOlderLeftValueIsDroppedSoOnlyTheLatestJoins() {
        build(Store.IN_MEMORY, false);

        // Exactly-once: the subscriptions and answers travel only at commits, so both updates of o1 are asked for at once.
        try (TestDriver d = TestDriver.builder(app.topology()).guarantee(Guarantee.EXACTLY_ONCE).build()) {
            d.input(customerTopic).send("c1", "Ada");
            d.commit();
            d.input(orderTopic).send("o1", "c1|lamp").send("o1", "c1|desk");
            d.commit();
            assertThat(d.output(out).readValues()).containsExactly("desk for Ada");
        }
    }

    @Test
    void theInternalTopicsAreNamedFromTheAppAndTheJoinAndPartitionedLikeTheirReaders() {
        build(Store.ROCKSDB, false);

        try (TestDriver d = TestDriver.create(app.topology())) {
            assertThat(d.partitions("shop-order-customers-subscription")).isEqualTo(3);     // like customers
            assertThat(d.partitions("shop-order-customers-response")).isEqualTo(4);         // like orders
        }
        assertThat(app.topology().describe())
                .contains("Join: order-customers.subscribe (foreign-key join: subscribes each key of table orders to its foreign key)")
                .contains("Join: order-customers.right (foreign-key join: answers the subscribers of each changed key of table customers)");
    }

    @Test
    void aRightTableNothingFeedsIsRefused() {
        Table<String, String> orders = table("orders", Store.ROCKSDB);
        Table<String, String> customers = table("customers", Store.ROCKSDB);
        app.stream(orderTopic).toTable(orders);
        app.join("order-customers", orders, customers, ForeignKeyJoinTest::customerOf, ForeignKeyJoinTest::detail).to(out);

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Foreign-key join \"order-customers.right\" has nothing to join: no aggregate or toTable(...)"
                        + " of this app writes table \"customers\"");
    }

    @Test
    void joiningATableWithItselfIsRefused() {
        Table<String, String> orders = table("orders", Store.ROCKSDB);
        assertThatThrownBy(() -> app.join("self", orders, orders, v -> v, (a, b) -> a))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("joins table \"orders\" with itself");
    }
}
