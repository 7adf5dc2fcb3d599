package dev.weir.runtime.kafka;

import dev.weir.runtime.engine.TaskId;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
    /** Consumer config key: the worker's web endpoint ({@code host:port}) to advertise, if it has one. */
    public static final String ENDPOINT_CONFIG = "weir.internal.endpoint";
    /** Consumer config key: an {@code AtomicReference<Map<TaskId, String>>} the assignor keeps each task's owner endpoint in. */
    public static final String OWNERS_CONFIG = "weir.internal.owners";

    private static final short VERSION = 1;
    /** The user data's own format: 1, a task list; 2, a task list and the member's endpoint (subscriptions) or every member's (assignments). */
    private static final short DATA_VERSION = 2;

    private Topology topology;
    private String endpoint;
    private java.util.concurrent.atomic.AtomicReference<Map<TaskId, String>> owners = new java.util.concurrent.atomic.AtomicReference<>(
            Map.of());
    private volatile Set<TaskId> ownedTasks = Set.of();

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        Object t = configs.get(TOPOLOGY_CONFIG);
        if (!(t instanceof Topology topo)) {
            throw new IllegalStateException(getClass().getName() + " needs the topology under the consumer config \""
                    + TOPOLOGY_CONFIG + "\"; it is set by Weir's worker, not meant to be configured by hand");
        }
        this.topology = topo;
        Object e = configs.get(ENDPOINT_CONFIG);
        this.endpoint = e == null ? null : e.toString();
        Object o = configs.get(OWNERS_CONFIG);
        if (o instanceof java.util.concurrent.atomic.AtomicReference<?> ref) {
            this.owners = (java.util.concurrent.atomic.AtomicReference<Map<TaskId, String>>) ref;
        }
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
        return encode(ownedTasks, endpoint == null ? Map.of() : Map.of(endpoint, Set.of()));
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        ownedTasks = decode(assignment.userData());
        Map<TaskId, String> byTask = new HashMap<>();
        endpoints(assignment.userData()).forEach((endpoint, tasks) -> tasks.forEach(t -> byTask.put(t, endpoint)));
        owners.set(Map.copyOf(byTask));
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> members = new TreeMap<>(groupSubscription.groupSubscription());
        List<TaskId> tasks = tasks(metadata);
        Map<String, Set<TaskId>> assigned = assignTasks(tasks, previousOwners(members), new ArrayList<>(members.keySet()));
        // Every member learns which endpoint holds each task, as Kafka Streams' application.server.
        Map<String, Set<TaskId>> byEndpoint = new TreeMap<>();
        for (Map.Entry<String, Subscription> m : members.entrySet()) {
            for (String ep : safeEndpoints(m.getKey(), m.getValue().userData())) {
                byEndpoint.computeIfAbsent(ep, x -> new TreeSet<>()).addAll(assigned.get(m.getKey()));
            }
        }
        Map<String, Assignment> out = new HashMap<>();
        for (Map.Entry<String, Set<TaskId>> e : assigned.entrySet()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (TaskId task : e.getValue()) {
                for (String topic : topology.subTopologies().get(task.subTopology()).sourceTopics()) {
                    partitions.add(new TopicPartition(topic, task.partition()));
                }
            }
            out.put(e.getKey(), new Assignment(partitions, encode(e.getValue(), byEndpoint)));
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
        return encode(tasks, Map.of());
    }

    /**
     * Version 2: the version, a task list, then endpoints, each its UTF-8 length and bytes and a
     * task list (a subscription names its own endpoint with no tasks; an assignment every
     * member's, with the tasks it holds).
     */
    static ByteBuffer encode(Set<TaskId> tasks, Map<String, Set<TaskId>> endpoints) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        try {
            out.writeShort(DATA_VERSION);
            writeTasks(out, tasks);
            out.writeInt(endpoints.size());
            for (Map.Entry<String, Set<TaskId>> e : endpoints.entrySet()) {
                out.writeUTF(e.getKey());
                writeTasks(out, e.getValue());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);      // not from a byte array
        }
        return ByteBuffer.wrap(bytes.toByteArray());
    }

    private static void writeTasks(java.io.DataOutputStream out, Set<TaskId> tasks) throws java.io.IOException {
        out.writeInt(tasks.size());
        for (TaskId t : tasks) {
            out.writeInt(t.subTopology());
            out.writeInt(t.partition());
        }
    }

    private static Set<TaskId> readTasks(ByteBuffer buf) {
        int n = buf.getInt();
        Set<TaskId> out = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            out.add(new TaskId(buf.getInt(), buf.getInt()));
        }
        return Collections.unmodifiableSet(out);
    }

    static Set<TaskId> decode(ByteBuffer data) {
        if (data == null || !data.hasRemaining()) {
            return Set.of();
        }
        ByteBuffer buf = data.duplicate();
        short version = buf.getShort();
        if (version != VERSION && version != DATA_VERSION) {
            throw new IllegalArgumentException("unknown task list version " + version);
        }
        return readTasks(buf);
    }

    /** The endpoints in user data, with their tasks; none for version 1 (a member of a Weir before endpoints). */
    static Map<String, Set<TaskId>> endpoints(ByteBuffer data) {
        if (data == null || !data.hasRemaining()) {
            return Map.of();
        }
        ByteBuffer buf = data.duplicate();
        if (buf.getShort() != DATA_VERSION) {
            return Map.of();
        }
        readTasks(buf);
        int n = buf.getInt();
        Map<String, Set<TaskId>> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            int len = buf.getShort() & 0xFFFF;
            byte[] utf = new byte[len];
            buf.get(utf);
            out.put(decodeUtf(utf), readTasks(buf));
        }
        return out;
    }

    private static String decodeUtf(byte[] modifiedUtf8) {
        try {
            ByteBuffer b = ByteBuffer.allocate(2 + modifiedUtf8.length).putShort((short) modifiedUtf8.length).put(modifiedUtf8);
            return new java.io.DataInputStream(new java.io.ByteArrayInputStream(b.array())).readUTF();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("unreadable endpoint in the task list", e);
        }
    }

    private static Set<String> safeEndpoints(String member, ByteBuffer data) {
        try {
            return endpoints(data).keySet();
        } catch (RuntimeException e) {
            log.warn("Ignoring the unreadable endpoint of member {}: {}", member, e.toString());
            return Set.of();
        }
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
