package dev.weir.examples.clickevents;

/**
 * A click on a web page, as the seed's Faust record:
 * {@code class ClickEvent(faust.Record): email: str; timestamp: str; uri: str; number: int}.
 * Deserialized strictly: a missing field or a wrong type is an error naming the field.
 */
public record ClickEvent(String email, String timestamp, String uri, int number) {
}
