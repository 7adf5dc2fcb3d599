package dev.weir.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.testkit.TestDriver;
import dev.weir.testkit.TestInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workload is what the benchmarks say it is, and Weir and Kafka Streams compute the same output from it. */
class StatelessWorkloadTest {

    @TempDir
    Path stateDir;

    @Test
    void recordsHaveTenThousandKeysAndHundredByteValuesCarryingTheirSequenceNumber() {
        Set<String> keys = new HashSet<>();
        for (long seq = 0; seq < 25_000; seq++) {
            String value = StatelessWorkload.value(seq);
            assertThat(StatelessWorkload.utf8(value)).hasSize(StatelessWorkload.VALUE_BYTES);
            assertThat(StatelessWorkload.seqOf(value)).isEqualTo(seq);
            assertThat(StatelessWorkload.seqOf(StatelessWorkload.transform(value))).isEqualTo(seq);
            keys.add(StatelessWorkload.key(seq));
        }
        assertThat(keys).hasSize(StatelessWorkload.DISTINCT_KEYS);
        assertThat(StatelessWorkload.value(42)).startsWith("seq=0000000042;user=key-00042;payload=");
    }

    @Test
    void expectedOutputsCountsTheRecordsTheFilterKeeps() {
        for (long records : new long[] {0, 1, 9, 10, 11, 19, 20, 21, 10_000, 1_000_000, 99_999}) {
            long kept = 0;
            for (long seq = 0; seq < records; seq++) {
                if (StatelessWorkload.keep(StatelessWorkload.value(seq))) {
                    kept++;
                }
            }
            assertThat(StatelessWorkload.expectedOutputs(records)).as("records=" + records).isEqualTo(kept);
        }
    }

    @Test
    void weirAndKafkaStreamsProduceTheSameVerifiedOutput() throws Exception {
        int n = 1_000;
        StatelessWorkload.WeirApp app = StatelessWorkload.weirApp("workload-test", "in", "out");
        List<KeyValue<String, String>> weir = new ArrayList<>();
        try (TestDriver driver = TestDriver.create(app.topology())) {
            TestInput<String, String> in = driver.input(app.input());
            for (int seq = 0; seq < n; seq++) {
                in.send(StatelessWorkload.key(seq), StatelessWorkload.value(seq));
            }
            driver.output(app.output()).readKeyValues().forEach(kv -> weir.add(KeyValue.pair(kv.key(), kv.value())));
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "workload-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir.resolve("streams")).toString());
        List<KeyValue<String, String>> streams;
        try (TopologyTestDriver driver = new TopologyTestDriver(StatelessWorkload.kafkaStreamsTopology("in", "out"), props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            for (int seq = 0; seq < n; seq++) {
                in.pipeInput(StatelessWorkload.key(seq), StatelessWorkload.value(seq));
            }
            streams = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer()).readKeyValuesToList();
        }
        assertThat(weir).isEqualTo(streams);
        OutputCheck check = new OutputCheck("test", n);
        weir.forEach(kv -> check.accept(kv.key, kv.value));
        check.verify();
        assertThat(check.count()).isEqualTo(900);
    }
}
