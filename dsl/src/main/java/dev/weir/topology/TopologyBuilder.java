package dev.weir.topology;

import com.google.common.graph.ElementOrder;
import com.google.common.graph.EndpointPair;
import com.google.common.graph.Graph;
import com.google.common.graph.GraphBuilder;
import com.google.common.graph.Graphs;
import com.google.common.graph.MutableGraph;
import com.google.common.graph.Traverser;
import dev.weir.dsl.Processor;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * Builds a {@link Topology} node by node, naming parents explicitly: the low-level API the
 * fluent DSL compiles to, also usable directly (as Kafka Streams' {@code Topology.addProcessor}).
 *
 * <p>Adding nodes never throws for graph mistakes; {@link #build()} checks the whole graph and
 * throws one {@link TopologyException} listing every problem: duplicate names, unknown parents,
 * missing serdes, nodes with no path from a source, cycles, children of sinks, a topic read by
 * two sources.
 */
public final class TopologyBuilder {

    private final String appId;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, List<String>> parents = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Topic<?, ?>> declaredTopics = new LinkedHashMap<>();

    /** A builder for the topology of app {@code appId}. */
    public TopologyBuilder(String appId) {
        this.appId = Objects.requireNonNull(appId, "appId");
    }

    /**
     * Declares a topic the app uses outside the graph's edges, such as one an agent sends to
     * with {@code ctx.send}: the runtime checks (or creates) it like the others.
     */
    public TopologyBuilder addTopic(Topic<?, ?> topic) {
        declaredTopics.putIfAbsent(topic.name(), topic);
        return this;
    }

    /** Adds a source reading {@code topic}. */
    public TopologyBuilder addSource(String name, Topic<?, ?> topic) {
        return add(new Node.Source(name, topic), List.of());
    }

    /** Adds a filter; with {@code negated} it forwards the records the predicate rejects. */
    public TopologyBuilder addFilter(String name, BiPredicate<Object, Object> predicate, boolean negated, String... parentNames) {
        return add(new Node.Filter(name, predicate, negated), List.of(parentNames));
    }

    /**
     * Adds a processor; {@code operation} is the word {@code describe()} shows for it. It is
     * assumed to change keys (a table below it needs a repartition first) and to use no tables.
     */
    public TopologyBuilder addProcessor(String name, String operation,
                                        Supplier<? extends Processor<Object, Object, Object, Object>> supplier,
                                        String... parentNames) {
        return addProcessor(name, operation, supplier, true, List.of(), parentNames);
    }

    /**
     * Adds a processor that says whether it may change keys and which tables its code uses.
     */
    public TopologyBuilder addProcessor(String name, String operation,
                                        Supplier<? extends Processor<Object, Object, Object, Object>> supplier,
                                        boolean changesKey, List<Table<?, ?>> tables, String... parentNames) {
        return add(new Node.ProcessorNode(name, operation, supplier, changesKey, tables), List.of(parentNames));
    }

    /** Adds a node that aggregates each record into {@code table} and forwards the new value. */
    public TopologyBuilder addTable(String name, Table<?, ?> table, String operation,
                                    java.util.function.BiFunction<Object, Object, Object> aggregator, String... parentNames) {
        return add(new Node.TableNode(name, table, operation, aggregator), List.of(parentNames));
    }

    /**
     * Adds a table node into a sliding or session windowed table: {@code merger} combines two
     * aggregates of a key; {@code records} (sliding windows only, else null) keeps each record's
     * own aggregate while windows may take it (see {@link Node.TableNode}).
     */
    public TopologyBuilder addTable(String name, Table<?, ?> table, String operation,
                                    java.util.function.BiFunction<Object, Object, Object> aggregator,
                                    java.util.function.BiFunction<Object, Object, Object> merger, Table<?, ?> records,
                                    String... parentNames) {
        return add(new Node.TableNode(name, table, operation, aggregator, merger, records), List.of(parentNames));
    }

    /**
     * Adds a stream-table join: each record is joined with its key's value in {@code table}
     * ({@code joiner(record value, table value)}); with {@code left} a key without a value
     * is joined with null instead of dropped.
     */
    public TopologyBuilder addStreamTableJoin(String name, Table<?, ?> table, BiFunction<Object, Object, Object> joiner,
                                              boolean left, String... parentNames) {
        return add(new Node.StreamTableJoin(name, table, joiner, left), List.of(parentNames));
    }

    /**
     * Adds a join with a global table: each record is joined with the table's value of
     * {@code keySelector(key, value)} (see {@link Node.GlobalTableJoin}).
     */
    public TopologyBuilder addGlobalTableJoin(String name, dev.weir.dsl.GlobalTable<?, ?> table,
                                              BiFunction<Object, Object, Object> keySelector,
                                              BiFunction<Object, Object, Object> joiner, boolean left, String... parentNames) {
        return add(new Node.GlobalTableJoin(name, table, keySelector, joiner, left), List.of(parentNames));
    }

    /** Adds one part of a foreign-key join (see {@link Node.ForeignKeyJoin}). */
    public TopologyBuilder addForeignKeyJoin(String name, Node.ForeignKeyRole role, Table<?, ?> left, Table<?, ?> right,
                                             Table<?, ?> foreignKeys, Table<?, ?> subscriptions,
                                             java.util.function.Function<Object, Object> foreignKey,
                                             BiFunction<Object, Object, Object> joiner, boolean leftJoin, String... parentNames) {
        return add(new Node.ForeignKeyJoin(name, role, left, right, foreignKeys, subscriptions, foreignKey, joiner, leftJoin),
                List.of(parentNames));
    }

    /**
     * Adds one side of a table-table join: below the nodes that write {@code table}, it joins each
     * change with the key's value in {@code other} (see {@link Node.TableTableJoin}).
     */
    public TopologyBuilder addTableTableJoin(String name, Table<?, ?> table, Table<?, ?> other,
                                             BiFunction<Object, Object, Object> joiner, Node.JoinKind kind, boolean left,
                                             String... parentNames) {
        return add(new Node.TableTableJoin(name, table, other, joiner, kind, left), List.of(parentNames));
    }

    /**
     * Adds one side of a windowed stream-stream join below this side's stream (see
     * {@link Node.StreamStreamJoin}); {@code table} and {@code other} are the two sides' buffers.
     */
    public TopologyBuilder addStreamStreamJoin(String name, Table<?, ?> table, Table<?, ?> other, dev.weir.dsl.JoinWindows windows,
                                               BiFunction<Object, Object, Object> joiner, Node.JoinKind kind, boolean left,
                                               String... parentNames) {
        return add(new Node.StreamStreamJoin(name, table, other, windows, joiner, kind, left), List.of(parentNames));
    }

    /** Adds a repartition through the internal {@code topic}; {@code keySelector} may be null to keep keys. */
    public TopologyBuilder addRepartition(String name, Topic<?, ?> topic, BiFunction<Object, Object, Object> keySelector,
                                          String... parentNames) {
        return add(new Node.Repartition(name, topic, keySelector), List.of(parentNames));
    }

    /** Adds a sink writing {@code topic}; {@code keySelector} may be null to keep keys. */
    public TopologyBuilder addSink(String name, Topic<?, ?> topic, BiFunction<Object, Object, Object> keySelector,
                                   String... parentNames) {
        return add(new Node.Sink(name, topic, keySelector), List.of(parentNames));
    }

    private TopologyBuilder add(Node node, List<String> parentNames) {
        if (nodes.containsKey(node.name())) {
            problems.add("Duplicate node name \"" + node.name() + "\": a " + nodes.get(node.name()).kind()
                    + " and a " + node.kind() + " both use it; give one of them another name.");
            return this;
        }
        nodes.put(node.name(), node);
        parents.put(node.name(), List.copyOf(new LinkedHashSet<>(parentNames)));
        return this;
    }

    /**
     * Validates the graph and returns the immutable topology.
     *
     * @throws TopologyException listing every problem found
     */
    public Topology build() {
        List<String> found = new ArrayList<>(problems);
        MutableGraph<String> graph = GraphBuilder.directed().allowsSelfLoops(true)
                .incidentEdgeOrder(ElementOrder.stable()).build();
        nodes.keySet().forEach(graph::addNode);
        checkEdges(found, graph);
        checkSerdes(found);
        checkTopics(found);
        checkReachability(found, graph);
        checkCycles(found, graph);
        checkTables(found, graph);
        List<SubTopology> subs = subTopologies(found, graph);
        if (!found.isEmpty()) {
            throw new TopologyException(appId, found);
        }
        Map<String, List<String>> children = new LinkedHashMap<>();
        nodes.keySet().forEach(n -> children.put(n, List.copyOf(graph.successors(n))));
        return new Topology(appId, nodes, parents, children, subs, declaredTopics);
    }

    private void checkEdges(List<String> found, MutableGraph<String> graph) {
        for (Map.Entry<String, List<String>> e : parents.entrySet()) {
            Node node = nodes.get(e.getKey());
            if (node instanceof Node.Source && !e.getValue().isEmpty()) {
                found.add("Source \"" + node.name() + "\" has parents " + e.getValue() + "; a source reads a topic and takes no parents.");
                continue;
            }
            for (String p : e.getValue()) {
                Node parent = nodes.get(p);
                if (parent == null) {
                    found.add(node.kind() + " \"" + node.name() + "\" names an unknown parent \"" + p
                            + "\"; add that node first or fix the name (known nodes: " + new TreeMap<>(nodes).keySet() + ").");
                } else if (parent instanceof Node.Sink) {
                    found.add(node.kind() + " \"" + node.name() + "\" has the sink \"" + p
                            + "\" as parent; a sink ends a path: read its topic with a new source instead.");
                }
            }
        }
        // Edges in the children's declaration order, so each node's successors keep that order.
        for (Map.Entry<String, List<String>> e : parents.entrySet()) {
            for (String p : e.getValue()) {
                if (nodes.containsKey(p) && !(nodes.get(p) instanceof Node.Sink) && !(nodes.get(e.getKey()) instanceof Node.Source)) {
                    graph.putEdge(p, e.getKey());
                }
            }
        }
    }

    private void checkSerdes(List<String> found) {
        for (Node node : nodes.values()) {
            Topic<?, ?> topic = Topology.topicOf(node);
            if (topic == null) {
                continue;
            }
            if (topic.keySerde() == null) {
                found.add(node.kind() + " \"" + node.name() + "\" has no key serde for topic \"" + topic.name() + "\"; "
                        + hint(node, "key"));
            }
            if (topic.valueSerde() == null) {
                found.add(node.kind() + " \"" + node.name() + "\" has no value serde for topic \"" + topic.name() + "\"; "
                        + hint(node, "value"));
            }
        }
    }

    private static String hint(Node node, String which) {
        if (node instanceof Node.Repartition) {
            return "an operation before it changed the " + which + " type, so pass one: groupBy(keyFn, Repartition.as(\""
                    + node.name() + "\").with" + (which.equals("key") ? "Key" : "Value") + "Serde(...)).";
        }
        return "declare the topic with app.topic(name, keySerde, valueSerde).";
    }

    private void checkTopics(List<String> found) {
        Map<String, String> readers = new HashMap<>();
        Map<String, Topic<?, ?>> declared = new HashMap<>();
        for (Node node : nodes.values()) {
            Topic<?, ?> read = node instanceof Node.Sink ? null : Topology.topicOf(node);
            if (read != null) {
                String previous = readers.putIfAbsent(read.name(), node.name());
                if (previous != null) {
                    found.add("Topic \"" + read.name() + "\" is read by both \"" + previous + "\" and \"" + node.name()
                            + "\"; read it once and branch the stream.");
                }
            }
            Topic<?, ?> any = Topology.topicOf(node);
            if (any != null) {
                Topic<?, ?> other = declared.putIfAbsent(any.name(), any);
                if (other != null && other.isInternal() != any.isInternal()) {
                    found.add("Topic \"" + any.name() + "\" is used both as an internal topic of Weir and as an application topic (node \""
                            + node.name() + "\"); rename one of them.");
                }
            }
        }
        for (Node node : nodes.values()) {
            if (node instanceof Node.TableNode t && t.table().windowing() != null) {
                dev.weir.dsl.Windowing.Kind kind = t.table().windowing().kind();
                if (kind != dev.weir.dsl.Windowing.Kind.FIXED && t.merger() == null) {
                    found.add("Table node \"" + node.name() + "\" aggregates into " + kind.name().toLowerCase(java.util.Locale.ROOT)
                            + " windowed table \"" + t.table().name() + "\" without a merger; such windows combine aggregates:"
                            + " give one (aggregate(table, aggregator, merger)).");
                }
                if (kind == dev.weir.dsl.Windowing.Kind.SLIDING && t.records() == null) {
                    found.add("Table node \"" + node.name() + "\" aggregates into sliding windowed table \"" + t.table().name()
                            + "\" without a table of the records' own aggregates; add it with addTable(..., merger, records, ...).");
                }
            }
        }
        // A global table's topic is read by every worker's global thread, not by tasks: a stream of it would see each record twice over.
        Map<String, dev.weir.dsl.GlobalTable<?, ?>> globals = new LinkedHashMap<>();
        for (Node node : nodes.values()) {
            if (node instanceof Node.GlobalTableJoin g) {
                dev.weir.dsl.GlobalTable<?, ?> other = globals.putIfAbsent(g.table().name(), g.table());
                if (other != null && other != g.table()) {
                    found.add("Topic \"" + g.table().name() + "\" has two different global tables (one joined by node \"" + g.name()
                            + "\"); declare one with app.globalTable(topic) and join it wherever needed.");
                }
            }
        }
        for (dev.weir.dsl.GlobalTable<?, ?> g : globals.values()) {
            String reader = readers.get(g.name());
            if (reader != null) {
                found.add("Topic \"" + g.name() + "\" is the topic of a global table and is also read by node \"" + reader
                        + "\"; a global table's topic is read by each worker's global thread only: join the global table instead,"
                        + " or read the topic into a plain table with toTable(...).");
            }
            if (g.topic().isInternal()) {
                found.add("Global table \"" + g.name() + "\" reads an internal topic of Weir; give it an application topic.");
            }
        }
    }

    private void checkReachability(List<String> found, Graph<String> graph) {
        List<String> sources = nodes.values().stream().filter(n -> n instanceof Node.Source).map(Node::name).toList();
        Set<String> reached = new HashSet<>();
        Traverser.forGraph(graph).breadthFirst(sources).forEach(reached::add);
        for (Node node : nodes.values()) {
            if (reached.contains(node.name())) {
                continue;
            }
            if (node instanceof Node.TableTableJoin j && parents.get(node.name()).isEmpty()) {
                found.add("Join \"" + node.name() + "\" has nothing to join: no aggregate or toTable(...) of this app writes table \""
                        + j.table().name() + "\" (changes made with table.put in agents do not reach a join); feed both tables with"
                        + " stream.toTable(table) or an aggregate.");
            } else if (node instanceof Node.ForeignKeyJoin j && parents.get(node.name()).isEmpty()) {
                Table<?, ?> t = j.role() == Node.ForeignKeyRole.SUBSCRIBE ? j.left() : j.right();
                found.add("Foreign-key join \"" + node.name() + "\" has nothing to join: no aggregate or toTable(...) of this app writes"
                        + " table \"" + t.name() + "\" (changes made with table.put in agents do not reach a join); feed both tables"
                        + " with stream.toTable(table) or an aggregate.");
            } else if (node instanceof Node.ForeignKeyJoin) {
                continue;          // the parts after a subscription topic follow from its first part, reported above
            } else {
                found.add(node.kind() + " \"" + node.name() + "\" has no path from a source; connect it to a stream or remove it.");
            }
        }
    }

    /** Reports each cycle once, as the path around it from its first declared node. */
    private void checkCycles(List<String> found, Graph<String> graph) {
        if (!Graphs.hasCycle(graph)) {
            return;
        }
        Set<String> reported = new HashSet<>();
        for (String start : nodes.keySet()) {
            if (reported.contains(start)) {
                continue;
            }
            List<String> cycle = shortestPath(graph, graph.successors(start), start);
            if (cycle != null) {
                cycle.add(0, start);
                reported.addAll(cycle);
                found.add("Nodes " + String.join(" -> ", cycle)
                        + " form a cycle; a topology must be acyclic (loop through a topic if you need feedback).");
            }
        }
    }

    /** The nodes on a shortest path from one of {@code from} to {@code to}, both included; null when there is none. */
    private static List<String> shortestPath(Graph<String> graph, Set<String> from, String to) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        for (String f : from) {
            if (cameFrom.putIfAbsent(f, f) == null) {
                queue.add(f);
            }
        }
        while (!queue.isEmpty()) {
            String n = queue.poll();
            if (n.equals(to)) {
                List<String> path = new ArrayList<>();
                for (String at = n; ; at = cameFrom.get(at)) {
                    path.add(0, at);
                    if (cameFrom.get(at).equals(at)) {
                        return path;
                    }
                }
            }
            for (String s : graph.successors(n)) {
                if (cameFrom.putIfAbsent(s, n) == null) {
                    queue.add(s);
                }
            }
        }
        return null;
    }

    /** The tables a node uses. */
    static List<Table<?, ?>> tablesOf(Node n) {
        if (n instanceof Node.TableNode t) {
            return t.records() == null ? List.of(t.table()) : List.of(t.table(), t.records());
        }
        if (n instanceof Node.StreamTableJoin j) {
            return List.of(j.table());
        }
        if (n instanceof Node.TableTableJoin j) {
            return List.of(j.other());
        }
        if (n instanceof Node.StreamStreamJoin j) {
            return List.of(j.table(), j.other());
        }
        if (n instanceof Node.ForeignKeyJoin j) {
            return j.tables();
        }
        if (n instanceof Node.ProcessorNode p) {
            return p.tables();
        }
        return List.of();
    }

    /**
     * A table's partition p lives in task p, so every record that reaches it must still be in
     * the partition its key hashes to: no key-changing node between the nearest source or
     * repartition and the node that uses the table.
     */
    private void checkTables(List<String> found, Graph<String> graph) {
        Map<String, Table<?, ?>> byName = new LinkedHashMap<>();
        for (Node n : nodes.values()) {
            for (Table<?, ?> t : tablesOf(n)) {
                Table<?, ?> other = byName.putIfAbsent(t.name(), t);
                if (other != null && other != t) {
                    found.add("Two different tables are named \"" + t.name() + "\" (one used by node \"" + n.name()
                            + "\"); give each table its own name.");
                }
                if (n instanceof Node.StreamStreamJoin j && t != j.table()) {
                    continue;      // each side checks its own stream
                }
                String rekeyed = rekeyingAncestor(graph, n.name());
                if (rekeyed != null && n instanceof Node.StreamStreamJoin) {
                    found.add("Stream join \"" + n.name() + "\" gets records that were re-keyed by \"" + rekeyed
                            + "\" after they were partitioned, so records with one key may wait in different tasks and never meet:"
                            + " groupBy(...) this side first, so that both streams are partitioned by the join key.");
                } else if (rekeyed != null) {
                    found.add("Table \"" + t.name() + "\" is " + (n instanceof Node.StreamTableJoin ? "joined" : "fed")
                            + " by node \"" + n.name() + "\", whose records were re-keyed by \"" + rekeyed
                            + "\" after they were partitioned, so they are not co-partitioned with the table:"
                            + " groupBy(...) first, so that each key's records reach the task that holds its part of the table.");
                }
            }
        }
    }

    /** The nearest key-changing processor above {@code node} with no source or repartition between them, or null. */
    private String rekeyingAncestor(Graph<String> graph, String node) {
        Set<String> seen = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>(graph.predecessors(node));
        while (!queue.isEmpty()) {
            String p = queue.poll();
            if (!seen.add(p)) {
                continue;
            }
            Node parent = nodes.get(p);
            if (parent instanceof Node.Source || parent instanceof Node.Repartition) {
                continue;
            }
            if (parent instanceof Node.ProcessorNode pn && pn.changesKey()) {
                return p;
            }
            queue.addAll(graph.predecessors(p));
        }
        return null;
    }

    /**
     * Splits the graph into the parts whose nodes must run in one task: nodes joined by an
     * edge that does not cross a repartition topic, the readers of one repartition topic, and
     * the nodes that use one table (a table's partition lives in one task). A table used on both
     * sides of a repartition would need the repartition to feed its own sub-topology: refused.
     */
    private List<SubTopology> subTopologies(List<String> found, Graph<String> graph) {
        MutableGraph<String> together = GraphBuilder.undirected().allowsSelfLoops(true).build();
        nodes.keySet().forEach(together::addNode);
        for (EndpointPair<String> e : graph.edges()) {
            if (!(nodes.get(e.source()) instanceof Node.Repartition)) {
                together.putEdge(e.source(), e.target());
            }
        }
        for (Node n : nodes.values()) {
            if (n instanceof Node.Repartition) {
                String first = null;
                for (String c : graph.successors(n.name())) {
                    if (first == null) {
                        first = c;
                    } else {
                        together.putEdge(first, c);
                    }
                }
            }
        }
        // Before tables join them: the parts that only the graph's edges make, to name a table's sides.
        Map<String, Integer> edgePart = components(together);
        Map<String, String> firstUser = new LinkedHashMap<>();
        for (Node n : nodes.values()) {
            for (Table<?, ?> t : tablesOf(n)) {
                String first = firstUser.putIfAbsent(t.name(), n.name());
                if (first != null) {
                    together.putEdge(first, n.name());
                }
            }
        }
        Map<String, Integer> part = components(together);
        for (Node n : nodes.values()) {
            if (!(n instanceof Node.Repartition) || graph.successors(n.name()).isEmpty()) {
                continue;
            }
            String reader = graph.successors(n.name()).iterator().next();
            if (part.get(n.name()).equals(part.get(reader))) {
                found.add(spanningTables(n.name(), edgePart.get(n.name()), edgePart.get(reader), edgePart));
            }
        }
        if (!found.isEmpty()) {
            return List.of();
        }
        // A repartition node is also a member of the part of its children, where it acts as the source.
        Map<String, Integer> readerPart = new HashMap<>();
        for (Node n : nodes.values()) {
            if (n instanceof Node.Repartition && !graph.successors(n.name()).isEmpty()) {
                readerPart.put(n.name(), part.get(graph.successors(n.name()).iterator().next()));
            }
        }
        List<SubTopology> result = new ArrayList<>();
        for (int id : new LinkedHashSet<>(part.values())) {
            List<String> members = new ArrayList<>();
            Map<String, String> sources = new LinkedHashMap<>();
            Set<String> outputs = new LinkedHashSet<>();
            Set<String> tables = new LinkedHashSet<>();
            for (Node n : nodes.values()) {
                boolean own = part.get(n.name()) == id;
                boolean reads = Integer.valueOf(id).equals(readerPart.get(n.name()));
                if (!own && !reads) {
                    continue;
                }
                members.add(n.name());
                if (n instanceof Node.Source s) {
                    sources.put(s.topic().name(), s.name());
                }
                if (reads && n instanceof Node.Repartition r) {
                    sources.put(r.topic().name(), r.name());
                }
                if (own && n instanceof Node.Repartition r) {
                    outputs.add(r.topic().name());
                }
                if (n instanceof Node.Sink s) {
                    outputs.add(s.topic().name());
                }
                if (own) {
                    tablesOf(n).forEach(t -> tables.add(t.name()));
                }
            }
            checkCoPartitioned(found, sources.keySet(), tables, members);
            result.add(new SubTopology(result.size(), members, sources, outputs, tables));
        }
        return result;
    }

    /**
     * Partition p of every topic a sub-topology reads goes to task p: declared partition counts
     * must agree (a worker checks the counts on the broker again when it starts).
     */
    private void checkCoPartitioned(List<String> found, Set<String> topics, Set<String> tables, List<String> members) {
        Map<String, Integer> declared = new LinkedHashMap<>();
        for (String t : topics) {
            Topic<?, ?> topic = topicNamed(t);
            if (topic != null && topic.options().partitionCount().isPresent()) {
                declared.put(t, topic.options().partitionCount().getAsInt());
            }
        }
        if (new HashSet<>(declared.values()).size() > 1) {
            found.add("Topics " + declared.keySet() + " are read together (by nodes " + members
                    + (tables.isEmpty() ? "" : ", which share tables " + tables) + ") but are declared with different"
                    + " partition counts " + declared.values() + ": partition p of each must reach the same task, so declare"
                    + " them with equal counts, or groupBy(...) one of them with Repartition.as(name).withPartitions(n).");
        }
    }

    private Topic<?, ?> topicNamed(String name) {
        for (Node n : nodes.values()) {
            Topic<?, ?> t = Topology.topicOf(n);
            if (t != null && t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Each node's connected part, numbered in the order of the parts' first declared nodes. */
    private Map<String, Integer> components(Graph<String> undirected) {
        Map<String, Integer> part = new LinkedHashMap<>();
        int next = 0;
        for (String n : nodes.keySet()) {
            if (!part.containsKey(n)) {
                int id = next++;
                Traverser.forGraph(undirected).breadthFirst(n).forEach(m -> part.put(m, id));
            }
        }
        return part;
    }

    /** Explains which tables tie the two sides of {@code repartition} together, naming a node on each side. */
    private String spanningTables(String repartition, int before, int after, Map<String, Integer> edgePart) {
        for (Node n : nodes.values()) {
            if (edgePart.get(n.name()) != before) {
                continue;
            }
            for (Table<?, ?> t : tablesOf(n)) {
                for (Node m : nodes.values()) {
                    if (edgePart.get(m.name()) == after && tablesOf(m).stream().anyMatch(u -> u.name().equals(t.name()))) {
                        return "Table \"" + t.name() + "\" is used on both sides of repartition \"" + repartition + "\": by node \""
                                + n.name() + "\" before it and by node \"" + m.name() + "\" after it; a table lives in the tasks of"
                                + " one sub-topology: use it only after (or only before) the groupBy.";
                    }
                }
            }
        }
        Set<String> names = new java.util.TreeSet<>();
        nodes.values().forEach(n -> tablesOf(n).forEach(t -> names.add(t.name())));
        return "The tables " + names + " tie the nodes before repartition \"" + repartition + "\" to the nodes after it"
                + " (through nodes that share a table); a table lives in the tasks of one sub-topology: use each table"
                + " only after (or only before) the groupBy.";
    }
}
