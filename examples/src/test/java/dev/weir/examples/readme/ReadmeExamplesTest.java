package dev.weir.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.Stream;
import dev.weir.dsl.GlobalTable;
import dev.weir.dsl.JoinWindows;
import dev.weir.dsl.StreamJoined;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.dsl.Window;
import dev.weir.dsl.WindowSet;
import dev.weir.dsl.Windowed;
import dev.weir.dsl.WindowedTable;
import dev.weir.examples.clickevents.ClickEvent;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.TestDriver;
import dev.weir.topology.TopologyException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's longer examples, as written there, each one app: if one stops compiling,
 * building or doing what the README says, this fails. Keep the two in step.
 */
class ReadmeExamplesTest {

    private static final Logger log = LoggerFactory.getLogger(ReadmeExamplesTest.class);

    record Customer(String name, String country) {
    }

    record Order(String id, long cents) {
    }

    record EnrichedOrder(String id, String customer, long cents) {
    }

    record Product(String name, long cents) {
    }

    record Purchase(String productId, int quantity) {
    }

    @Test
    void joins() {
        App app = App.create("shop");
        // --- README "Joins" ---
        Topic<String, Customer> customerTopic = app.topic("customers", Serdes.string(), Serdes.json(Customer.class));
        Topic<String, Order> orders = app.topic("orders", Serdes.string(), Serdes.json(Order.class));   // keyed by customer id
        Topic<String, EnrichedOrder> enriched = app.topic("enriched-orders", Serdes.string(), Serdes.json(EnrichedOrder.class));
        Table<String, Customer> customers = app.table("customers", Serdes.string(), Serdes.json(Customer.class), null);

        app.stream(customerTopic).toTable(customers);             // latest value per key; a null value deletes the key
        app.stream(orders)
           .join(customers, (order, customer) -> new EnrichedOrder(order.id(), customer.name(), order.cents()))
           .to(enriched);                                        // orders of unknown customers are dropped
        app.stream(orders)
           .leftJoin(customers, (order, customer) -> customer == null ? "unknown" : customer.country())
           .foreach(country -> { });                             // leftJoin: joiner(value, null) for unknown keys
        // --- end ---

        // --- README "Joins", two tables ---
        Topic<String, Long> totalTopic = app.topic("customer-totals", Serdes.string(), Serdes.longs());
        Table<String, Long> totals = app.table("totals", Serdes.string(), Serdes.longs(), null);
        Table<String, String> summaries = app.table("summaries", Serdes.string(), Serdes.string(), null);
        app.stream(totalTopic).toTable(totals);

        app.join("customer-summary", customers, totals,            // also leftJoin(...), outerJoin(...)
                 (customer, total) -> customer.name() + " spent " + total)
           .toTable(summaries);                                   // materialized, when wanted
        // --- end ---

        try (TestDriver d = TestDriver.create(app.topology())) {
            d.input(totalTopic).send("c1", 40L);
            d.input(customerTopic).send("c1", new Customer("Ada", "UK"));
            assertThat(d.table(summaries).get("c1")).isEqualTo("Ada spent 40");
            d.input(orders).send("c1", new Order("o1", 250)).send("c9", new Order("o2", 10));
            assertThat(d.output(enriched).readValues()).containsExactly(new EnrichedOrder("o1", "Ada", 250));
        }
    }

    @Test
    void foreignKeyJoin() {
        App app = App.create("shop");
        // --- README "Joins", a foreign key ---
        Topic<String, Purchase> purchaseTopic = app.topic("purchase-log", Serdes.string(), Serdes.json(Purchase.class));  // by purchase id
        Topic<String, Product> catalog = app.topic("catalog", Serdes.string(), Serdes.json(Product.class));              // by product id
        Table<String, Purchase> purchasesById = app.table("purchases", Serdes.string(), Serdes.json(Purchase.class), null);
        Table<String, Product> productsById = app.table("catalog", Serdes.string(), Serdes.json(Product.class), null);
        app.stream(purchaseTopic).toTable(purchasesById);
        app.stream(catalog).toTable(productsById);

        app.join("purchase-products", purchasesById, productsById, Purchase::productId,   // also leftJoin(...)
                 (purchase, product) -> purchase.quantity() + " x " + product.name())
           .to(app.topic("purchase-lines", Serdes.string(), Serdes.string()));           // keyed by purchase id
        // --- end ---

        try (TestDriver d = TestDriver.create(app.topology())) {
            Topic<String, String> lines = app.topic("purchase-lines", Serdes.string(), Serdes.string());
            d.input(catalog).send("p1", new Product("lamp", 2500));
            d.input(purchaseTopic).send("u1", new Purchase("p1", 2));
            d.input(catalog).send("p1", new Product("desk lamp", 2500));
            assertThat(d.output(lines).readValues()).containsExactly("2 x lamp", "2 x desk lamp");
        }
    }

