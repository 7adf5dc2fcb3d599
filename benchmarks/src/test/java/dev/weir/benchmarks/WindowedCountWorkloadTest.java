package dev.weir.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.Topic;
import dev.weir.dsl.Windowed;
import dev.weir.serdes.Serdes;
import dev.weir.testkit.TestDriver;
import dev.weir.topology.Topology;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weir and Kafka Streams count the same per user and window, and the benchmark reads both engines' windowed keys right. */
class WindowedCountWorkloadTest {

    @TempDir
    Path stateDir;

    @Test
    @SuppressWarnings("unchecked")
    void bothEnginesCountEveryRecordOnceInItsWindow() throws Exception {
        int n = 3_000;
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Topology topology = CountWorkload.weirWindowedTopology("wc", "in", "out");
        Map<ByteBuffer, Long> weirLast = new HashMap<>();
        try (TestDriver driver = TestDriver.create(topology)) {
            Topic<String, String> in = (Topic<String, String>) topology.topics().get("in");
            for (int seq = 0; seq < n; seq++) {
                driver.input(in).send(StatelessWorkload.key(seq), StatelessWorkload.value(seq), t0.plusMillis(seq * 50L));
            }
            Topic<Windowed<String>, Long> out = (Topic<Windowed<String>, Long>) topology.topics().get("out");
            driver.output(out).readKeyValues().forEach(kv ->
                    weirLast.put(ByteBuffer.wrap(Windowed.serde(Serdes.string()).serialize(kv.key())), kv.value()));
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "wc");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir.resolve("streams")).toString());
        Map<ByteBuffer, Long> streamsLast = new HashMap<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(CountWorkload.kafkaStreamsWindowedTopology("in", "out"), props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            for (int seq = 0; seq < n; seq++) {
                in.pipeInput(StatelessWorkload.key(seq), StatelessWorkload.value(seq), t0.plusMillis(seq * 50L));
            }
            driver.createOutputTopic("out", new ByteArrayDeserializer(), new LongDeserializer()).readKeyValuesToList()
                    .forEach(kv -> streamsLast.put(ByteBuffer.wrap(kv.key), kv.value));
        }

        Map<String, Long> weir = totals(weirLast, true);
        Map<String, Long> streams = totals(streamsLast, false);
        assertThat(weirLast).hasSameSizeAs(streamsLast).hasSize(n);   // 150 s of records: each user once, in one of 3 windows
        assertThat(weir).isEqualTo(streams).hasSize(n);
        weir.forEach((user, count) -> assertThat(count).isEqualTo(CountWorkload.expectedCount(user, n)));
    }

    private static Map<String, Long> totals(Map<ByteBuffer, Long> lastPerWindow, boolean weir) {
        Map<String, Long> out = new HashMap<>();
        lastPerWindow.forEach((k, v) -> out.merge(CountWorkload.windowedUser(k.array(), weir), v, Long::sum));
        return out;
    }
}
