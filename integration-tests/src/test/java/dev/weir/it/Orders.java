package dev.weir.it;

import dev.weir.dsl.App;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Serdes;

/** The app most integration tests run: orders regrouped by customer. */
final class Orders {

    record Order(String id, String customer, int amount) {
    }

    final App app;
    final Topic<String, Order> orders;
    final Topic<String, Order> byCustomer;

    Orders(String appId) {
        app = App.create(appId);
        orders = app.topic("orders", Serdes.string(), Serdes.json(Order.class));
        byCustomer = app.topic("orders-by-customer", Serdes.string(), Serdes.json(Order.class));
        app.stream(orders)
                .filter(o -> o.amount() >= 0)
                .groupBy(Order::customer, Serdes.string(), "by-customer")
                .to(byCustomer);
    }

    static String json(String id, String customer, int amount) {
        return "{\"id\":\"" + id + "\",\"customer\":\"" + customer + "\",\"amount\":" + amount + "}";
    }
}
