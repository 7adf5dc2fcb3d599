package dev.weir.examples.clickevents;

/** A summary of one batch of clicks taken with {@code take(100, within 10 s)}. */
public record ClickBatch(int clicks, int popular, int totalNumber) {
}
