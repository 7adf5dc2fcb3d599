package dev.weir.topology;

import dev.weir.dsl.Topic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable, validated DAG of {@link Node}s, split into {@link SubTopology sub-topologies}
 * at repartition topics. Build one with the DSL ({@code app.topology()}) or with a
 * {@link TopologyBuilder}; run it with the runtime or the testkit.
 *
 * <p>{@link #describe()} prints it as text; {@link #toMermaid()} and {@link #toDot()} draw it.
 */
public final class Topology {

    private final String appId;
    private final Map<String, Node> nodes;
    private final Map<String, List<String>> parents;
    private final Map<String, List<String>> children;
    private final List<SubTopology> subTopologies;
    private final Map<String, Topic<?, ?>> topics;
    private final Map<String, dev.weir.dsl.Table<?, ?>> tables;
    private final Map<String, dev.weir.dsl.GlobalTable<?, ?>> globalTables;
    /** Source topic to the sub-topology reading it; asked once per record by hosts. */
    private final Map<String, SubTopology> readers;

    Topology(String appId, Map<String, Node> nodes, Map<String, List<String>> parents,
             Map<String, List<String>> children, List<SubTopology> subTopologies, Map<String, Topic<?, ?>> declared) {
        this.appId = appId;
        this.nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        this.parents = Collections.unmodifiableMap(new LinkedHashMap<>(parents));
        this.children = Collections.unmodifiableMap(new LinkedHashMap<>(children));
        this.subTopologies = List.copyOf(subTopologies);
        Map<String, Topic<?, ?>> all = new LinkedHashMap<>();
        for (Node n : nodes.values()) {
            Topic<?, ?> t = topicOf(n);
            if (t != null) {
                all.putIfAbsent(t.name(), t);
            }
        }
        declared.values().forEach(t -> all.putIfAbsent(t.name(), t));
        Map<String, dev.weir.dsl.Table<?, ?>> tableMap = new LinkedHashMap<>();
        for (Node n : nodes.values()) {
            for (dev.weir.dsl.Table<?, ?> t : TopologyBuilder.tablesOf(n)) {
                tableMap.putIfAbsent(t.name(), t);
                all.putIfAbsent(t.changelogTopic().name(), t.changelogTopic());
            }
        }
        this.tables = Collections.unmodifiableMap(tableMap);
        Map<String, dev.weir.dsl.GlobalTable<?, ?>> globalMap = new LinkedHashMap<>();
        for (Node n : nodes.values()) {
            if (n instanceof Node.GlobalTableJoin g) {
                globalMap.putIfAbsent(g.table().name(), g.table());
                all.putIfAbsent(g.table().name(), g.table().topic());
            }
        }
        this.globalTables = Collections.unmodifiableMap(globalMap);
        this.topics = Collections.unmodifiableMap(all);
        Map<String, SubTopology> readers = new java.util.HashMap<>();
        for (SubTopology s : this.subTopologies) {
            s.sourceTopics().forEach(t -> readers.put(t, s));
        }
        this.readers = readers;
    }

    /** The tables the nodes use, by name. */
    public Map<String, dev.weir.dsl.Table<?, ?>> tables() {
        return tables;
    }

    /** The global tables the nodes join, by name (their topic's); every worker holds each of them whole. */
    public Map<String, dev.weir.dsl.GlobalTable<?, ?>> globalTables() {
        return globalTables;
    }

    /** The sub-topology whose tasks hold {@code table}. @throws java.util.NoSuchElementException for an unknown table */
    public SubTopology subTopologyOf(dev.weir.dsl.Table<?, ?> table) {
        return subTopologies.stream().filter(s -> s.tables().contains(table.name())).findFirst()
                .orElseThrow(() -> new NoSuchElementException("Table \"" + table.name() + "\" is not used by the topology of app \""
                        + appId + "\"; tables: " + tables.keySet()));
    }

    /** A builder for a topology of app {@code appId}, node by node. */
    public static TopologyBuilder builder(String appId) {
        return new TopologyBuilder(appId);
    }

    /** The application id: consumer group id and prefix of internal topic names. */
    public String appId() {
        return appId;
    }

    /** All nodes in declaration order. */
    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    /** @throws NoSuchElementException naming the known nodes when there is no such node */
    public Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new NoSuchElementException("No node \"" + name + "\" in the topology of app \"" + appId
                    + "\"; nodes: " + nodes.keySet());
        }
        return n;
    }

    /** Names of the nodes that feed {@code name}, in the order given. */
    public List<String> parents(String name) {
        node(name);
        return parents.get(name);
    }

    /** Names of the nodes {@code name} forwards to, in declaration order. */
    public List<String> children(String name) {
        node(name);
        return children.get(name);
    }

    /** Sub-topologies in a stable order; their ids are their positions. */
    public List<SubTopology> subTopologies() {
        return subTopologies;
    }

    /** The sub-topology that reads {@code topic}, if any. */
    public java.util.Optional<SubTopology> subTopologyReading(String topic) {
        return java.util.Optional.ofNullable(readers.get(topic));
    }

    /**
     * Every topic of the app by name: those the nodes read and write, internal ones, and those
     * declared with {@code app.topic(...)} for use in agents' {@code ctx.send}.
     */
    public Map<String, Topic<?, ?>> topics() {
        return topics;
    }

    /** Topics Weir creates and owns for this app (repartition and changelog topics). */
    public Set<Topic<?, ?>> internalTopics() {
        Set<Topic<?, ?>> out = new LinkedHashSet<>();
        topics().values().stream().filter(Topic::isInternal).forEach(out::add);
        return out;
    }

    /** Application topics the topology reads. */
    public Set<String> sourceTopics() {
        Set<String> out = new LinkedHashSet<>();
        for (Node n : nodes.values()) {
            if (n instanceof Node.Source s) {
                out.add(s.topic().name());
            }
        }
        return out;
    }

    /**
     * The topology as text, one block per sub-topology, each node with its topic and edges:
     * <pre>
     * Topology of app "hello-world"
     *   Sub-topology 0 (reads: clicks)
     *     Source: clicks (topic: clicks, key: string, value: json(ClickEvent))
     *       --&gt; clicks.filter
     * </pre>
     */
    public String describe() {
        StringBuilder sb = new StringBuilder("Topology of app \"").append(appId).append("\"\n");
        for (SubTopology sub : subTopologies) {
            sb.append("  Sub-topology ").append(sub.id()).append(" (reads: ")
                    .append(String.join(", ", sub.sourceTopics()))
                    .append(sub.tables().isEmpty() ? "" : "; tables: " + String.join(", ", sub.tables())).append(")\n");
            for (String name : sub.nodes()) {
                Node n = nodes.get(name);
                boolean readsHere = n instanceof Node.Repartition r && sub.sourceTopics().contains(r.topic().name());
                sb.append("    ").append(title(n, readsHere)).append('\n');
                if (!readsHere && !parents.get(name).isEmpty()) {
                    sb.append("      <-- ").append(String.join(", ", parents.get(name))).append('\n');
                }
                boolean writesHere = n instanceof Node.Repartition && !readsHere;
                if (!writesHere && !children.get(name).isEmpty()) {
                    sb.append("      --> ").append(String.join(", ", children.get(name))).append('\n');
                }
            }
        }
        for (dev.weir.dsl.GlobalTable<?, ?> g : globalTables.values()) {
            sb.append("  Global table ").append(g.name()).append(" (topic: ").append(g.name()).append(", key: ")
                    .append(serde(g.keySerde())).append(", value: ").append(serde(g.valueSerde())).append(", store: ")
                    .append(g.options().store()).append("; every worker holds all partitions)\n");
        }
        return sb.toString();
    }

    private static String title(Node n, boolean readSide) {
        if (n instanceof Node.Source s) {
            return "Source: " + s.name() + " (topic: " + s.topic().name() + ", key: " + serde(s.topic().keySerde())
                    + ", value: " + serde(s.topic().valueSerde()) + ")";
        }
        if (n instanceof Node.Filter f) {
            return "Filter: " + f.name() + (f.negated() ? " (not)" : "");
        }
        if (n instanceof Node.ProcessorNode p) {
            return "Processor: " + p.name() + " (" + p.operation() + ")"
                    + (p.tables().isEmpty() ? "" : " uses tables " + p.tables().stream().map(dev.weir.dsl.Table::name).toList());
        }
        if (n instanceof Node.TableNode t) {
            return "Table: " + t.name() + " (" + t.operation() + " into table " + t.table().name() + ", store: "
                    + t.table().options().store() + ", changelog: " + t.table().changelogTopic().name() + ")";
        }
        if (n instanceof Node.StreamTableJoin j) {
            return "Join: " + j.name() + " (" + (j.left() ? "left join" : "join") + " with table " + j.table().name() + ")";
        }
        if (n instanceof Node.TableTableJoin j) {
            return "Join: " + j.name() + " (" + j.joinKind().name().toLowerCase(java.util.Locale.ROOT) + " table join, "
                    + (j.left() ? "left" : "right") + " side, with table " + j.other().name() + ")";
        }
        if (n instanceof Node.ForeignKeyJoin j) {
            String part = switch (j.role()) {
                case SUBSCRIBE -> "subscribes each key of table " + j.left().name() + " to its foreign key";
                case LOOKUP -> "answers subscriptions from table " + j.right().name();
                case RIGHT_CHANGE -> "answers the subscribers of each changed key of table " + j.right().name();
                case RESULT -> "joins the answers with table " + j.left().name();
            };
            return "Join: " + j.name() + " (" + (j.leftJoin() ? "left " : "") + "foreign-key join: " + part + ")";
        }
        if (n instanceof Node.GlobalTableJoin j) {
            return "Join: " + j.name() + " (" + (j.left() ? "left join" : "join") + " with global table " + j.table().name()
                    + ", store: " + j.table().options().store() + ")";
        }
        if (n instanceof Node.StreamStreamJoin j) {
            return "Join: " + j.name() + " (" + j.joinKind().name().toLowerCase(java.util.Locale.ROOT) + " stream join, "
                    + (j.left() ? "left" : "right") + " side, " + j.windows() + ", buffer: " + j.table().name() + ", store: "
                    + j.table().options().store() + ", changelog: " + j.table().changelogTopic().name() + ")";
        }
        if (n instanceof Node.Repartition r) {
            return readSide
                    ? "Repartition source: " + r.name() + " (topic: " + r.topic().name() + ")"
                    : "Repartition: " + r.name() + " (topic: " + r.topic().name() + ", key: "
                      + (r.keySelector() == null ? "unchanged" : "from function") + ", key serde: "
                      + serde(r.topic().keySerde()) + ", value serde: " + serde(r.topic().valueSerde()) + ")";
        }
        Node.Sink s = (Node.Sink) n;
        return "Sink: " + s.name() + " (topic: " + s.topic().name()
                + (s.keySelector() == null ? "" : ", key: from function") + ")";
    }

    private static String serde(dev.weir.serdes.Serde<?> serde) {
        return serde == null ? "<none>" : serde.describe();
    }

    /** A Mermaid flowchart: topics as stadiums, nodes as boxes, one subgraph per sub-topology. */
    public String toMermaid() {
        StringBuilder sb = new StringBuilder("flowchart LR\n");
        Map<String, String> ids = ids();
        Map<String, String> topicIds = new LinkedHashMap<>();
        for (String t : topics().keySet()) {
            topicIds.put(t, "t" + topicIds.size());
            sb.append("  ").append(topicIds.get(t)).append("([\"").append(escape(t)).append("\"])\n");
        }
        for (SubTopology sub : subTopologies) {
            sb.append("  subgraph s").append(sub.id()).append("[\"Sub-topology ").append(sub.id()).append("\"]\n");
            for (String name : sub.nodes()) {
                Node n = nodes.get(name);
                if (n instanceof Node.Repartition && sub.sourceTopics().contains(((Node.Repartition) n).topic().name())) {
                    continue;
                }
                sb.append("    ").append(ids.get(name)).append("[\"").append(escape(label(n))).append("\"]\n");
            }
            sb.append("  end\n");
        }
        for (String e : edges(ids, topicIds)) {
            sb.append("  ").append(e.replace(" => ", " --> ")).append('\n');
        }
        return sb.toString();
    }

    /** A Graphviz DOT digraph: topics as ellipses, nodes as boxes, one cluster per sub-topology. */
    public String toDot() {
        StringBuilder sb = new StringBuilder("digraph \"").append(escape(appId)).append("\" {\n  rankdir=LR;\n");
        Map<String, String> ids = ids();
        Map<String, String> topicIds = new LinkedHashMap<>();
        for (String t : topics().keySet()) {
            topicIds.put(t, "t" + topicIds.size());
            sb.append("  ").append(topicIds.get(t)).append(" [shape=ellipse, label=\"").append(escape(t)).append("\"];\n");
        }
        for (SubTopology sub : subTopologies) {
            sb.append("  subgraph cluster_").append(sub.id()).append(" {\n    label=\"Sub-topology ").append(sub.id()).append("\";\n");
            for (String name : sub.nodes()) {
                Node n = nodes.get(name);
                if (n instanceof Node.Repartition && sub.sourceTopics().contains(((Node.Repartition) n).topic().name())) {
                    continue;
                }
                sb.append("    ").append(ids.get(name)).append(" [shape=box, label=\"").append(escape(label(n))).append("\"];\n");
            }
            sb.append("  }\n");
        }
        for (String e : edges(ids, topicIds)) {
            sb.append("  ").append(e.replace(" => ", " -> ")).append(";\n");
        }
        return sb.append("}\n").toString();
    }

    private Map<String, String> ids() {
        Map<String, String> ids = new LinkedHashMap<>();
        for (String name : nodes.keySet()) {
            ids.put(name, "n" + ids.size());
        }
        return ids;
    }

    private List<String> edges(Map<String, String> ids, Map<String, String> topicIds) {
        List<String> out = new ArrayList<>();
        for (Node n : nodes.values()) {
            String id = ids.get(n.name());
            if (n instanceof Node.Source s) {
                out.add(topicIds.get(s.topic().name()) + " => " + id);
            }
            if (n instanceof Node.Sink s) {
                out.add(id + " => " + topicIds.get(s.topic().name()));
            }
            if (n instanceof Node.Repartition r) {
                out.add(id + " => " + topicIds.get(r.topic().name()));
            }
            for (String c : children.get(n.name())) {
                String from = n instanceof Node.Repartition r ? topicIds.get(r.topic().name()) : id;
                out.add(from + " => " + ids.get(c));
            }
        }
        return out;
    }

    private static String label(Node n) {
        if (n instanceof Node.ProcessorNode p) {
            return p.name() + " (" + p.operation() + ")";
        }
        if (n instanceof Node.TableNode t) {
            return t.name() + " (" + t.operation() + " into table " + t.table().name() + ")";
        }
        if (n instanceof Node.StreamTableJoin j) {
            return j.name() + " (" + (j.left() ? "left join" : "join") + " with table " + j.table().name() + ")";
        }
        return n.name() + " (" + n.kind().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The topic a source, repartition or sink node reads or writes; null for other nodes. */
    public static Topic<?, ?> topicOf(Node n) {
        if (n instanceof Node.Source s) {
            return s.topic();
        }
        if (n instanceof Node.Repartition r) {
            return r.topic();
        }
        if (n instanceof Node.Sink s) {
            return s.topic();
        }
        return null;
    }

    @Override
    public String toString() {
        return describe();
    }
}
