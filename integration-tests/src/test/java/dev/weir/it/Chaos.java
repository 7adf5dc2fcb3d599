package dev.weir.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.Guarantee;
import dev.weir.runtime.WorkerConfig;
import dev.weir.serdes.Serdes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the chaos tests share: worker settings, a paced order feed, a read-committed reader of counts, child JVMs. */
final class Chaos {

    private static final Logger log = LoggerFactory.getLogger(Chaos.class);

    private Chaos() {
    }

    /** Short session timeout so that a dead or frozen worker's tasks move in seconds. */
    static WorkerConfig.Builder workerConfig(String servers, Path stateDir, Guarantee guarantee) {
        return WorkerConfig.builder(servers).stateDir(stateDir).guarantee(guarantee)
                .consumerConfig("session.timeout.ms", 6000)
                .consumerConfig("heartbeat.interval.ms", 1000);
    }

    static String customer(int i, int customers) {
        return "customer-" + (i % customers);
    }

    /** A producer that waits out a broker outage of a minute and writes every record once. */
    static KafkaProducer<byte[], byte[]> patientProducer(String servers) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 180_000);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Sends orders {@code from} (inclusive) to {@code to} (exclusive), flushing every {@code chunk}
     * and calling {@code atChunk} with the number sent so far; pauses briefly between chunks so
     * that records keep flowing while the test disturbs the workers.
     */
    static void produce(KafkaProducer<byte[], byte[]> producer, int from, int to, int customers, int chunk,
                        java.util.function.IntConsumer atChunk) throws InterruptedException {
        for (int i = from; i < to; i++) {
            String c = customer(i, customers);
            producer.send(new ProducerRecord<>(Counts.ORDERS, KafkaIO.utf8("order-" + i), KafkaIO.utf8(Orders.json("order-" + i, c, 1))));
            if ((i + 1 - from) % chunk == 0) {
                producer.flush();
                atChunk.accept(i + 1);
                Thread.sleep(20);
            }
        }
        producer.flush();
    }

    /** Each customer's true count after orders 0 (inclusive) to {@code total} (exclusive). */
    static Map<String, Long> trueCounts(int total, int customers) {
        Map<String, Long> out = new HashMap<>();
        for (int i = 0; i < total; i++) {
            out.merge(customer(i, customers), 1L, Long::sum);
        }
        return out;
    }

    /**
     * Reads a topic of string keys and long values with {@code isolation.level=read_committed}
     * from the start until {@code done} holds for the values read per key (in order) or
     * {@code timeout} passes; returns them.
     */
    static Map<String, List<Long>> readCommitted(String servers, String topic, Duration timeout,
                                                 Predicate<Map<String, List<Long>>> done) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "chaos-reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        Map<String, List<Long>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(KafkaIO.text(r.key()), k -> new ArrayList<>())
                            .add(r.value() == null ? null : Serdes.longs().deserialize(r.value()));
                }
            }
        }
        return out;
    }

    /** Whether every key's last value is at least its expected count. */
    static boolean reached(Map<String, List<Long>> values, Map<String, Long> expected) {
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            List<Long> v = values.get(e.getKey());
            if (v == null || v.isEmpty() || v.get(v.size() - 1) == null || v.get(v.size() - 1) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The last value of each key. */
    static Map<String, Long> last(Map<String, List<Long>> values) {
        Map<String, Long> out = new HashMap<>();
        values.forEach((k, v) -> out.put(k, v.get(v.size() - 1)));
        return out;
    }

    /** Exactly-once: each customer's counts in the output are 1, 2, ..., n, each once and in order. */
    static void assertExactlyOnceCounts(Map<String, List<Long>> output, Map<String, Long> expected) {
        assertThat(output.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            List<Long> seen = output.get(e.getKey());
            List<Long> want = new ArrayList<>();
            for (long n = 1; n <= e.getValue(); n++) {
                want.add(n);
            }
            if (!seen.equals(want)) {
                wrong.add(e.getKey() + ": " + describeDifference(seen, want));
                if (wrong.size() == 1) {
                    log.error("Committed counts of {}: {}", e.getKey(), seen);
                }
            }
        }
        assertThat(wrong).as("customers whose committed counts are not exactly 1..n").isEmpty();
    }

    private static String describeDifference(List<Long> seen, List<Long> want) {
        int i = 0;
        while (i < Math.min(seen.size(), want.size()) && seen.get(i).equals(want.get(i))) {
            i++;
        }
        return "expected " + want.size() + " counts, got " + seen.size() + "; first difference at position " + i + ": "
                + seen.subList(i, Math.min(seen.size(), i + 5)) + " instead of " + want.subList(i, Math.min(want.size(), i + 5));
    }

    /** A worker in its own JVM, whose output lines the test can wait for; signalled only by its own PID. */
    static final class Child implements AutoCloseable {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();

        Child(Process process) {
            this.process = process;
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                        if (line.startsWith("RUNNING") || line.startsWith("STOPPED") || line.contains("ERROR")
                                || line.contains("WARN dev.weir")) {
                            log.info("[child {}] {}", process.pid(), line);
                        }
                    }
                } catch (IOException e) {
                    // The child was killed: its output ends here.
                }
            }, "child-" + process.pid() + "-output");
            pump.setDaemon(true);
            pump.start();
        }

        static Child start(String servers, String app, Path stateDir, Guarantee guarantee, String... configs) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), CountingWorkerProcess.class.getName(),
                    servers, app, stateDir.toString(), guarantee.name()));
            Collections.addAll(cmd, configs);
            return new Child(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        }

        /** Waits until the child runs at least one task. */
        void awaitRunningTasks(Duration timeout) throws InterruptedException {
            KafkaIO.await("the worker process (pid " + process.pid() + ") to run tasks", timeout,
                    () -> lines.stream().anyMatch(l -> l.startsWith("RUNNING [") && !l.equals("RUNNING []")));
        }

        boolean printed(String fragment) {
            return lines.stream().anyMatch(l -> l.contains(fragment));
        }

        void signal(String signal) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
