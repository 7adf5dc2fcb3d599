package dev.weir.examples.clickevents;

import dev.weir.dsl.App;
import dev.weir.dsl.Stream;
import dev.weir.dsl.Topic;
import dev.weir.dsl.Windowed;
import dev.weir.dsl.WindowedTable;
import dev.weir.serdes.Serdes;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The seed's click-events programs as one Weir app:
 * <ul>
 *   <li>an agent that prints every click (Faust's {@code @app.agent(clickevents_topic)});</li>
 *   <li>clicks with {@code number >= 100} forwarded to {@code popular-uris}, keyed by URI;</li>
 *   <li>a processor that adds a score to each click, sent to {@code scored-clicks};</li>
 *   <li>clicks regrouped by URI through a repartition topic, sent to {@code clicks-by-uri};</li>
 *   <li>the seed's windowing code: per URI, the sum of the clicks' numbers in 30-second tumbling
 *       windows kept for 10 minutes (table {@code uri-summary}), each new sum sent to {@code uri-summary};</li>
 *   <li>clicks taken in batches of 100 (or whatever arrived within 10 seconds), summarized to
 *       {@code click-batches}.</li>
 * </ul>
 */
public final class ClickEventsApp {

    /** The input topic of the seed's exercises. */
    public static final String CLICKS_TOPIC = "com.udacity.streams.clickevents";

    public final App app;
    public final Topic<String, ClickEvent> clicks;
    public final Topic<String, ClickEvent> popularUris;
    public final Topic<String, ScoredClickEvent> scoredClicks;
    public final Topic<String, ClickEvent> clicksByUri;
    public final Topic<String, ClickBatch> clickBatches;
    public final Topic<Windowed<String>, Integer> uriSummaryTopic;
    public final WindowedTable<String, Integer> uriSummary;

    /**
     * @param printer where the printing agent writes each click (the demo prints to stdout)
     */
    public ClickEventsApp(Consumer<String> printer) {
        app = App.create("clickevents");
        clicks = app.topic(CLICKS_TOPIC, Serdes.string(), Serdes.json(ClickEvent.class));
        popularUris = app.topic("popular-uris", Serdes.string(), Serdes.json(ClickEvent.class));
        scoredClicks = app.topic("scored-clicks", Serdes.string(), Serdes.json(ScoredClickEvent.class));
        clicksByUri = app.topic("clicks-by-uri", Serdes.string(), Serdes.json(ClickEvent.class));
        clickBatches = app.topic("click-batches", Serdes.string(), Serdes.json(ClickBatch.class));
        uriSummaryTopic = app.topic("uri-summary", Windowed.serde(Serdes.string()), Serdes.ints());
        // Faust: app.Table("uri_summary", default=int).tumbling(timedelta(seconds=30), expires=timedelta(minutes=10))
        uriSummary = app.table("uri-summary", Serdes.string(), Serdes.ints(), 0)
                .tumbling(Duration.ofSeconds(30))
                .expires(Duration.ofMinutes(10));

        app.agent(clicks, event -> printer.accept("click " + event.uri() + " #" + event.number() + " by " + event.email()));

        app.stream(clicks)
                .filter(event -> event.number() >= 100)
                .named("popular")
                .to(popularUris, ClickEvent::uri);

        app.stream(clicks)
                .mapValues(event -> ScoredClickEvent.of(event, score(event)))
                .named("score")
                .to(scoredClicks);

        Stream<String, ClickEvent> byUri = app.stream(clicks).groupBy(ClickEvent::uri, Serdes.string(), "by-uri");
        byUri.to(clicksByUri);
        // Faust: uri_summary_table[ce.uri] += ce.number, over clickevents.group_by(ClickEvent.uri)
        byUri.aggregate(uriSummary, (sum, event) -> sum + event.number())
                .to(uriSummaryTopic);

        app.stream(clicks)
                .take(100, Duration.ofSeconds(10))
                .named("batch")
                .mapValues(ClickEventsApp::summarize)
                .to(clickBatches, batch -> "batch");
    }

    /** A click's score: its number, doubled for secure pages, capped at 1000. */
    static int score(ClickEvent event) {
        int base = event.number() * (event.uri().startsWith("https://") ? 2 : 1);
        return Math.min(base, 1000);
    }

    static ClickBatch summarize(List<ClickEvent> batch) {
        int popular = 0;
        int total = 0;
        for (ClickEvent e : batch) {
            popular += e.number() >= 100 ? 1 : 0;
            total += e.number();
        }
        return new ClickBatch(batch.size(), popular, total);
    }

    /**
     * The app's command line, as Faust's {@code app.main()}: {@code worker [--embedded]},
     * {@code describe [--format mermaid|dot]}, {@code send TOPIC VALUE --key K}.
     */
    public static void main(String[] args) {
        new ClickEventsApp(System.out::println).app.main(args);
    }
}
