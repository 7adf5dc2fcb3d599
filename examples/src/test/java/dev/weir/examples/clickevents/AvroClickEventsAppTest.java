package dev.weir.examples.clickevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.weir.dsl.KeyValue;
import dev.weir.examples.clickevents.avro.ClickEventAvro;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.serdes.Headers;
import dev.weir.serdes.avro.AvroSerdes;
import dev.weir.serdes.avro.RegisteredSchema;
import dev.weir.serdes.avro.SchemaRegistry;
import dev.weir.testkit.TestDriver;
import dev.weir.testkit.TestRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AvroClickEventsAppTest {

    private final SchemaRegistry registry = SchemaRegistry.inMemory();
    private final List<String> printed = new ArrayList<>();
    private final AvroClickEventsApp example = new AvroClickEventsApp(registry, printed::add);
    private TestDriver driver;

    @BeforeEach
    void start() {
        driver = TestDriver.builder(example.app.topology()).partitions(AvroClickEventsApp.CLICKS_TOPIC, 4).build();
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static ClickEventAvro click(String uri, int number) {
        return new ClickEventAvro("user@example.com", "2026-01-01T00:00:00", uri, number, null);
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void popularClicksGoOutAsAvroKeyedByUri() {
        driver.input(example.clicks).send("u1", click("/home", 99)).send("u2", click("/cart", 100));

        assertThat(driver.output(example.popularUris).readKeyValues()).containsExactly(KeyValue.of("/cart", click("/cart", 100)));
        assertThat(printed).containsExactly("click /home #99 by user@example.com", "click /cart #100 by user@example.com");
    }

    @Test
    void everyTopicsSchemaIsInTheRegistryUnderItsValueSubject() {
        driver.input(example.clicks).send("u1", click("https://shop/pay", 600));

        assertThat(registry.latest(AvroClickEventsApp.CLICKS_TOPIC + "-value")).map(RegisteredSchema::schema)
                .contains(ClickEventAvro.getClassSchema());
        assertThat(registry.latest("popular-uris-avro-value")).isPresent();
        assertThat(registry.latest("scored-clicks-avro-value")).map(r -> r.schema().getName()).contains("ScoredClickEvent");
        assertThat(registry.latest("clickevents-avro-by-uri-repartition-value")).isPresent();
    }

    @Test
    void scoredClicksAreJavaRecordsWrittenThroughAvrosReflection() {
        driver.input(example.clicks).send("u1", click("/home", 7)).send("u2", click("https://shop/pay", 600));

        assertThat(driver.output(example.scoredClicks).readValues()).containsExactly(
                new ScoredClickEvent("user@example.com", "2026-01-01T00:00:00", "/home", 7, 7),
                new ScoredClickEvent("user@example.com", "2026-01-01T00:00:00", "https://shop/pay", 600, 1000));
    }

    @Test
    void groupByUriPutsEveryClickOfAUriInOnePartition() {
        for (int i = 0; i < 100; i++) {
            driver.input(example.clicks).send("user-" + i, click("/page/" + (i % 7), i));
        }

        List<TestRecord<String, ClickEventAvro>> regrouped = driver.output(example.clicksByUri).readRecords();
        assertThat(regrouped).hasSize(100);
        Map<String, Set<Integer>> partitions = new HashMap<>();
        regrouped.forEach(r -> partitions.computeIfAbsent(r.key(), k -> new HashSet<>()).add(r.partition()));
        assertThat(partitions).hasSize(7).allSatisfy((uri, parts) -> assertThat(parts).hasSize(1));
    }

    @Test
    void clicksFromAProducerThatPredatesTheReferrerFieldStillRead() {
        Schema before = new Schema.Parser().parse("""
                {"type": "record", "name": "ClickEventAvro", "namespace": "dev.weir.examples.clickevents.avro", "fields": [
                  {"name": "email", "type": "string"}, {"name": "timestamp", "type": "string"},
                  {"name": "uri", "type": "string"}, {"name": "number", "type": "int"}]}""");
        GenericRecord old = new GenericData.Record(before);
        old.put("email", "old@example.com");
        old.put("timestamp", "2025-12-31T23:59:59");
        old.put("uri", "/legacy");
        old.put("number", 150);
        byte[] value = AvroSerdes.generic(before).registry(registry).serialize(AvroClickEventsApp.CLICKS_TOPIC, Headers.create(), old);

        driver.input(example.clicks).sendRaw(key("u9"), value);

        assertThat(driver.output(example.popularUris).readValues())
                .containsExactly(new ClickEventAvro("old@example.com", "2025-12-31T23:59:59", "/legacy", 150, null));
    }

    @Test
    void aJsonPoisonRecordFailsDeserializationNamingWhatWasExpectedAndTheNextRecordStillFlows() {
        byte[] json = "{\"email\":\"a@b\",\"uri\":\"/x\",\"number\":1}".getBytes(StandardCharsets.UTF_8);

        Throwable thrown = catchThrowable(() -> driver.input(example.clicks).sendRaw(key("u1"), json));

        assertThat(thrown).isInstanceOf(RecordProcessingException.class);
        RecordProcessingException e = (RecordProcessingException) thrown;
        assertThat(e.stage()).isEqualTo(RecordProcessingException.Stage.DESERIALIZATION);
        assertThat(e.topic()).isEqualTo(AvroClickEventsApp.CLICKS_TOPIC);
        assertThat(e).hasMessageContaining("in node \"" + AvroClickEventsApp.CLICKS_TOPIC
                + "\": Cannot deserialize avro(ClickEventAvro, registry): expected magic byte 0, got 0x7b — is this JSON?");

        driver.input(example.clicks).send("u2", click("/after", 300));
        assertThat(driver.output(example.popularUris).readValues()).containsExactly(click("/after", 300));
    }

    @Test
    void aRecordWithAnUnknownSchemaIdNamesTheIdTheSubjectAndTheRegistry() {
        byte[] unknownId = {0, 0, 0, 0x03, (byte) 0xe7, 2, 'x'};

        Throwable thrown = catchThrowable(() -> driver.input(example.clicks).sendRaw(key("u1"), unknownId));

        assertThat(thrown).isInstanceOf(RecordProcessingException.class)
                .hasMessageContaining("Cannot deserialize avro(ClickEventAvro, registry): unknown schema id 999 in subject "
                        + AvroClickEventsApp.CLICKS_TOPIC + "-value (registry in-memory)");
    }

    @Test
    void theTopologyDescribesTheAvroSerdes() {
        String described = example.app.topology().describe();

        assertThat(described).contains("value: avro(ClickEventAvro, registry)",
                "Repartition: by-uri (topic: clickevents-avro-by-uri-repartition, key: from function, key serde: string, value serde: avro(ClickEventAvro, registry))");
    }
}
