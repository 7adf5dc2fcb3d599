package dev.weir.topology;

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
        Map<String, List<String>> children = new LinkedHashMap<>();
        nodes.keySet().forEach(n -> children.put(n, new ArrayList<>()));
        checkEdges(found, children);
        checkSerdes(found);
        checkTopics(found);
        checkReachability(found, children);
        checkCycles(found, children);
        if (found.isEmpty()) {
            checkTables(found);
        }
        if (!found.isEmpty()) {
            throw new TopologyException(appId, found);
        }
        Map<String, List<String>> frozenChildren = new LinkedHashMap<>();
        children.forEach((k, v) -> frozenChildren.put(k, List.copyOf(v)));
        return new Topology(appId, nodes, parents, frozenChildren, subTopologies(frozenChildren), declaredTopics);
    }

    private void checkEdges(List<String> found, Map<String, List<String>> children) {
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
                } else {
                    children.get(p).add(node.name());
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
    }

    private void checkReachability(List<String> found, Map<String, List<String>> children) {
        Set<String> reached = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        nodes.values().stream().filter(n -> n instanceof Node.Source).forEach(n -> {
            reached.add(n.name());
            queue.add(n.name());
        });
        while (!queue.isEmpty()) {
            for (String c : children.get(queue.poll())) {
                if (reached.add(c)) {
                    queue.add(c);
                }
            }
        }
        for (Node node : nodes.values()) {
            if (!reached.contains(node.name())) {
                found.add(node.kind() + " \"" + node.name() + "\" has no path from a source; connect it to a stream or remove it.");
            }
        }
    }

    private void checkCycles(List<String> found, Map<String, List<String>> children) {
        // Iterative three-colour DFS, so a long chain of operators cannot overflow the stack.
        Map<String, Integer> colour = new HashMap<>();
        for (String start : nodes.keySet()) {
            if (colour.containsKey(start)) {
                continue;
            }
            Deque<String> path = new ArrayDeque<>();
            Deque<java.util.Iterator<String>> iters = new ArrayDeque<>();
            colour.put(start, 1);
            path.push(start);
            iters.push(children.get(start).iterator());
            while (!iters.isEmpty()) {
                java.util.Iterator<String> it = iters.peek();
                if (!it.hasNext()) {
                    colour.put(path.pop(), 2);
                    iters.pop();
                    continue;
                }
                String next = it.next();
                Integer c = colour.get(next);
                if (c == null) {
                    colour.put(next, 1);
                    path.push(next);
                    iters.push(children.get(next).iterator());
                } else if (c == 1) {
                    List<String> cycle = new ArrayList<>();
                    for (java.util.Iterator<String> d = path.descendingIterator(); d.hasNext(); ) {
                        cycle.add(d.next());
                    }
                    cycle = cycle.subList(cycle.indexOf(next), cycle.size());
                    found.add("Nodes " + String.join(" -> ", cycle) + " -> " + next
                            + " form a cycle; a topology must be acyclic (loop through a topic if you need feedback).");
                }
            }
        }
    }

    /** The tables a node uses. */
    static List<Table<?, ?>> tablesOf(Node n) {
        if (n instanceof Node.TableNode t) {
            return List.of(t.table());
        }
        if (n instanceof Node.ProcessorNode p) {
            return p.tables();
        }
        return List.of();
    }

    /**
     * A table's partition p lives in task p, so every record that reaches it must still be in
     * the partition its key hashes to: no key-changing node between the nearest source or
     * repartition and the node that uses the table. And a table belongs to one sub-topology.
     */
    private void checkTables(List<String> found) {
        Map<String, Table<?, ?>> byName = new LinkedHashMap<>();
        for (Node n : nodes.values()) {
            for (Table<?, ?> t : tablesOf(n)) {
                Table<?, ?> other = byName.putIfAbsent(t.name(), t);
                if (other != null && other != t) {
                    found.add("Two different tables are named \"" + t.name() + "\" (one used by node \"" + n.name()
                            + "\"); give each table its own name.");
                }
                String rekeyed = rekeyingAncestor(n.name(), new HashSet<>());
                if (rekeyed != null) {
                    found.add("Table \"" + t.name() + "\" is fed by node \"" + n.name() + "\", whose records were re-keyed by \""
                            + rekeyed + "\" after they were partitioned, so they are not co-partitioned with the table:"
                            + " groupBy(...) first, so that each key's records reach the task that holds its part of the table.");
                }
            }
        }
    }

    private String rekeyingAncestor(String node, Set<String> seen) {
        for (String p : parents.get(node)) {
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
            String above = rekeyingAncestor(p, seen);
            if (above != null) {
                return above;
            }
        }
        return null;
    }

    private List<SubTopology> subTopologies(Map<String, List<String>> children) {
        // Union-find over edges, except the edge out of a repartition node: that one crosses Kafka.
        Map<String, String> root = new HashMap<>();
        nodes.keySet().forEach(n -> root.put(n, n));
        for (Map.Entry<String, List<String>> e : parents.entrySet()) {
            for (String p : e.getValue()) {
                if (!(nodes.get(p) instanceof Node.Repartition)) {
                    union(root, p, e.getKey());
                }
            }
        }
        // Children of one repartition node share a sub-topology: they read the same topic.
        for (Node n : nodes.values()) {
            if (n instanceof Node.Repartition) {
                List<String> cs = children.get(n.name());
                for (int i = 1; i < cs.size(); i++) {
                    union(root, cs.get(0), cs.get(i));
                }
            }
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String n : nodes.keySet()) {
            groups.computeIfAbsent(find(root, n), k -> new ArrayList<>()).add(n);
        }
        // A repartition node also belongs to the group of its children, where it acts as the source.
        Map<String, String> readerGroup = new HashMap<>();
        for (Node n : nodes.values()) {
            if (n instanceof Node.Repartition && !children.get(n.name()).isEmpty()) {
                readerGroup.put(n.name(), find(root, children.get(n.name()).get(0)));
            }
        }
        List<SubTopology> result = new ArrayList<>();
        int id = 0;
        Map<String, String> tableGroup = new HashMap<>();
        for (Node n : nodes.values()) {
            for (Table<?, ?> t : tablesOf(n)) {
                String group = find(root, n.name());
                String previous = tableGroup.putIfAbsent(t.name(), group);
                if (previous != null && !previous.equals(group)) {
                    throw new TopologyException(appId, List.of("Table \"" + t.name() + "\" is used on both sides of a repartition"
                            + " (by node \"" + n.name() + "\" and a node before the repartition); a table lives in the tasks of one"
                            + " sub-topology: use it only after (or only before) the groupBy."));
                }
            }
        }
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            List<String> members = new ArrayList<>();
            Map<String, String> sources = new LinkedHashMap<>();
            Set<String> outputs = new LinkedHashSet<>();
            Set<String> tables = new LinkedHashSet<>();
            for (Node n : nodes.values()) {
                boolean own = g.getValue().contains(n.name());
                boolean reads = g.getKey().equals(readerGroup.get(n.name()));
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
            result.add(new SubTopology(id++, members, sources, outputs, tables));
        }
        return result;
    }

    private static String find(Map<String, String> root, String n) {
        String r = n;
        while (!root.get(r).equals(r)) {
            r = root.get(r);
        }
        root.put(n, r);
        return r;
    }

    private static void union(Map<String, String> root, String a, String b) {
        String ra = find(root, a);
        String rb = find(root, b);
        if (!ra.equals(rb)) {
            root.put(rb, ra);
        }
    }
}
