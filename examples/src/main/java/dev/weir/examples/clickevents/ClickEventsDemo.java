package dev.weir.examples.clickevents;

import dev.weir.dsl.Topic;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import dev.weir.serdes.Headers;
import dev.weir.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo: starts an embedded Kafka broker, runs the click-events app on it with a worker,
 * feeds it generated clicks, prints what comes out and a summary, and exits. With
 * {@code --forever} it keeps generating clicks until Ctrl-C.
 *
 * <pre>
 * ./mvnw -q -Pdemo -pl examples -am -DskipTests package                              # the README's demo
 * ./mvnw -q -Pdemo -pl examples -am -DskipTests package -Dexec.args="--forever"     # until Ctrl-C
 * </pre>
 */
public final class ClickEventsDemo {

    private static final String[] URIS = {"/", "/about", "/products", "/products/42", "/cart", "/checkout",
            "https://shop.example.com/pay", "/blog", "/blog/weir", "/contact"};
    private static final String[] EMAILS = {"ada@example.com", "linus@example.com", "grace@example.com",
            "alan@example.com", "barbara@example.com"};

    private ClickEventsDemo() {
    }

    public static void main(String[] args) throws Exception {
        boolean forever = List.of(args).contains("--forever");
        int events = 200;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--events")) {
                events = Integer.parseInt(args[i + 1]);
            }
        }
        System.exit(run(events, forever));
    }

    static int run(int events, boolean forever) throws Exception {
        AtomicInteger printed = new AtomicInteger();
        ClickEventsApp example = new ClickEventsApp(line -> {
            printed.incrementAndGet();
            System.out.println("  [agent] " + line);
        });
        Path stateDir = Files.createTempDirectory("weir-demo-state");
        System.out.println("Starting an embedded Kafka broker...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (Topic<?, ?> t : example.app.topics()) {
                kafka.createTopic(t.name(), 4);
            }
            System.out.println("Broker at " + kafka.bootstrapServers() + "; topics " + example.app.topics().stream().map(Topic::name).toList());
            System.out.println(example.app.topology().describe());

            WorkerConfig config = WorkerConfig.builder(kafka.bootstrapServers()).threads(2).stateDir(stateDir)
                    .commitInterval(Duration.ofMillis(500)).build();
            try (Worker worker = Worker.start(example.app.topology(), config);
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new ByteArraySerializer(),
                         new ByteArraySerializer())) {
                System.out.println("Worker running; sending " + (forever ? "clicks until Ctrl-C" : events + " clicks") + "...");
                Random random = new Random(42);
                int popularSent = 0;
                int sent = 0;
                if (forever) {
                    CountDownLatch stop = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                    while (stop.getCount() > 0) {
                        popularSent += send(producer, example.clicks, random) ? 1 : 0;
                        sent++;
                        Thread.sleep(100);
                    }
                } else {
                    for (; sent < events; sent++) {
                        popularSent += send(producer, example.clicks, random) ? 1 : 0;
                    }
                }
                producer.flush();

                Map<String, Integer> counts = readOutputs(kafka, example, popularSent, sent);
                int deadline = 0;
                while (printed.get() < sent && deadline++ < 100) {
                    Thread.sleep(100);
                }
                System.out.println();
                System.out.println("Summary");
                System.out.printf("  clicks sent                        %6d%n", sent);
                System.out.printf("  clicks printed by the agent        %6d%n", printed.get());
                System.out.printf("  popular (number >= 100) sent       %6d%n", popularSent);
                System.out.printf("  popular-uris records, keyed by URI %6d%n", counts.get("popular-uris"));
                System.out.printf("  scored-clicks records              %6d%n", counts.get("scored-clicks"));
                System.out.printf("  clicks-by-uri records (regrouped)  %6d%n", counts.get("clicks-by-uri"));
                System.out.printf("  uri-summary updates (30 s windows) %6d%n", counts.get("uri-summary"));
                System.out.printf("  tasks run by the worker            %6d  %s%n", worker.tasks().size(), worker.tasks());
                boolean ok = counts.get("popular-uris") == popularSent && counts.get("scored-clicks") >= sent
                        && counts.get("clicks-by-uri") >= sent && counts.get("uri-summary") >= sent && printed.get() >= sent;
                System.out.println(ok ? "Every click was processed." : "Some output is missing: see the counts above.");
                return ok ? 0 : 1;
            }
        } finally {
            deleteRecursively(stateDir);
        }
    }

    private static boolean send(KafkaProducer<byte[], byte[]> producer, Topic<String, ClickEvent> clicks, Random random) {
        ClickEvent e = new ClickEvent(EMAILS[random.nextInt(EMAILS.length)], Instant.now().toString(),
                URIS[random.nextInt(URIS.length)], random.nextInt(200));
        Headers headers = Headers.create();
        byte[] key = clicks.keySerde().serialize(clicks.name(), headers, UUID.randomUUID().toString());
        byte[] value = clicks.valueSerde().serialize(clicks.name(), headers, e);
        producer.send(new ProducerRecord<>(clicks.name(), key, value));
        return e.number() >= 100;
    }

    /** Reads the output topics until they hold what the input implies, or 60 s pass; prints the popular URIs. */
    private static Map<String, Integer> readOutputs(EmbeddedKafka kafka, ClickEventsApp example, int popular, int sent) {
        Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Integer> counts = new HashMap<>();
        List<String> topics = List.of("popular-uris", "scored-clicks", "clicks-by-uri", "uri-summary");
        topics.forEach(t -> counts.put(t, 0));
        Map<String, Integer> popularByUri = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                consumer.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline
                    && (counts.get("popular-uris") < popular || counts.get("scored-clicks") < sent || counts.get("clicks-by-uri") < sent
                        || counts.get("uri-summary") < sent)) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    counts.merge(r.topic(), 1, Integer::sum);
                    if (r.topic().equals("popular-uris")) {
                        popularByUri.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                    }
                });
            }
        }
        System.out.println();
        System.out.println("Popular URIs (number >= 100), as read from topic popular-uris:");
        popularByUri.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %-32s %4d%n", e.getKey(), e.getValue()));
        return counts;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
