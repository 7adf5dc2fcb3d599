package dev.weir.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
 *
 * <p>{@linkplain #startExactlyOnce Exactly-once}, the same loop the way Kafka's own
 * consume-transform-produce example does it: a transactional producer, a read-committed
 * consumer, and every {@link ClientSettings#EXACTLY_ONCE_COMMIT_INTERVAL} the consumed positions
 * sent into the open transaction ({@code sendOffsetsToTransaction} with the consumer's group
 * metadata), which then commits; the loop waits for each commit. The physical limit of
 * exactly-once on this machine, for the engines' exactly-once to be measured against.
 */
final class PlainClientLoop implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final String input;
    private final String output;
    private final boolean exactlyOnce;
    private final Duration commitInterval;
    private boolean inTransaction;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private PlainClientLoop(String bootstrapServers, String group, String input, String output, boolean exactlyOnce) {
        Map<String, Object> c = new HashMap<>(ClientSettings.consumer());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-consumer");
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> p = new HashMap<>(ClientSettings.producer());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, group + "-producer");
        if (exactlyOnce) {
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "-loop");
            p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, ClientSettings.EXACTLY_ONCE_RETRY_BACKOFF_MS);
        }
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.input = input;
        this.output = output;
        this.exactlyOnce = exactlyOnce;
        this.commitInterval = exactlyOnce ? ClientSettings.EXACTLY_ONCE_COMMIT_INTERVAL : ClientSettings.COMMIT_INTERVAL;
        this.thread = new Thread(this::run, group + "-loop");
    }

    /** Creates the clients and starts the loop's thread. */
    static PlainClientLoop start(String bootstrapServers, String group, String input, String output) {
        PlainClientLoop loop = new PlainClientLoop(bootstrapServers, group, input, output, false);
        loop.thread.start();
        return loop;
    }

    /** Creates the clients of the transactional loop and starts its thread. */
    static PlainClientLoop startExactlyOnce(String bootstrapServers, String group, String input, String output) {
        PlainClientLoop loop = new PlainClientLoop(bootstrapServers, group, input, output, true);
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
            if (exactlyOnce) {
                producer.initTransactions();
            }
            consumer.subscribe(List.of(input));
            long lastCommit = System.currentTimeMillis();
            while (running) {
                try {
                    ConsumerRecords<String, String> records = consumer.poll(POLL);
                    if (exactlyOnce && !inTransaction && !records.isEmpty()) {
                        producer.beginTransaction();
                        inTransaction = true;
                    }
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
                    if (System.currentTimeMillis() - lastCommit >= commitInterval.toMillis()) {
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

    /**
     * At-least-once: output first, then the offsets of what produced it. Exactly-once: the
     * consumed positions into the open transaction, which then commits with the output.
     */
    private void commit() {
        if (exactlyOnce) {
            if (inTransaction) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (TopicPartition tp : consumer.assignment()) {
                    offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
                inTransaction = false;
            }
            checkHealthy();
            return;
        }
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
