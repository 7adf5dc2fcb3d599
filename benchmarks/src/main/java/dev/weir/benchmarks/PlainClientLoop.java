package dev.weir.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The physical limit: one thread with a {@link KafkaConsumer} and a {@link KafkaProducer} doing
 * {@link StatelessWorkload}'s filter and map by hand, at-least-once the way Weir and Kafka
 * Streams do it: every {@link ClientSettings#COMMIT_INTERVAL} it flushes the producer, then
 * commits the consumed offsets. It deserializes and serializes keys and values as strings, like
 * the other contenders, and forwards timestamps and headers as they do.
 */
final class PlainClientLoop implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final String input;
    private final String output;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private PlainClientLoop(String bootstrapServers, String group, String input, String output) {
        Map<String, Object> c = new HashMap<>(ClientSettings.consumer());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-consumer");
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> p = new HashMap<>(ClientSettings.producer());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, group + "-producer");
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.input = input;
        this.output = output;
        this.thread = new Thread(this::run, group + "-loop");
    }

    /** Creates the clients and starts the loop's thread. */
    static PlainClientLoop start(String bootstrapServers, String group, String input, String output) {
        PlainClientLoop loop = new PlainClientLoop(bootstrapServers, group, input, output);
        loop.thread.start();
        return loop;
    }

    /** @throws IllegalStateException when the loop failed */
    void checkHealthy() {
        Throwable t = failure;
        if (t != null) {
            throw new IllegalStateException("The plain client loop failed: " + t, t);
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(input));
            long lastCommit = System.currentTimeMillis();
            while (running) {
                try {
                    ConsumerRecords<String, String> records = consumer.poll(POLL);
                    for (ConsumerRecord<String, String> r : records) {
                        if (StatelessWorkload.keep(r.value())) {
                            producer.send(new ProducerRecord<>(output, null, r.timestamp(), r.key(),
                                    StatelessWorkload.transform(r.value()), r.headers()), (metadata, e) -> {
                                        if (e != null && failure == null) {
                                            failure = e;
                                        }
                                    });
                        }
                    }
                    if (System.currentTimeMillis() - lastCommit >= ClientSettings.COMMIT_INTERVAL.toMillis()) {
                        commit();
                        lastCommit = System.currentTimeMillis();
                    }
                } catch (WakeupException e) {
                    // close() wakes the consumer wherever it blocks (poll or commit); the wake-up is
                    // used up here, so the final commit below runs normally.
                    if (running) {
                        throw e;
                    }
                }
            }
            try {
                commit();
            } catch (WakeupException e) {
                // close()'s wake-up arrived after the loop had ended; it is used up now, so try again.
                commit();
            }
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Output first, then the offsets of what produced it: at-least-once. */
    private void commit() {
        producer.flush();
        checkHealthy();
        consumer.commitSync();
    }

    /** Stops the loop after a final flush and commit, and waits for it. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("The plain client loop did not stop within 30 s");
        }
        checkHealthy();
    }
}