    @Test
    void streamStreamJoin() {
        App app = App.create("shop");
        // --- README "Joins", two streams ---
        Topic<String, Order> placed = app.topic("orders-placed", Serdes.string(), Serdes.json(Order.class));  // keyed by order id
        Topic<String, Long> payments = app.topic("payments", Serdes.string(), Serdes.longs());                // keyed by order id
        Topic<String, String> settled = app.topic("settled", Serdes.string(), Serdes.string());

        app.stream(placed)
           .leftJoin(app.stream(payments),                        // also join(...), outerJoin(...)
                     JoinWindows.of(Duration.ofMinutes(10))       // paid at most 10 minutes before or after the order
                                .grace(Duration.ofMinutes(1)),    // records up to a minute late still join
                     (order, cents) -> cents == null ? order.id() + " unpaid" : order.id() + " paid " + cents,
                     StreamJoined.as("order-payments"))           // names the buffers and their changelogs
           .to(settled);
        // --- end ---

        Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
        try (TestDriver d = TestDriver.builder(app.topology()).partitions("orders-placed", 1).partitions("payments", 1).build()) {
            d.input(placed).send("o1", new Order("o1", 250), t0).send("o2", new Order("o2", 99), t0);
            d.input(payments).send("o1", 250L, t0.plus(Duration.ofMinutes(3)));
            assertThat(d.output(settled).readValues()).containsExactly("o1 paid 250");      // o2 may still be paid
            d.input(payments).send("o3", 1L, t0.plus(Duration.ofMinutes(22)));   // stream time past o2's 10 + 10 + 1 minutes
            assertThat(d.output(settled).readValues()).containsExactly("o2 unpaid");
        }
    }

    @Test
    void globalTableJoin() {
        App app = App.create("shop");
        // --- README "Joins", a global table ---
        Topic<String, Product> productTopic = app.topic("products", Serdes.string(), Serdes.json(Product.class));  // by product id
        Topic<String, Purchase> purchases = app.topic("purchases", Serdes.string(), Serdes.json(Purchase.class));  // by customer id
        GlobalTable<String, Product> products = app.globalTable(productTopic);   // or globalTable(topic, TableOptions.inMemory())

        app.stream(purchases)
           .join(products, (customer, purchase) -> purchase.productId(),         // the key to look up, from each record
                 (purchase, product) -> product.name() + " x" + purchase.quantity())   // also leftJoin(...)
           .foreach(line -> { });
        // --- end ---

        Topic<String, String> lines = app.topic("lines", Serdes.string(), Serdes.string());
        app.stream(purchases).join(products, (customer, purchase) -> purchase.productId(),
                (purchase, product) -> product.name() + " x" + purchase.quantity()).to(lines);
        try (TestDriver d = TestDriver.builder(app.topology()).partitions("products", 3).partitions("purchases", 4).build()) {
            d.input(productTopic).send("p1", new Product("lamp", 2500));
            d.input(purchases).send("ada", new Purchase("p1", 2)).send("bob", new Purchase("p7", 1));
            assertThat(d.output(lines).readValues()).containsExactly("lamp x2");
            assertThat(d.globalTable(products)).containsOnlyKeys("p1");
        }
    }

