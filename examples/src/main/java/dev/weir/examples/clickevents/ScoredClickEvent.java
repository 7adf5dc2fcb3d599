package dev.weir.examples.clickevents;

/** A click with the score the scoring processor gave it. */
public record ScoredClickEvent(String email, String timestamp, String uri, int number, int score) {

    static ScoredClickEvent of(ClickEvent e, int score) {
        return new ScoredClickEvent(e.email(), e.timestamp(), e.uri(), e.number(), score);
    }
}
