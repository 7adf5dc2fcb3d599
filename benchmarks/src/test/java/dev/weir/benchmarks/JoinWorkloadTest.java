package dev.weir.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.testkit.TestDriver;
import dev.weir.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weir and Kafka Streams compute the same, checked, join from the workload. */
class JoinWorkloadTest {

    @TempDir
    Path stateDir;

    @Test
    @SuppressWarnings("unchecked")
    void weirAndKafkaStreamsJoinTheSameRecordsWithTheSameProfiles() throws Exception {
        int users = 200;
        int n = 1_000;
        Topology topology = JoinWorkload.weirTopology("join-test", "in", "users", "out", TableOptions.inMemory());
        List<KeyValue<String, String>> weir = new ArrayList<>();
        try (TestDriver driver = TestDriver.create(topology)) {
            for (int u = 0; u < users; u++) {
                driver.input((Topic<String, String>) topology.topics().get("users"))
                        .send(StatelessWorkload.key(u), JoinWorkload.profile(StatelessWorkload.key(u)));
            }
            for (int seq = 0; seq < n; seq++) {
                driver.input((Topic<String, String>) topology.topics().get("in")).send(StatelessWorkload.key(seq), StatelessWorkload.value(seq));
            }
            driver.output((Topic<String, String>) topology.topics().get("out")).readKeyValues()
                    .forEach(kv -> weir.add(KeyValue.pair(kv.key(), kv.value())));
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "join-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir.resolve("streams")).toString());
        List<KeyValue<String, String>> streams;
        try (TopologyTestDriver driver = new TopologyTestDriver(JoinWorkload.kafkaStreamsTopology("in", "users", "out"), props)) {
            TestInputTopic<String, String> profiles = driver.createInputTopic("users", new StringSerializer(), new StringSerializer());
            for (int u = 0; u < users; u++) {
                profiles.pipeInput(StatelessWorkload.key(u), JoinWorkload.profile(StatelessWorkload.key(u)));
            }
            TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            for (int seq = 0; seq < n; seq++) {
                in.pipeInput(StatelessWorkload.key(seq), StatelessWorkload.value(seq));
            }
            streams = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer()).readKeyValuesToList();
        }

        assertThat(weir).hasSize(users).isEqualTo(streams);
        weir.forEach(kv -> JoinWorkload.check(kv.key, kv.value));
        assertThatThrownBy(() -> JoinWorkload.check("key-00001", weir.get(0).value)).isInstanceOf(IllegalStateException.class);
    }
}