    @Test
    void slidingAndSessionWindows() {
        App app = App.create("clicks-app");
        Topic<String, ClickEvent> clicks = app.topic("clickevents", Serdes.string(), Serdes.json(ClickEvent.class));
        // --- README "Windows", sliding and session ---
        Topic<Windowed<String>, Long> sessionCounts = app.topic("session-counts", Windowed.serde(Serdes.string()), Serdes.longs());
        Topic<Windowed<String>, Long> burstCounts = app.topic("burst-counts", Windowed.serde(Serdes.string()), Serdes.longs());
        WindowedTable<String, Long> sessions = app.table("click-sessions", Serdes.string(), Serdes.longs(), 0L)
                .session(Duration.ofMinutes(30))                  // a user's clicks with no pause longer than 30 minutes
                .grace(Duration.ofMinutes(5));
        WindowedTable<String, Long> bursts = app.table("click-bursts", Serdes.string(), Serdes.longs(), 0L)
                .sliding(Duration.ofMinutes(10));                 // every set of a user's clicks within 10 minutes
        WindowedTable<String, String> paths = app.table("session-paths", Serdes.string(), Serdes.string(), "")
                .session(Duration.ofMinutes(30)).grace(Duration.ofMinutes(5));

        Stream<String, ClickEvent> byUser = app.stream(clicks);  // keyed by email
        byUser.count(sessions).to(sessionCounts);                 // a merge forwards the old sessions as tombstones first
        byUser.count(bursts).to(burstCounts);
        byUser.aggregate(paths, (path, e) -> path + " " + e.uri(),
                         (earlier, later) -> earlier + later);     // the merger combines two sessions' values
        // --- end ---

        Instant t = Instant.parse("2026-01-01T10:00:00Z");
        try (TestDriver d = TestDriver.create(app.topology())) {
            String ada = "ada@example.com";
            d.input(clicks).send(ada, new ClickEvent(ada, t.toString(), "/home", 1), t)
                    .send(ada, new ClickEvent(ada, t.toString(), "/cart", 1), t.plus(Duration.ofMinutes(34)))   // a new session
                    .send(ada, new ClickEvent(ada, t.toString(), "/pay", 1), t.plus(Duration.ofMinutes(30)));   // late, bridges them
            assertThat(d.output(sessionCounts).readValues()).containsExactly(1L, 1L, null, null, 3L);
            assertThat(d.table(paths).windows(ada)).containsExactly(
                    Map.entry(new Window(t.toEpochMilli(), t.plus(Duration.ofMinutes(34)).toEpochMilli() + 1), " /home /pay /cart"));
            // [t-10m, t] = 1, [t+24m, t+34m] = 1, then /pay: [t+24m, t+34m] = 2 and [t+30m+1ms, t+40m+1ms] = 1 ([t+20m, t+30m] closed).
            assertThat(d.output(burstCounts).readValues()).containsExactly(1L, 1L, 2L, 1L);
        }
    }

    @Test
    void allTheWindowOptions() {
        App app = App.create("clicks-app");
        Topic<String, ClickEvent> clicks = app.topic("clickevents", Serdes.string(), Serdes.json(ClickEvent.class));
        // --- README "Windows", all the options ---
        WindowedTable<String, Long> perMinute = app.table("clicks-per-minute", Serdes.string(), Serdes.longs(), 0L)
                .tumbling(Duration.ofMinutes(1))                  // or .hopping(Duration.ofMinutes(5), Duration.ofMinutes(1))
                .grace(Duration.ofSeconds(10))                    // late records accepted this long after a window ends
                .expires(Duration.ofHours(1))                     // windows kept this long after they end
                .onWindowClose((uri, window, count) -> log.info("{} {} {}", uri, window, count));

        app.stream(clicks)
           .withTimestamps(e -> Instant.parse(e.timestamp()).toEpochMilli())   // event time from a field (default: the record's)
           .groupBy(ClickEvent::uri, Serdes.string(), "by-uri")
           .count(perMinute);

        // A table lives in the tasks of one sub-topology: this agent reads the clicks as their topic
        // partitions them (by email), so it keeps its own table rather than perMinute, which is
        // partitioned by URI after the groupBy.
        WindowedTable<String, Long> perUser = app.table("clicks-per-user", Serdes.string(), Serdes.longs(), 0L)
                .tumbling(Duration.ofMinutes(1));
        app.agent("watch", clicks, (event, ctx) -> {
            perUser.update(event.key(), n -> n + 1);              // Faust's table[key] += 1
            WindowSet<Long> w = perUser.get(event.key());
            long thisWindow = w.current();                        // the window of the current record
            long wallClock = w.now();                             // the window of the wall clock
            long previous = w.delta(Duration.ofMinutes(1));       // the window one minute before
            long value = w.value();                               // relative to the event, or relativeToNow()/relativeToStream()
        }, perUser);
        // --- end ---

        try (TestDriver d = TestDriver.create(app.topology())) {
            Instant t = d.now();
            d.input(clicks).send("ada@example.com", new ClickEvent("ada@example.com", t.toString(), "/cart", 1), t);
            d.input(clicks).send("ada@example.com", new ClickEvent("ada@example.com", t.toString(), "/cart", 1), t);
            assertThat(d.table(perMinute).window("/cart", t.toEpochMilli() / 60_000 * 60_000)).isEqualTo(2L);
            assertThat(d.table(perUser).window("ada@example.com", t.toEpochMilli() / 60_000 * 60_000)).isEqualTo(2L);
        }
    }

