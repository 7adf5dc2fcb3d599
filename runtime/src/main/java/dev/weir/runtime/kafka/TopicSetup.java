package dev.weir.runtime.kafka;

import dev.weir.dsl.Topic;
import dev.weir.runtime.WorkerException;
import dev.weir.runtime.engine.PartitionLayout;
import dev.weir.topology.Node;
import dev.weir.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the broker's topics fit the topology before anything is processed: creates missing
 * internal topics with the partition count their sub-topology needs, creates missing app
 * topics that declare a partition count, and refuses to start, naming each topic and count,
 * when a topic is missing or a sub-topology's sources are not co-partitioned.
 */
public final class TopicSetup {

    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /**
     * @param deadLetterTopic created with one partition when missing; null when not used
     * @return the partition layout the worker runs
     * @throws WorkerException naming the topics when the broker's topics do not fit
     */
    public static PartitionLayout prepare(Admin admin, Topology topology, String deadLetterTopic, Duration timeout) {
        Map<String, Topic<?, ?>> topics = topology.topics();
        Map<String, Integer> counts = describe(admin, new ArrayList<>(topics.keySet()), timeout);

        List<NewTopic> create = new ArrayList<>();
        for (Topic<?, ?> t : topics.values()) {
            if (!t.isInternal() && !counts.containsKey(t.name()) && t.options().partitionCount().isPresent()) {
                create.add(newTopic(t.name(), t.options().partitionCount().getAsInt(), t.options().configs()));
            }
        }
        createAll(admin, create, timeout);
        create.forEach(n -> counts.put(n.name(), n.numPartitions()));

        List<String> problems = new ArrayList<>();
        for (Node n : topology.nodes()) {
            if (n instanceof Node.Sink s && !counts.containsKey(s.topic().name())) {
                problems.add("Topic \"" + s.topic().name() + "\" (written by node \"" + s.name() + "\") does not exist; "
                        + "create it or declare it with TopicOptions.partitions(n) so Weir creates it.");
            }
        }
        java.util.Set<String> nodeTopics = new java.util.HashSet<>(topology.globalTables().keySet());
        for (Node n : topology.nodes()) {
            Topic<?, ?> t = Topology.topicOf(n);
            if (t != null) {
                nodeTopics.add(t.name());
            }
        }
        for (Topic<?, ?> t : topics.values()) {
            if (!nodeTopics.contains(t.name()) && !t.isInternal() && !counts.containsKey(t.name())) {
                problems.add("Topic \"" + t.name() + "\" (declared by the app for sending) does not exist; "
                        + "create it or declare it with TopicOptions.partitions(n) so Weir creates it.");
            }
        }
        PartitionLayout layout;
        try {
            layout = PartitionLayout.resolve(topology, counts::get);
        } catch (IllegalStateException e) {
            problems.add(0, e.getMessage());
            throw new WorkerException(String.join(" ", problems), e);
        }
        if (!problems.isEmpty()) {
            throw new WorkerException("Cannot run app \"" + topology.appId() + "\": " + String.join(" ", problems));
        }

        List<NewTopic> internal = new ArrayList<>();
        for (Topic<?, ?> t : topology.internalTopics()) {
            int needed = layout.partitions(t.name());
            Integer existing = counts.get(t.name());
            if (existing == null) {
                internal.add(newTopic(t.name(), needed, t.options().configs()));
            } else if (existing != needed) {
                throw new WorkerException("Internal topic \"" + t.name() + "\" has " + existing + " partitions but app \""
                        + topology.appId() + "\" needs " + needed + " (the partition count of the topics feeding it); "
                        + "delete the topic so Weir recreates it, or set the count with Repartition.withPartitions(" + existing + ").");
            }
        }
        if (deadLetterTopic != null && !counts.containsKey(deadLetterTopic) && describe(admin, List.of(deadLetterTopic), timeout).isEmpty()) {
            internal.add(newTopic(deadLetterTopic, 1, Map.of()));
        }
        createAll(admin, internal, timeout);
        return layout;
    }

    private static NewTopic newTopic(String name, int partitions, Map<String, String> configs) {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
    }

    private static void createAll(Admin admin, List<NewTopic> topics, Duration timeout) {
        if (topics.isEmpty()) {
            return;
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        for (NewTopic t : topics) {
            try {
                results.get(t.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                log.info("Created topic {} with {} partitions", t.name(), t.numPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new WorkerException("Cannot create topic \"" + t.name() + "\": " + e.getCause().getMessage(), e.getCause());
                }
                // Another worker of the app created it first; its partition count is checked on the next start.
            } catch (TimeoutException e) {
                throw new WorkerException("Creating topic \"" + t.name() + "\" took longer than " + timeout + "; is the broker reachable?", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorkerException("Interrupted while creating topic \"" + t.name() + "\"", e);
            }
        }
    }

    /** Partition counts of the topics that exist. */
    static Map<String, Integer> describe(Admin admin, List<String> names, Duration timeout) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, KafkaFuture<TopicDescription>> futures = new HashMap<>(admin.describeTopics(names).topicNameValues());
        for (String name : names) {
            try {
                counts.put(name, futures.get(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS).partitions().size());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new WorkerException("Cannot describe topic \"" + name + "\": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new WorkerException("Describing topic \"" + name + "\" took longer than " + timeout
                        + "; is the broker at the configured bootstrap servers reachable?", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorkerException("Interrupted while describing topic \"" + name + "\"", e);
            }
        }
        return counts;
    }
}
