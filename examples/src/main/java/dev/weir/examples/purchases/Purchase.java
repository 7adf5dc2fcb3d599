package dev.weir.examples.purchases;

/** The seed's {@code Purchase(faust.Record)}: who bought, in which currency, how much (in cents). */
public record Purchase(String username, String currency, int amount) {
}