    @Test
    void emitFinal() {
        App app = App.create("clicks-app");
        Topic<String, ClickEvent> clicks = app.topic("clickevents", Serdes.string(), Serdes.json(ClickEvent.class));
        Topic<Windowed<String>, Long> hourlyTopic = app.topic("clicks-per-hour", Windowed.serde(Serdes.string()), Serdes.longs());
        // --- README "Windows", emitFinal ---
        WindowedTable<String, Long> hourly = app.table("clicks-per-hour", Serdes.string(), Serdes.longs(), 0L)
                .tumbling(Duration.ofHours(1))
                .grace(Duration.ofMinutes(5))
                .emitFinal();                                     // one record per URI and hour, when the hour closes
        app.stream(clicks).groupBy(ClickEvent::uri, Serdes.string(), "by-uri-hourly").count(hourly).to(hourlyTopic);
        // --- end ---

        try (TestDriver d = TestDriver.create(app.topology())) {
            Instant hour = Instant.parse("2026-01-01T10:00:00Z");
            d.input(clicks).send("ada", new ClickEvent("ada", hour.toString(), "/cart", 1), hour.plusSeconds(60));
            d.input(clicks).send("bob", new ClickEvent("bob", hour.toString(), "/cart", 1), hour.plusSeconds(120));
            assertThat(d.output(hourlyTopic).readKeyValues()).isEmpty();
            d.input(clicks).send("cy", new ClickEvent("cy", hour.toString(), "/home", 1), hour.plusSeconds(3600 + 301));
            assertThat(d.output(hourlyTopic).readKeyValues()).containsExactly(dev.weir.dsl.KeyValue.of(
                    new Windowed<>("/cart", new dev.weir.dsl.Window(hour.toEpochMilli(), hour.toEpochMilli() + 3_600_000)), 2L));
        }
    }

    @Test
    void readingWindowsAndSendingOnClose() {
        App app = App.create("clicks-app");
        Topic<String, ClickEvent> clicks = app.topic("clickevents", Serdes.string(), Serdes.json(ClickEvent.class));
        // --- README "Windows", reading windows ---
        Topic<String, String> alerts = app.topic("alerts", Serdes.string(), Serdes.string());
        WindowedTable<String, Long> visits = app.table("visits", Serdes.string(), Serdes.longs(), 0L)
                .tumbling(Duration.ofMinutes(1))
                .expires(Duration.ofHours(1))
                .onWindowClose((user, window, count, ctx) -> {    // the context sends, timestamped with the window's last ms
                    if (count > 100) ctx.send(alerts, user, count + " clicks in " + window);
                });
        app.agent("visits", clicks, (event, ctx) -> {
            visits.update(event.key(), n -> n + 1);
            Map<Window, Long> all = visits.get(event.key()).all();                // every window held, earliest first
            Map<Window, Long> recent = visits.get(event.key())
                    .range(Instant.ofEpochMilli(ctx.currentStreamTime()).minus(Duration.ofMinutes(10)), Instant.now());
        }, visits);
        // --- end ---

        try (TestDriver d = TestDriver.create(app.topology())) {
            Instant t = Instant.parse("2026-01-01T10:00:00Z");
            for (int i = 0; i < 101; i++) {
                d.input(clicks).send("ada", new ClickEvent("ada", t.toString(), "/cart", 1), t.plusMillis(i));
            }
            d.input(clicks).send("ada", new ClickEvent("ada", t.toString(), "/cart", 1), t.plusSeconds(61));
            assertThat(d.table(visits).windows("ada")).hasSize(2);
            assertThat(d.output(alerts).readValues()).singleElement().asString().startsWith("101 clicks in [2026-01-01T10:00:00Z");
        }
    }

    @Test
    void oneTableOnBothSidesOfAGroupByIsRefusedAsTheReadmeSays() {
        App app = App.create("clicks-app");
        Topic<String, ClickEvent> clicks = app.topic("clickevents", Serdes.string(), Serdes.json(ClickEvent.class));
        WindowedTable<String, Long> perMinute = app.table("clicks-per-minute", Serdes.string(), Serdes.longs(), 0L)
                .tumbling(Duration.ofMinutes(1));
        app.stream(clicks).groupBy(ClickEvent::uri, Serdes.string(), "by-uri").count(perMinute);
        app.agent("watch", clicks, (event, ctx) -> perMinute.update(event.key(), n -> n + 1), perMinute);

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Table \"clicks-per-minute\" is used on both sides of repartition \"by-uri\": by"
                        + " node \"watch\" before it and by node \"by-uri.count(clicks-per-minute)\" after it");
    }
}
