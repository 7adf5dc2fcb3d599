package dev.weir.examples.purchases;

import dev.weir.dsl.App;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Serdes;
import java.util.Map;

/**
 * The seed's purchases program: purchases arrive base64-wrapped JSON (Faust's
 * {@code serializer="binary|json"}), are converted to dollars and sent to a new topic as
 * plain JSON. Purchases in an unknown currency are dropped.
 */
public final class PurchasesApp {

    /** Cents of a US dollar per unit of each currency we convert. */
    static final Map<String, Double> USD_PER_UNIT = Map.of("USD", 1.0, "EUR", 1.08, "GBP", 1.27, "JPY", 0.0067);

    public final App app;
    public final Topic<String, Purchase> purchases;
    public final Topic<String, PurchaseInDollars> purchasesInDollars;

    public PurchasesApp() {
        app = App.create("purchases");
        purchases = app.topic("com.udacity.streams.purchases", Serdes.string(), Serdes.chain("binary|json", Purchase.class));
        purchasesInDollars = app.topic("purchases-usd", Serdes.string(), Serdes.json(PurchaseInDollars.class));

        app.stream(purchases)
                .filter(p -> USD_PER_UNIT.containsKey(p.currency()))
                .named("known-currency")
                .mapValues(PurchasesApp::toDollars)
                .to(purchasesInDollars, PurchaseInDollars::username);
    }

    static PurchaseInDollars toDollars(Purchase p) {
        int usdCents = (int) Math.round(p.amount() * USD_PER_UNIT.get(p.currency()));
        return new PurchaseInDollars(p.username(), p.currency(), p.amount(), usdCents);
    }

    /** Prints the topology. */
    public static void main(String[] args) {
        System.out.print(new PurchasesApp().app.topology().describe());
    }
}
