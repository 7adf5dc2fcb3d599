package dev.weir.runtime.kafka;

import dev.weir.runtime.engine.TaskId;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Weir's partition assignor (classic group protocol). Kafka's own assignors place each
 * partition independently, so partition 3 of two co-partitioned topics could land on two
 * workers; this one hands out whole tasks: partition p of every source topic of a
 * sub-topology goes to one member together.
 *
 * <p>Sticky: each member reports the tasks it had in its subscription's user data, and keeps
 * them while that keeps the group balanced (no member above {@code ceil(tasks / members)}).
 * The rest go to the least-loaded members, in a deterministic order.
 */
public final class TaskAssignor implements ConsumerPartitionAssignor, Configurable {

    /** Consumer config key under which the worker passes the {@link Topology} to the assignor. */
    public static final String TOPOLOGY_CONFIG = "weir.internal.topology";

    private static final Logger log = LoggerFactory.getLogger(TaskAssignor.class);
    private static final short VERSION = 1;

    private Topology topology;
    private volatile Set<TaskId> ownedTasks = Set.of();

    @Override
    public void configure(Map<String, ?> configs) {
        Object t = configs.get(TOPOLOGY_CONFIG);
        if (!(t instanceof Topology topo)) {
            throw new IllegalStateException(getClass().getName() + " needs the topology under the consumer config \""
                    + TOPOLOGY_CONFIG + "\"; it is set by Weir's worker, not meant to be configured by hand");
        }
        this.topology = topo;
    }

    @Override
    public String name() {
        return "weir-tasks";
    }

    @Override
    public short version() {
        return VERSION;
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.EAGER);
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        return encode(ownedTasks);
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        ownedTasks = decode(assignment.userData());
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> members = new TreeMap<>(groupSubscription.groupSubscription());
        List<TaskId> tasks = tasks(metadata);
        Map<String, Set<TaskId>> assigned = assignTasks(tasks, previousOwners(members), new ArrayList<>(members.keySet()));
        Map<String, Assignment> out = new HashMap<>();
        for (Map.Entry<String, Set<TaskId>> e : assigned.entrySet()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (TaskId task : e.getValue()) {
                for (String topic : topology.subTopologies().get(task.subTopology()).sourceTopics()) {
                    partitions.add(new TopicPartition(topic, task.partition()));
                }
            }
            out.put(e.getKey(), new Assignment(partitions, encode(e.getValue())));
        }
        log.info("Assigned {} tasks of app {} to {} members: {}", tasks.size(), topology.appId(), members.size(), assigned);
        return new GroupAssignment(out);
    }

    /**
     * Balanced, sticky placement: previous owners keep their tasks up to the capacity, the rest
     * go to the least-loaded member (ties by member order).
     */
    static Map<String, Set<TaskId>> assignTasks(List<TaskId> tasks, Map<TaskId, String> previousOwners, List<String> members) {
        Map<String, Set<TaskId>> assigned = new TreeMap<>();
        members.forEach(m -> assigned.put(m, new TreeSet<>()));
        if (members.isEmpty()) {
            return assigned;
        }
        int capacity = (tasks.size() + members.size() - 1) / members.size();
        List<TaskId> unassigned = new ArrayList<>();
        for (TaskId task : tasks) {
            String owner = previousOwners.get(task);
            if (owner != null && assigned.containsKey(owner) && assigned.get(owner).size() < capacity) {
                assigned.get(owner).add(task);
            } else {
                unassigned.add(task);
            }
        }
        for (TaskId task : unassigned) {
            String least = null;
            for (String m : members) {
                if (least == null || assigned.get(m).size() < assigned.get(least).size()) {
                    least = m;
                }
            }
            assigned.get(least).add(task);
        }
        return assigned;
    }

    private List<TaskId> tasks(Cluster metadata) {
        List<TaskId> tasks = new ArrayList<>();
        for (SubTopology sub : topology.subTopologies()) {
            Integer count = null;
            for (String topic : sub.sourceTopics()) {
                Integer c = metadata.partitionCountForTopic(topic);
                if (c == null) {
                    log.warn("No metadata for topic {} of sub-topology {} yet; its tasks are assigned at the next rebalance",
                            topic, sub.id());
                    count = null;
                    break;
                }
                if (count != null && !count.equals(c)) {
                    log.error("Topics {} of sub-topology {} are no longer co-partitioned ({} vs {} partitions); assigning the common {}",
                            sub.sourceTopics(), sub.id(), count, c, Math.min(count, c));
                }
                count = count == null ? c : Math.min(count, c);
            }
            if (count != null) {
                for (int p = 0; p < count; p++) {
                    tasks.add(new TaskId(sub.id(), p));
                }
            }
        }
        return tasks;
    }

    private static Map<TaskId, String> previousOwners(Map<String, Subscription> members) {
        Map<TaskId, String> owners = new HashMap<>();
        for (Map.Entry<String, Subscription> e : members.entrySet()) {
            Set<TaskId> had;
            try {
                had = decode(e.getValue().userData());
            } catch (RuntimeException ex) {
                log.warn("Ignoring unreadable task list of member {}: {}", e.getKey(), ex.toString());
                had = Set.of();
            }
            for (TaskId t : had) {
                owners.putIfAbsent(t, e.getKey());
            }
        }
        return owners;
    }

    static ByteBuffer encode(Set<TaskId> tasks) {
        ByteBuffer buf = ByteBuffer.allocate(2 + 4 + tasks.size() * 8);
        buf.putShort(VERSION);
        buf.putInt(tasks.size());
        for (TaskId t : tasks) {
            buf.putInt(t.subTopology());
            buf.putInt(t.partition());
        }
        buf.flip();
        return buf;
    }

    static Set<TaskId> decode(ByteBuffer data) {
        if (data == null || !data.hasRemaining()) {
            return Set.of();
        }
        ByteBuffer buf = data.duplicate();
        short version = buf.getShort();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown task list version " + version);
        }
        int n = buf.getInt();
        Set<TaskId> out = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            out.add(new TaskId(buf.getInt(), buf.getInt()));
        }
        return Collections.unmodifiableSet(out);
    }

    /** The tasks a set of partitions makes up (partition p of a topic belongs to task (reader, p)). */
    public static Set<TaskId> tasksOf(Topology topology, java.util.Collection<TopicPartition> partitions) {
        Set<TaskId> out = new HashSet<>();
        for (TopicPartition tp : partitions) {
            topology.subTopologyReading(tp.topic()).ifPresent(s -> out.add(new TaskId(s.id(), tp.partition())));
        }
        return out;
    }
}
