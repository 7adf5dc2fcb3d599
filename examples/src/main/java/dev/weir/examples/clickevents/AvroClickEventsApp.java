package dev.weir.examples.clickevents;

import dev.weir.dsl.App;
import dev.weir.dsl.Topic;
import dev.weir.examples.clickevents.avro.ClickEventAvro;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeRegistry;
import dev.weir.serdes.Serdes;
import dev.weir.serdes.avro.AvroFormat;
import dev.weir.serdes.avro.AvroSerdes;
import dev.weir.serdes.avro.HttpSchemaRegistry;
import dev.weir.serdes.avro.SchemaRegistry;
import java.net.URI;
import java.util.function.Consumer;

/**
 * The click-events app with Avro values in the schema-registry wire format:
 * <ul>
 *   <li>clicks are {@link ClickEventAvro}, a class {@code avro-maven-plugin} generates from
 *       {@code src/main/avro/ClickEventAvro.avsc}; its {@code referrer} field was added with a
 *       default, so clicks written before it still read;</li>
 *   <li>an agent prints every click;</li>
 *   <li>clicks with {@code number >= 100} go to {@code popular-uris-avro}, keyed by URI;</li>
 *   <li>scored clicks go to {@code scored-clicks-avro} as the Java record {@link ScoredClickEvent},
 *       through Avro's reflection and the chain {@code "avro"};</li>
 *   <li>clicks regrouped by URI go to {@code clicks-by-uri-avro}.</li>
 * </ul>
 * A record that is not Avro of a known schema fails to deserialize and follows the worker's
 * error policy (with {@code DEAD_LETTER}, it goes to the dead-letter topic).
 */
public final class AvroClickEventsApp {

    /** The input topic. */
    public static final String CLICKS_TOPIC = "com.udacity.streams.clickevents.avro";

    public final App app;
    public final Topic<String, ClickEventAvro> clicks;
    public final Topic<String, ClickEventAvro> popularUris;
    public final Topic<String, ScoredClickEvent> scoredClicks;
    public final Topic<String, ClickEventAvro> clicksByUri;

    /**
     * @param registry the schema registry every Avro serde of the app uses
     * @param printer  where the printing agent writes each click
     */
    public AvroClickEventsApp(SchemaRegistry registry, Consumer<String> printer) {
        app = App.create("clickevents-avro");
        Serde<ClickEventAvro> clickSerde = AvroSerdes.specific(ClickEventAvro.class).registry(registry);
        SerdeRegistry serdes = SerdeRegistry.defaults().withFormat(AvroFormat.registry(registry));

        clicks = app.topic(CLICKS_TOPIC, Serdes.string(), clickSerde);
        popularUris = app.topic("popular-uris-avro", Serdes.string(), clickSerde);
        scoredClicks = app.topic("scored-clicks-avro", Serdes.string(), serdes.chain("avro", ScoredClickEvent.class));
        clicksByUri = app.topic("clicks-by-uri-avro", Serdes.string(), clickSerde);

        app.agent(clicks, event -> printer.accept("click " + event.getUri() + " #" + event.getNumber() + " by " + event.getEmail()
                + (event.getReferrer() == null ? "" : " from " + event.getReferrer())));

        app.stream(clicks)
                .filter(event -> event.getNumber() >= 100)
                .named("popular")
                .to(popularUris, ClickEventAvro::getUri);

        app.stream(clicks)
                .mapValues(AvroClickEventsApp::scored)
                .named("score")
                .to(scoredClicks);

        app.stream(clicks)
                .groupBy(ClickEventAvro::getUri, Serdes.string(), "by-uri")
                .to(clicksByUri);
    }

    static ScoredClickEvent scored(ClickEventAvro avro) {
        ClickEvent click = new ClickEvent(avro.getEmail(), avro.getTimestamp(), avro.getUri(), avro.getNumber());
        return ScoredClickEvent.of(click, ClickEventsApp.score(click));
    }

    /**
     * The app's command line against the schema registry at {@code $SCHEMA_REGISTRY_URL}
     * (default {@code http://127.0.0.1:8081}), with basic auth when
     * {@code $SCHEMA_REGISTRY_USER} and {@code $SCHEMA_REGISTRY_PASSWORD} are set. {@code send}
     * takes a click in Avro's JSON encoding:
     * {@code {"email": "a@b.c", "timestamp": "t", "uri": "/cart", "number": 120, "referrer": {"string": "news"}}}.
     */
    public static void main(String[] args) {
        String url = System.getenv().getOrDefault("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081");
        HttpSchemaRegistry.Builder registry = HttpSchemaRegistry.builder(URI.create(url));
        String user = System.getenv("SCHEMA_REGISTRY_USER");
        if (user != null) {
            registry.basicAuth(user, System.getenv().getOrDefault("SCHEMA_REGISTRY_PASSWORD", ""));
        }
        new AvroClickEventsApp(registry.build(), System.out::println).app.main(args);
    }
}
