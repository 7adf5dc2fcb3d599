package dev.weir.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.weir.serdes.Serdes;
import dev.weir.topology.Node;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import dev.weir.topology.TopologyException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How joins and tables shape the topology: one sub-topology per table, co-partitioning checked at build time. */
class JoinTopologyTest {

    record Order(String id, String customer, long cents) {
    }

    record Customer(String name, String country) {
    }

    private final App app = App.create("shop");
    private final Topic<String, Order> orders = app.topic("orders", Serdes.string(), Serdes.json(Order.class),
            TopicOptions.partitions(4));
    private final Topic<String, Customer> customerTopic = app.topic("customers", Serdes.string(), Serdes.json(Customer.class),
            TopicOptions.partitions(4));
    private final Topic<String, String> enriched = app.topic("enriched", Serdes.string(), Serdes.string());
    private final Table<String, Customer> customers = app.table("customers", Serdes.string(), Serdes.json(Customer.class), null);

    @Test
    void aStreamJoinedWithATableFedByItsOwnTopicRunsInOneSubTopologyReadingBoth() {
        app.stream(customerTopic).toTable(customers);
        app.stream(orders).join(customers, (o, c) -> o.id() + "@" + c.country()).to(enriched);

        Topology t = app.topology();
        assertThat(t.subTopologies()).singleElement().satisfies(s -> {
            assertThat(s.sourceTopics()).containsExactlyInAnyOrder("orders", "customers");
            assertThat(s.tables()).containsExactly("customers");
        });
        assertThat(t.node("orders.join(customers)")).isInstanceOf(Node.StreamTableJoin.class);
        assertThat(t.node("customers.toTable(customers)")).isInstanceOf(Node.TableNode.class);
        assertThat(t.describe()).contains("Join: orders.join(customers) (join with table customers)")
                .contains("Table: customers.toTable(customers) (toTable into table customers");
        assertThat(t.toMermaid()).contains("orders.join(customers) (join with table customers)");
    }

    @Test
    void aLeftJoinIsNamedAndDescribedAsOne() {
        app.stream(customerTopic).toTable(customers);
        app.stream(orders).leftJoin(customers, (o, c) -> o.id()).named("with-customer").to(enriched);

        Node.StreamTableJoin join = (Node.StreamTableJoin) app.topology().node("with-customer");
        assertThat(join.left()).isTrue();
        assertThat(app.topology().describe()).contains("Join: with-customer (left join with table customers)");
    }

    @Test
    void aJoinAfterARekeyingOperationNeedsAGroupByAndSaysSo() {
        app.stream(customerTopic).toTable(customers);
        app.stream(orders).selectKey(Order::customer).join(customers, (o, c) -> o.id()).to(enriched);

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Table \"customers\" is joined by node \"orders.selectKey.join(customers)\", whose records"
                        + " were re-keyed by \"orders.selectKey\"")
                .hasMessageContaining("groupBy(...) first");
    }

    @Test
    void aGroupByBeforeTheJoinMakesItValidAndJoinsTheRepartitionTopic() {
        app.stream(customerTopic).toTable(customers);
        app.stream(orders).groupBy(Order::customer, Repartition.<String, Order>as("by-customer").withKeySerde(Serdes.string())
                        .withPartitions(4))
                .join(customers, (o, c) -> o.id()).to(enriched);

        Topology t = app.topology();
        SubTopology joined = t.subTopologyOf(customers);
        assertThat(joined.sourceTopics()).containsExactlyInAnyOrder("shop-by-customer-repartition", "customers");
        assertThat(t.subTopologies()).hasSize(2);
    }

    @Test
    void differentDeclaredPartitionCountsOfJoinedTopicsAreRefusedAtBuildTime() {
        Topic<String, Order> few = app.topic("few-orders", Serdes.string(), Serdes.json(Order.class), TopicOptions.partitions(2));
        app.stream(customerTopic).toTable(customers);
        app.stream(few).join(customers, (o, c) -> o.id()).to(enriched);

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Topics [customers, few-orders] are read together")
                .hasMessageContaining("share tables [customers]")
                .hasMessageContaining("different partition counts [4, 2]")
                .hasMessageContaining("withPartitions(n)");
    }

    @Test
    void windowedTablesAndUndeclaredTablesCannotBeJoined() {
        Table<String, Long> counts = app.table("counts", Serdes.string(), Serdes.longs(), 0L);
        WindowedTable<String, Long> windowed = counts.tumbling(Duration.ofMinutes(1));
        Table<String, Customer> stranger = App.create("other").table("c", Serdes.string(), Serdes.json(Customer.class), null);

        assertThatThrownBy(() -> app.stream(orders).join(windowed.table(), (o, c) -> o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("join(...) needs a plain table, but table \"counts\" is windowed");
        assertThatThrownBy(() -> app.stream(orders).join(stranger, (o, c) -> o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was not declared by app \"shop\"");
    }

    @Test
    void aTableOnBothSidesOfARepartitionNamesANodeBeforeAndAfterAndEveryOtherProblemTooInOneException() {
        Table<String, Long> counts = app.table("order-counts", Serdes.string(), Serdes.longs(), 0L);
        Stream<String, Order> s = app.stream(orders);
        s.count(counts);
        s.groupBy(Order::customer, Serdes.string(), "by-customer").count(counts);
        Topic<String, String> noSerde = Topic.of("bare", null, Serdes.string(), TopicOptions.defaults());
        app.stream(customerTopic).mapValues(Customer::name).to(noSerde);

        TopologyException e = catchThrowableOfType(TopologyException.class, app::topology);

        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(
                "Table \"order-counts\" is used on both sides of repartition \"by-customer\": by node \"orders.count(order-counts)\""
                        + " before it and by node \"by-customer.count(order-counts)\" after it"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("no key serde for topic \"bare\""));
    }
}
