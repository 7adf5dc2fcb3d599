package dev.weir.examples.clickevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Window;
import dev.weir.dsl.Windowed;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.testkit.TestDriver;
import dev.weir.testkit.TestRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClickEventsAppTest {

    private final List<String> printed = new ArrayList<>();
    private final ClickEventsApp example = new ClickEventsApp(printed::add);
    private TestDriver driver;

    @BeforeEach
    void start() {
        driver = TestDriver.builder(example.app.topology()).partitions(ClickEventsApp.CLICKS_TOPIC, 4).build();
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static ClickEvent click(String uri, int number) {
        return new ClickEvent("user@example.com", "2026-01-01T00:00:00", uri, number);
    }

    @Test
    void theAgentPrintsEveryClick() {
        driver.input(example.clicks).send("u1", click("/home", 5)).send("u2", click("/cart", 120));

        assertThat(printed).containsExactly("click /home #5 by user@example.com", "click /cart #120 by user@example.com");
    }

    @Test
    void clicksNumberedAtLeast100GoToPopularUrisKeyedByUri() {
        driver.input(example.clicks)
                .send("u1", click("/home", 99))
                .send("u2", click("/cart", 100))
                .send("u3", click("/checkout", 250));

        assertThat(driver.output(example.popularUris).readKeyValues()).containsExactly(
                KeyValue.of("/cart", click("/cart", 100)), KeyValue.of("/checkout", click("/checkout", 250)));
    }

    @Test
    void theScoringProcessorAddsAScore() {
        driver.input(example.clicks).send("u1", click("/home", 7)).send("u2", click("https://shop/pay", 600));

        assertThat(driver.output(example.scoredClicks).readValues()).extracting(ScoredClickEvent::score)
                .containsExactly(7, 1000);
    }

    @Test
    void groupByUriPutsEveryClickOfAUriInOnePartition() {
        for (int i = 0; i < 200; i++) {
            driver.input(example.clicks).send("user-" + i, click("/page/" + (i % 13), i));
        }

        List<TestRecord<String, ClickEvent>> regrouped = driver.output(example.clicksByUri).readRecords();
        assertThat(regrouped).hasSize(200);
        Map<String, Set<Integer>> partitions = new HashMap<>();
        regrouped.forEach(r -> partitions.computeIfAbsent(r.key(), k -> new HashSet<>()).add(r.partition()));
        assertThat(partitions).hasSize(13).allSatisfy((uri, parts) -> assertThat(parts).hasSize(1));
    }

    @Test
    void clicksAreSummarizedInBatchesOf100OrWhatArrivedWithin10Seconds() {
        // One input partition, so that all clicks share one task and one batch.
        ClickEventsApp fresh = new ClickEventsApp(s -> { });
        try (TestDriver d = TestDriver.create(fresh.app.topology())) {
            for (int i = 0; i < 130; i++) {
                d.input(fresh.clicks).send("u", click("/p", i < 10 ? 150 : 1));
            }
            assertThat(d.output(fresh.clickBatches).readValues()).containsExactly(new ClickBatch(100, 10, 10 * 150 + 90));

            d.advanceTime(Duration.ofSeconds(9));
            assertThat(d.output(fresh.clickBatches).isEmpty()).isTrue();
            d.advanceTime(Duration.ofSeconds(1));
            assertThat(d.output(fresh.clickBatches).readValues()).containsExactly(new ClickBatch(30, 0, 30));
        }
    }

    @Test
    void theUriSummarySumsNumbersPerUriIn30SecondTumblingWindows() {
        long t0 = 1_767_225_600_000L;
        driver.input(example.clicks)
                .send("u1", click("/cart", 10), t0 + 1_000)
                .send("u2", click("/cart", 5), t0 + 29_000)
                .send("u3", click("/home", 7), t0 + 2_000)
                .send("u4", click("/cart", 1), t0 + 31_000);

        assertThat(driver.table(example.uriSummary).window("/cart", t0)).isEqualTo(15);
        assertThat(driver.table(example.uriSummary).window("/cart", t0 + 30_000)).isEqualTo(1);
        assertThat(driver.table(example.uriSummary).window("/home", t0)).isEqualTo(7);
        assertThat(driver.output(example.uriSummaryTopic).readKeyValues())
                .containsExactlyInAnyOrder(KeyValue.of(windowed("/cart", t0), 10), KeyValue.of(windowed("/cart", t0), 15),
                        KeyValue.of(windowed("/home", t0), 7), KeyValue.of(windowed("/cart", t0 + 30_000), 1));
    }

    private static Windowed<String> windowed(String uri, long start) {
        return new Windowed<>(uri, new Window(start, start + 30_000));
    }

    @Test
    void malformedJsonNamesTopicPartitionOffsetAndTheProblem() {
        byte[] key = "u1".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> driver.input(example.clicks).sendRaw(key, "{\"email\": \"a@b\", \"uri\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordProcessingException.class)
                .hasMessageStartingWith("Cannot deserialize record at " + ClickEventsApp.CLICKS_TOPIC + "-")
                .hasMessageContaining("in node \"" + ClickEventsApp.CLICKS_TOPIC + "\": Cannot deserialize json(ClickEvent): malformed JSON");
    }

    @Test
    void aWrongTypedFieldNamesTheFieldTheExpectedAndTheActualType() {
        String json = "{\"email\":\"a@b\",\"timestamp\":\"t\",\"uri\":\"/x\",\"number\":\"12x\"}";
        RecordProcessingException e = (RecordProcessingException) org.assertj.core.api.Assertions.catchThrowable(() ->
                driver.input(example.clicks).sendRaw("u1".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));

        assertThat(e.stage()).isEqualTo(RecordProcessingException.Stage.DESERIALIZATION);
        assertThat(e.topic()).isEqualTo(ClickEventsApp.CLICKS_TOPIC);
        assertThat(e.offset()).isZero();
        assertThat(e).hasMessageContaining("Cannot deserialize json(ClickEvent): field \"number\" expected int, got string \"12x\"");
    }

    @Test
    void theTopologyDescribesEveryPart() {
        String described = example.app.topology().describe();

        assertThat(described).contains("Filter: popular", "Processor: score (mapValues)", "Repartition: by-uri",
                "Processor: batch (take)", "Processor: " + ClickEventsApp.CLICKS_TOPIC + ".agent (agent)");
    }
}
