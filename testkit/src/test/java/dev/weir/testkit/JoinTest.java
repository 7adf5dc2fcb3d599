package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Repartition;
import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.dsl.TopicOptions;
import dev.weir.runtime.ErrorPolicy;
import dev.weir.runtime.Guarantee;
import dev.weir.serdes.Serdes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Stream-table joins, run by the runtime's own task code, on both store types. */
class JoinTest {

    record Order(String id, String customer, long cents) {
    }

    record Customer(String name, String country) {
    }

    enum Store { ROCKSDB, IN_MEMORY }

    private final App app = App.create("shop");
    private final Topic<String, Order> orders = app.topic("orders", Serdes.string(), Serdes.json(Order.class),
            TopicOptions.partitions(4));
    private final Topic<String, Customer> customerTopic = app.topic("customers", Serdes.string(), Serdes.json(Customer.class),
            TopicOptions.partitions(4));
    private final Topic<String, String> enriched = app.topic("enriched", Serdes.string(), Serdes.string());

    private Table<String, Customer> customers(Store store) {
        return app.table("customers", Serdes.string(), Serdes.json(Customer.class), null,
                store == Store.IN_MEMORY ? TableOptions.inMemory() : TableOptions.defaults());
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void anInnerJoinSeesTheTablesCurrentValueAndDropsKeysItDoesNotHold(Store store) {
        Table<String, Customer> customers = customers(store);
        app.stream(customerTopic).toTable(customers);
        app.stream(orders).join(customers, (o, c) -> o.id() + ":" + c.name() + "/" + c.country()).to(enriched);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(orders).send("ada", new Order("o1", "ada", 100));                 // no customer yet: nothing
            d.input(customerTopic).send("ada", new Customer("Ada", "UK"));
            d.input(orders).send("ada", new Order("o2", "ada", 100));
            d.input(customerTopic).send("ada", new Customer("Ada", "FR"));            // an update: later orders see it
            d.input(orders).send("ada", new Order("o3", "ada", 100));
            d.input(customerTopic).send("ada", null);                                 // a tombstone deletes the key
            d.input(orders).send("ada", new Order("o4", "ada", 100));

            assertThat(d.output(enriched).readKeyValues())
                    .containsExactly(KeyValue.of("ada", "o2:Ada/UK"), KeyValue.of("ada", "o3:Ada/FR"));
            assertThat(d.table(customers).get("ada")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aLeftJoinPassesNullForKeysWithoutAValue(Store store) {
        Table<String, Customer> customers = customers(store);
        app.stream(customerTopic).toTable(customers);
        app.stream(orders).leftJoin(customers, (o, c) -> o.id() + ":" + (c == null ? "unknown" : c.country())).to(enriched);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(orders).send("bob", new Order("o1", "bob", 5));
            d.input(customerTopic).send("bob", new Customer("Bob", "DE"));
            d.input(orders).send("bob", new Order("o2", "bob", 5));
            d.input(customerTopic).send("bob", null);
            d.input(orders).send("bob", new Order("o3", "bob", 5));

            assertThat(d.output(enriched).readValues()).containsExactly("o1:unknown", "o2:DE", "o3:unknown");
        }
    }

    @Test
    void everyKeyIsJoinedInTheTaskOfItsPartitionAcrossFourPartitions() {
        Table<String, Customer> customers = customers(Store.ROCKSDB);
        app.stream(customerTopic).toTable(customers);
        app.stream(orders).join(customers, (o, c) -> c.country()).to(enriched);

        try (TestDriver d = TestDriver.builder(app.topology()).partitions("enriched", 4).build()) {
            for (int i = 0; i < 100; i++) {
                d.input(customerTopic).send("c" + i, new Customer("C" + i, "country-" + i));
            }
            for (int i = 0; i < 100; i++) {
                d.input(orders).send("c" + i, new Order("o" + i, "c" + i, i));
            }

            assertThat(d.tasks()).hasSize(4);
            assertThat(d.output(enriched).readKeyValues()).hasSize(100)
                    .allSatisfy(kv -> assertThat(kv.value()).isEqualTo("country-" + kv.key().substring(1)));
        }
    }

    @Test
    void aStreamJoinsAnAggregateAfterAGroupByInTheSameTask() {
        Topic<String, Long> spentTopic = app.topic("spent", Serdes.string(), Serdes.longs());
        Table<String, Long> spent = app.table("spent", Serdes.string(), Serdes.longs(), 0L);
        app.stream(orders).groupBy(Order::customer, Repartition.<String, Order>as("by-customer").withKeySerde(Serdes.string())
                .withPartitions(4)).sum(spent, Order::cents).to(spentTopic);
        app.stream(customerTopic).join(spent, (c, total) -> c.name() + " spent " + total).to(enriched);

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(orders).send("o1", new Order("o1", "ada", 300)).send("o2", new Order("o2", "ada", 200))
                    .send("o3", new Order("o3", "bob", 7));
            d.input(customerTopic).send("ada", new Customer("Ada", "UK")).send("bob", new Customer("Bob", "DE"))
                    .send("cy", new Customer("Cy", "NL"));

            assertThat(d.output(enriched).readValues()).containsExactly("Ada spent 500", "Bob spent 7");
        }
    }

    @Test
    void underExactlyOnceAJoinSeesTableChangesOfTheOpenTransaction() {
        Table<String, Customer> customers = customers(Store.ROCKSDB);
        app.stream(customerTopic).toTable(customers);
        app.stream(orders).join(customers, (o, c) -> c.country()).to(enriched);

        try (TestDriver d = TestDriver.builder(app.topology()).guarantee(Guarantee.EXACTLY_ONCE).build()) {
            d.input(customerTopic).send("ada", new Customer("Ada", "UK"));
            d.input(orders).send("ada", new Order("o1", "ada", 1));
            assertThat(d.output(enriched).readValues()).isEmpty();                   // not committed yet

            d.commit();
            assertThat(d.output(enriched).readValues()).containsExactly("UK");
        }
    }

    @Test
    void aKeylessOrderIsABadRecordNamingTheJoinAndTheOthersAreJoined() {
        Table<String, Customer> customers = customers(Store.ROCKSDB);
        app.stream(customerTopic).toTable(customers);
        app.stream(orders).join(customers, (o, c) -> o.id()).to(enriched);

        try (TestDriver d = TestDriver.builder(app.topology()).errorPolicy(ErrorPolicy.DEAD_LETTER).build()) {
            d.input(customerTopic).send("ada", new Customer("Ada", "UK"));
            d.input(orders).send(null, new Order("o1", "ada", 1)).send("ada", new Order("o2", "ada", 1));

            assertThat(d.output(enriched).readValues()).containsExactly("o2");
            assertThat(d.deadLetters()).singleElement().satisfies(dl -> {
                assertThat(dl.header("weir.error.node")).isEqualTo("orders.join(customers)");
                assertThat(dl.header("weir.error.message")).contains("Table \"customers\" cannot hold a null key");
            });
        }
    }
}
