package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.GlobalTable;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.dsl.TopicOptions;
import dev.weir.runtime.ErrorPolicy;
import dev.weir.serdes.Serdes;
import dev.weir.topology.TopologyException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Joins with global tables: any key from any stream, updates and deletes, no co-partitioning. */
class GlobalTableJoinTest {

    enum Store { ROCKSDB, IN_MEMORY }

    private final App app = App.create("shop");
    // Orders are keyed by customer and name a product; products are keyed by product id, on another partition count.
    private final Topic<String, String> orders = app.topic("orders", Serdes.string(), Serdes.string(), TopicOptions.partitions(4));
    private final Topic<String, String> productTopic = app.topic("products", Serdes.string(), Serdes.string(),
            TopicOptions.partitions(3));
    private final Topic<String, String> out = app.topic("priced", Serdes.string(), Serdes.string());

    private GlobalTable<String, String> products(Store store) {
        return app.globalTable(productTopic, store == Store.IN_MEMORY ? TableOptions.inMemory() : TableOptions.defaults());
    }

    private static String productOf(String order) {
        return order.substring(order.indexOf('@') + 1);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void eachRecordJoinsTheValueOfTheKeyItNamesAndTheTableFollowsUpdatesAndDeletes(Store store) {
        GlobalTable<String, String> products = products(store);
        app.stream(orders).join(products, (customer, order) -> productOf(order), (order, product) -> order + "=" + product).to(out);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(productTopic).send("p1", "lamp").send("p2", "desk");
            d.input(orders).send("ada", "o1@p1").send("bob", "o2@p2").send("cy", "o3@p9");    // p9: no such product
            d.input(productTopic).send("p1", "lamp-v2").send("p2", null);                   // an update and a delete
            d.input(orders).send("ada", "o4@p1").send("bob", "o5@p2");

            assertThat(d.output(out).readRecords()).extracting(r -> r.key() + ":" + r.value())
                    .containsExactly("ada:o1@p1=lamp", "bob:o2@p2=desk", "ada:o4@p1=lamp-v2");
            assertThat(d.globalTable(products)).containsExactlyEntriesOf(java.util.Map.of("p1", "lamp-v2"));
        }
    }

    @Test
    void aLeftJoinForwardsMissesAndNullKeysWithNull() {
        GlobalTable<String, String> products = products(Store.ROCKSDB);
        app.stream(orders).leftJoin(products, (customer, order) -> order.contains("@") ? productOf(order) : null,
                (order, product) -> order + "=" + product).to(out);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(productTopic).send("p1", "lamp");
            d.input(orders).send("ada", "o1@p1").send("bob", "o2@p9").send("cy", "o3");

            assertThat(d.output(out).readValues()).containsExactly("o1@p1=lamp", "o2@p9=null", "o3=null");
        }
    }

    @Test
    void aReKeyedStreamJoinsWithoutAGroupByAndKeepsItsKey() {
        GlobalTable<String, String> products = products(Store.IN_MEMORY);
        app.stream(orders).selectKey(GlobalTableJoinTest::productOf)
                .join(products, (product, order) -> product, (order, product) -> order + "=" + product).to(out);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(productTopic).send("p1", "lamp");
            d.input(orders).send("ada", "o1@p1");
            assertThat(d.output(out).readRecords()).extracting(r -> r.key() + ":" + r.value()).containsExactly("p1:o1@p1=lamp");
        }
    }

    @Test
    void aValueTheTopicsSerdeCannotReadIsABadRecordNamingTheJoin() {
        Topic<String, Integer> stock = app.topic("stock", Serdes.string(), Serdes.ints());
        GlobalTable<String, Integer> levels = app.globalTable(stock);
        app.stream(orders).join(levels, (customer, order) -> productOf(order), (order, level) -> order + "=" + level).to(out);

        try (TestDriver d = TestDriver.builder(app.topology()).errorPolicy(ErrorPolicy.DEAD_LETTER).build()) {
            d.input(stock).send("p1", 7).sendRaw("p2".getBytes(StandardCharsets.UTF_8), new byte[] {1});    // not an int
            d.input(orders).send("ada", "o1@p2").send("bob", "o2@p1");

            assertThat(d.output(out).readValues()).containsExactly("o2@p1=7");
            assertThat(d.deadLetters()).singleElement().satisfies(dl -> {
                assertThat(dl.valueText()).isEqualTo("o1@p2");
                assertThat(dl.header("weir.error.node")).isEqualTo("orders.join(stock)");
                assertThat(dl.header("weir.error.message")).contains("the value of key p2 in global table \"stock\" cannot be read");
            });
        }
    }

    @Test
    void theTopicOfAGlobalTableCannotAlsoBeReadAsAStream() {
        GlobalTable<String, String> products = products(Store.ROCKSDB);
        app.stream(orders).join(products, (customer, order) -> productOf(order), (order, product) -> product).to(out);
        app.stream(productTopic).to(app.topic("copy", Serdes.string(), Serdes.string()));

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Topic \"products\" is the topic of a global table and is also read by node \"products\"");
    }

    @Test
    void aTopicHasOneGlobalTable() {
        products(Store.ROCKSDB);
        assertThatThrownBy(() -> products(Store.IN_MEMORY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Topic \"products\" already has a global table");
    }

    @Test
    void describeNamesTheGlobalTableAndItsStore() {
        GlobalTable<String, String> products = products(Store.IN_MEMORY);
        app.stream(orders).leftJoin(products, (customer, order) -> productOf(order), (order, product) -> product).to(out);

        assertThat(app.topology().describe())
                .contains("Join: orders.leftJoin(products) (left join with global table products, store: IN_MEMORY)")
                .contains("Global table products (topic: products, key: string, value: string, store: IN_MEMORY;"
                        + " every worker holds all partitions)");
    }
}
