package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the join tests on Kafka share: their worker configuration and the check of joined records. */
final class JoinChecks {

    static final Map<String, Object> READ_COMMITTED = Map.of("isolation.level", "read_committed");

    private JoinChecks() {
    }

    /** Exactly-once, 100 ms commits, and a session timeout short enough for the tests' worker moves. */
    static WorkerConfig exactlyOnce(String servers, Path stateDir) {
        return WorkerConfig.builder(servers).stateDir(stateDir).guarantee(Guarantee.EXACTLY_ONCE)
                .commitInterval(Duration.ofMillis(100))
                .consumerConfig("session.timeout.ms", 6000).consumerConfig("heartbeat.interval.ms", 1000)
                .build();
    }

    /**
     * Waits (read committed) for {@code expected.size()} records {@code id=value} on {@code topic} and fails on an id joined
     * twice, or listing (at most 10 of) the ids joined wrongly or missing.
     */
    static void assertJoinedOnce(String servers, String topic, Map<String, String> expected, String why) {
        List<ConsumerRecord<byte[], byte[]>> read = KafkaIO.readUntil(servers, topic, Duration.ofSeconds(90),
                r -> r.size() >= expected.size(), READ_COMMITTED);
        Map<String, String> actual = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read) {
            String[] idAndValue = KafkaIO.text(r.value()).split("=", 2);
            String previous = actual.put(idAndValue[0], idAndValue[1]);
            assertThat(previous).as("%s joined twice (at %s-%d@%d)", idAndValue[0], r.topic(), r.partition(), r.offset()).isNull();
        }
        List<String> wrong = expected.entrySet().stream().filter(e -> !e.getValue().equals(actual.get(e.getKey())))
                .map(e -> e.getKey() + ": expected " + e.getValue() + ", got " + actual.get(e.getKey())).sorted().toList();
        assertThat(wrong).as("%s: %d of %d joined wrongly or missing; first ones: %s", why, wrong.size(), expected.size(),
                wrong.subList(0, Math.min(10, wrong.size()))).isEmpty();
        assertThat(actual).hasSameSizeAs(expected);
    }

    /** The records the worker's tasks have restored from changelogs so far. */
    static double restored(Worker worker) {
        return worker.metrics().find("weir.restore.records").counters().stream().mapToDouble(Counter::count).sum();
    }
}
