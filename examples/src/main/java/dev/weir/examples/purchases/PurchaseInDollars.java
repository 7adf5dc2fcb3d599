package dev.weir.examples.purchases;

/** A purchase converted to US dollars. */
public record PurchaseInDollars(String username, String originalCurrency, int originalAmount, int amountUsdCents) {
}
