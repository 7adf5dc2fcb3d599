package dev.weir.dsl.internal;

import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.topology.Topology;
import dev.weir.topology.TopologyBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an app's DSL calls recorded, in order. {@link #compile()} resolves node names and
 * hands the graph to a {@link TopologyBuilder}, which validates it; recording never fails
 * for graph mistakes, so every one of them is reported together, with node names.
 */
public final class StreamGraph {

    private final String appId;
    private final List<OpNode> ops = new ArrayList<>();
    private final Map<String, OpNode> sources = new LinkedHashMap<>();
    private final Map<String, Table<?, ?>> tables = new LinkedHashMap<>();

    public StreamGraph(String appId) {
        this.appId = appId;
    }

    public String appId() {
        return appId;
    }

    /** Registers a table of the app; one name, one table. */
    public void declare(Table<?, ?> table) {
        Table<?, ?> existing = tables.putIfAbsent(table.name(), table);
        if (existing != null && existing != table) {
            throw new IllegalArgumentException("Table \"" + table.name() + "\" is already declared as " + existing
                    + "; declare it once and reuse the Table object");
        }
    }

    void checkDeclared(Table<?, ?> table) {
        if (tables.get(table.name()) != table.declared()) {
            throw new IllegalArgumentException("Table \"" + table.name() + "\" was not declared by app \"" + appId
                    + "\"; declare it with app.table(...)");
        }
    }

    /** The single source node of {@code topic}: every stream and agent on a topic shares it. */
    OpNode source(Topic<?, ?> topic) {
        return sources.computeIfAbsent(topic.name(), n -> add(OpNode.source(topic)));
    }

    OpNode add(OpNode op) {
        ops.add(op);
        return op;
    }

    /** Resolves names and builds the validated topology, which also lists {@code declaredTopics}. */
    public Topology compile(Iterable<Topic<?, ?>> declaredTopics) {
        Map<OpNode, String> names = resolveNames();
        TopologyBuilder b = Topology.builder(appId);
        for (OpNode op : ops) {
            String name = names.get(op);
            String[] parents = op.parents.stream().map(names::get).toArray(String[]::new);
            switch (op.kind) {
                case SOURCE -> b.addSource(name, op.topic);
                case FILTER -> b.addFilter(name, op.predicate, op.negated, parents);
                case PROCESSOR -> b.addProcessor(name, op.operation, op.supplier, op.changesKey, op.tables, parents);
                case TABLE -> b.addTable(name, op.tables.get(0), op.operation.substring(0, op.operation.indexOf('(')),
                        op.keySelector, parents);
                case REPARTITION -> b.addRepartition(name, op.topic, op.keySelector, parents);
                case SINK -> b.addSink(name, op.topic, op.keySelector, parents);
                default -> throw new IllegalStateException("unknown kind " + op.kind);
            }
        }
        declaredTopics.forEach(b::addTopic);
        return b.build();
    }

    /**
     * Explicit names win; every other node is named after its first parent and its operation
     * ({@code clicks.filter}), with {@code #2}, {@code #3} for later siblings that would get
     * the same name. Adding an operator elsewhere therefore never renames a node.
     */
    private Map<OpNode, String> resolveNames() {
        Set<String> reserved = new HashSet<>();
        for (OpNode op : ops) {
            if (op.explicitName != null) {
                reserved.add(op.explicitName);
            }
        }
        Map<OpNode, String> names = new HashMap<>();
        Set<String> derived = new HashSet<>();
        for (OpNode op : ops) {
            if (op.explicitName != null) {
                names.put(op, op.explicitName);
                continue;
            }
            String base = names.get(op.parents.get(0)) + "." + op.operation;
            String name = base;
            for (int i = 2; reserved.contains(name) || derived.contains(name); i++) {
                name = base + "#" + i;
            }
            derived.add(name);
            names.put(op, name);
        }
        return names;
    }
}
