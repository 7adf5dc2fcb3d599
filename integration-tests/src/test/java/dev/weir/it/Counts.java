package dev.weir.it;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Serdes;

/**
 * The app the chaos tests run: orders counted per customer in a RocksDB table; each new count
 * goes to topic {@code customer-counts}, so the output holds, per customer, the counts 1, 2,
 * 3, ... in order, exactly once each when nothing went wrong (or under exactly-once, whatever
 * went wrong).
 */
final class Counts {

    static final String ORDERS = "orders";
    static final String COUNTS = "customer-counts";
    static final String TABLE = "order-counts";

    private Counts() {
    }

    static App app(String appId) {
        App app = App.create(appId);
        Topic<String, Orders.Order> orders = app.topic(ORDERS, Serdes.string(), Serdes.json(Orders.Order.class));
        Topic<String, Long> counts = app.topic(COUNTS, Serdes.string(), Serdes.longs());
        Table<String, Long> table = app.table(TABLE, Serdes.string(), Serdes.longs(), 0L);
        app.stream(orders).groupBy(Orders.Order::customer, Serdes.string(), "by-customer").count(table).to(counts);
        return app;
    }

    static String changelog(String appId) {
        return appId + "-" + TABLE + "-changelog";
    }
}
