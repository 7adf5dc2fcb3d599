package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Processor;
import dev.weir.dsl.ProcessorContext;
import dev.weir.dsl.Record;
import dev.weir.dsl.Stream;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serdes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamOperationsTest {

    private final App app = App.create("ops");
    private final Topic<String, String> in = app.topic("in", Serdes.string(), Serdes.string());
    private final Topic<String, String> out = app.topic("out", Serdes.string(), Serdes.string());
    private final Topic<String, Integer> ints = app.topic("ints", Serdes.string(), Serdes.ints());

    private TestDriver run() {
        return TestDriver.create(app.topology());
    }

    @Test
    void filterAndFilterNotKeepAndDropByValueOrKey() {
        app.stream(in).filter(v -> v.startsWith("a")).filterNotWithKey((k, v) -> k.equals("skip")).to(out);
        try (TestDriver d = run()) {
            d.input(in).send("k1", "apple").send("k2", "banana").send("skip", "avocado").send("k3", "apricot");
            assertThat(d.output(out).readKeyValues()).containsExactly(KeyValue.of("k1", "apple"), KeyValue.of("k3", "apricot"));
        }
    }

    @Test
    void mapMapValuesAndSelectKeyTransformKeysAndValues() {
        app.stream(in).map((k, v) -> KeyValue.of(v, k)).mapValues(String::toUpperCase).mapValuesWithKey((k, v) -> k + ":" + v)
                .selectKey(v -> v.substring(0, 1)).to(out);
        try (TestDriver d = run()) {
            d.input(in).send("key", "value");
            assertThat(d.output(out).readKeyValues()).containsExactly(KeyValue.of("v", "value:KEY"));
        }
    }

    @Test
    void flatMapAndFlatMapValuesEmitZeroOrMoreRecords() {
        app.stream(in).flatMapValues(v -> List.of(v.split(" "))).flatMap((k, v) -> v.isEmpty() ? List.of()
                : List.of(KeyValue.of(k + "-1", v), KeyValue.of(k + "-2", v))).to(out);
        try (TestDriver d = run()) {
            d.input(in).send("k", "a b");
            assertThat(d.output(out).readKeyValues()).containsExactly(
                    KeyValue.of("k-1", "a"), KeyValue.of("k-2", "a"), KeyValue.of("k-1", "b"), KeyValue.of("k-2", "b"));
        }
    }

    @Test
    void peekAndForeachSeeEveryRecord() {
        List<String> peeked = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        Stream<String, String> s = app.stream(in).peekWithKey((k, v) -> peeked.add(k));
        s.to(out);
        s.foreach(seen::add);
        try (TestDriver d = run()) {
            d.input(in).send("a", "1").send("b", "2");
            assertThat(peeked).containsExactly("a", "b");
            assertThat(seen).containsExactly("1", "2");
            assertThat(d.output(out).readValues()).containsExactly("1", "2");
        }
    }

    @Test
    void mergeCombinesTwoStreams() {
        Topic<String, String> other = app.topic("other", Serdes.string(), Serdes.string());
        app.stream(in).merge(app.stream(other)).to(out);
        try (TestDriver d = run()) {
            d.input(in).send("a", "from-in");
            d.input(other).send("b", "from-other");
            assertThat(d.output(out).readValues()).containsExactly("from-in", "from-other");
        }
    }

    @Test
    void splitRoutesEachRecordToTheFirstMatchingBranchOrTheDefault() {
        Topic<String, String> big = app.topic("big", Serdes.string(), Serdes.string());
        Map<String, Stream<String, String>> b = app.stream(in).split("size")
                .branch("big", v -> v.length() > 5)
                .branch("also-big", v -> v.length() > 3)
                .defaultBranch("small");
        b.get("big").to(big);
        b.get("also-big").mapValues(v -> "mid:" + v).to(out);
        b.get("small").mapValues(v -> "small:" + v).to(out);
        try (TestDriver d = run()) {
            d.input(in).send("1", "enormous").send("2", "four").send("3", "ab");
            assertThat(d.output(big).readValues()).containsExactly("enormous");
            assertThat(d.output(out).readValues()).containsExactly("mid:four", "small:ab");
        }
    }

    @Test
    void addProcessorAppliesValueCallbacksInOrder() {
        app.stream(in).addProcessor(v -> v + "1").addProcessor(v -> v + "2").to(out);
        try (TestDriver d = run()) {
            d.input(in).send("k", "v");
            assertThat(d.output(out).readValues()).containsExactly("v12");
        }
    }

    @Test
    void processorSeesKeyHeadersTimestampAndWhereTheRecordCameFrom() {
        List<String> seen = new ArrayList<>();
        app.stream(in).process("inspect", () -> new Processor<String, String, String, String>() {
            private ProcessorContext<String, String> ctx;

            @Override
            public void init(ProcessorContext<String, String> context) {
                this.ctx = context;
            }

            @Override
            public void process(Record<String, String> r) {
                seen.add(ctx.appId() + " " + ctx.taskId() + " " + ctx.nodeName() + " " + ctx.topic() + "-" + ctx.partition()
                        + "@" + ctx.offset() + " " + r.key() + " " + r.timestamp() + " " + r.headers().lastString("trace"));
                ctx.forward(r.withValue(r.value() + "!"));
            }
        }).to(out);
        try (TestDriver d = run()) {
            d.input(in).send("k", "v", 1234L, Headers.of("trace", "t-1"));
            d.input(in).send("k", "w", 1235L, Headers.of("trace", "t-2"));
            assertThat(seen).containsExactly("ops 0_0 inspect in-0@0 k 1234 t-1", "ops 0_0 inspect in-0@1 k 1235 t-2");
            List<TestRecord<String, String>> records = d.output(out).readRecords();
            assertThat(records).extracting(TestRecord::value).containsExactly("v!", "w!");
            assertThat(records).extracting(TestRecord::timestamp).containsExactly(1234L, 1235L);
            assertThat(records.get(0).headers().lastString("trace")).isEqualTo("t-1");
        }
    }

    @Test
    void agentSeesEventsAndSendsToOtherTopics() {
        List<String> printed = new ArrayList<>();
        app.agent(in, printed::add);
        app.agent("long-words", in, (event, ctx) -> {
            if (event.value().length() > 3) {
                ctx.send(out, event.key(), "long:" + event.value());
                ctx.send(ints, event.key(), event.value().length());
            }
        });
        try (TestDriver d = run()) {
            d.input(in).send("a", "hi", 5L).send("b", "hello", 7L);
            assertThat(printed).containsExactly("hi", "hello");
            TestRecord<String, String> sent = d.output(out).readRecord();
            assertThat(sent.key()).isEqualTo("b");
            assertThat(sent.value()).isEqualTo("long:hello");
            assertThat(sent.timestamp()).isEqualTo(7L);
            assertThat(d.output(ints).readKeyValues()).containsExactly(KeyValue.of("b", 5));
        }
    }

    @Test
    void toWithAKeyFunctionRekeysAndKeepsTheEventTime() {
        app.stream(in).to(out, v -> "key-of-" + v);
        try (TestDriver d = run()) {
            d.input(in).send(null, "x", 42L);
            TestRecord<String, String> r = d.output(out).readRecord();
            assertThat(r.key()).isEqualTo("key-of-x");
            assertThat(r.timestamp()).isEqualTo(42L);
        }
    }

    @Test
    void anExceptionInUserCodeNamesTheNodeAndTheRecordsPosition() {
        app.stream(in).mapValues(v -> Integer.parseInt(v)).named("parse").foreach(v -> { });
        try (TestDriver d = run()) {
            d.input(in).send("k", "1");
            assertThatThrownBy(() -> d.input(in).send("k", "x1"))
                    .isInstanceOf(dev.weir.runtime.engine.RecordProcessingException.class)
                    .hasMessageContaining("Cannot process record at in-0@1 in node \"parse\"")
                    .hasMessageContaining("NumberFormatException");
        }
    }
}
