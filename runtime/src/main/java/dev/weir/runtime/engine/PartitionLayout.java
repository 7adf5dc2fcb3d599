package dev.weir.runtime.engine;

import dev.weir.dsl.Topic;
import dev.weir.topology.Node;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The partition count of every topic of a topology and the tasks that follow from them.
 * Application topics' counts come from the host (the broker's metadata, or the testkit's
 * settings); an internal repartition topic gets its explicit count or, by default, the count
 * of the source topics of the sub-topology that writes it. Then every sub-topology's source
 * topics must have equal counts (co-partitioning): partition p of each goes to task p.
 */
public final class PartitionLayout {

    private final Map<String, Integer> counts;
    private final Map<Integer, Integer> tasksPerSubTopology;

    private PartitionLayout(Map<String, Integer> counts, Map<Integer, Integer> tasksPerSubTopology) {
        this.counts = counts;
        this.tasksPerSubTopology = tasksPerSubTopology;
    }

    /**
     * Resolves the layout.
     *
     * @param externalCounts partition count of an application topic, or null when it does not exist
     * @throws IllegalStateException naming the topics and their counts when a sub-topology's
     *                               sources are not co-partitioned or a source topic is missing
     */
    public static PartitionLayout resolve(Topology topology, Function<String, Integer> externalCounts) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Topic<?, ?> t : topology.topics().values()) {
            if (!t.isInternal()) {
                Integer c = externalCounts.apply(t.name());
                if (c != null) {
                    counts.put(t.name(), c);
                }
            }
        }
        for (String source : topology.sourceTopics()) {
            if (!counts.containsKey(source)) {
                problems.add("Source topic \"" + source + "\" does not exist; create it (or declare it with "
                        + "TopicOptions.partitions(n) so Weir creates it) before starting the app.");
            }
        }
        for (String global : topology.globalTables().keySet()) {
            if (!counts.containsKey(global)) {
                problems.add("Topic \"" + global + "\" of global table \"" + global + "\" does not exist; create it (or declare it"
                        + " with TopicOptions.partitions(n) so Weir creates it) before starting the app.");
            }
        }
        // Repartition topics may feed sub-topologies that write further repartition topics:
        // resolve in rounds until nothing changes (the graph through topics is finite).
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Node n : topology.nodes()) {
                if (n instanceof Node.Repartition r && !counts.containsKey(r.topic().name())) {
                    OptionalInt explicit = r.topic().options().partitionCount();
                    Integer count = explicit.isPresent() ? Integer.valueOf(explicit.getAsInt()) : readerCount(topology, r, counts);
                    if (count == null && !explicit.isPresent()) {
                        count = writerCount(topology, r, counts);
                    }
                    if (count != null) {
                        counts.put(r.topic().name(), count);
                        changed = true;
                    }
                }
            }
        }
        Map<Integer, Integer> tasks = new LinkedHashMap<>();
        for (SubTopology sub : topology.subTopologies()) {
            Map<String, Integer> sourceCounts = new LinkedHashMap<>();
            for (String t : sub.sourceTopics()) {
                if (counts.containsKey(t)) {
                    sourceCounts.put(t, counts.get(t));
                }
            }
            if (sourceCounts.size() < sub.sourceTopics().size()) {
                continue;
            }
            if (sourceCounts.values().stream().distinct().count() > 1) {
                List<String> listed = new ArrayList<>();
                sourceCounts.forEach((t, c) -> listed.add(t + " (" + c + (c == 1 ? " partition)" : " partitions)")));
                problems.add("Topics " + listed + " feed sub-topology " + sub.id() + " (nodes " + sub.nodes()
                        + ") but are not co-partitioned: repartition one with groupBy(...) or create them with equal partition counts.");
                continue;
            }
            int taskCount = sourceCounts.values().iterator().next();
            tasks.put(sub.id(), taskCount);
            // A changelog partition per task: partition p of the changelog backs task p's store.
            for (String table : sub.tables()) {
                counts.put(topology.tables().get(table).changelogTopic().name(), taskCount);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Cannot run app \"" + topology.appId() + "\": " + String.join(" ", problems));
        }
        return new PartitionLayout(Collections.unmodifiableMap(counts), Collections.unmodifiableMap(tasks));
    }

    /**
     * The count of the application topics the reader of {@code r} reads besides it, if any: a repartition topic
     * must be co-partitioned with them (the subscription topic of a foreign-key join with the right table's
     * topic, say), whatever its writers read.
     */
    private static Integer readerCount(Topology topology, Node.Repartition r, Map<String, Integer> counts) {
        for (SubTopology sub : topology.subTopologies()) {
            if (sub.sourceTopics().contains(r.topic().name())) {
                for (String t : sub.sourceTopics()) {
                    Topic<?, ?> other = topology.topics().get(t);
                    if (!t.equals(r.topic().name()) && other != null && !other.isInternal() && counts.containsKey(t)) {
                        return counts.get(t);
                    }
                }
            }
        }
        return null;
    }

    private static Integer writerCount(Topology topology, Node.Repartition r, Map<String, Integer> counts) {
        for (SubTopology sub : topology.subTopologies()) {
            if (sub.outputTopics().contains(r.topic().name()) && !sub.sourceTopics().contains(r.topic().name())) {
                int max = 0;
                for (String t : sub.sourceTopics()) {
                    Integer c = counts.get(t);
                    if (c == null) {
                        return null;
                    }
                    max = Math.max(max, c);
                }
                return max == 0 ? null : max;
            }
        }
        return null;
    }

    /** The partition count of {@code topic}. @throws IllegalArgumentException for a topic of another topology */
    public int partitions(String topic) {
        Integer c = counts.get(topic);
        if (c == null) {
            throw new IllegalArgumentException("Topic \"" + topic + "\" is not part of this layout; known: " + counts.keySet());
        }
        return c;
    }

    /** Every topic's partition count. */
    public Map<String, Integer> counts() {
        return counts;
    }

    /** Every task of the topology, in order. */
    public List<TaskId> tasks() {
        List<TaskId> out = new ArrayList<>();
        tasksPerSubTopology.forEach((sub, n) -> {
            for (int p = 0; p < n; p++) {
                out.add(new TaskId(sub, p));
            }
        });
        return out;
    }
}
