package dev.weir.dsl.internal;

import dev.weir.dsl.Table;
import dev.weir.dsl.TableOptions;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Serde;
import dev.weir.topology.Topology;
import dev.weir.topology.TopologyBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
    private final List<Op> ops = new ArrayList<>();
    /** Names given by the user (or by the topic or groupBy name); every other node's is derived. */
    private final Map<Op, String> explicitNames = new IdentityHashMap<>();
    private final Map<String, Op> sources = new LinkedHashMap<>();
    private final Map<String, Table<?, ?>> tables = new LinkedHashMap<>();
    private final Map<String, dev.weir.dsl.GlobalTable<?, ?>> globalTables = new LinkedHashMap<>();
    private final java.util.Set<String> recordsTables = new java.util.HashSet<>();

    private final JoinBuffers joinBuffers;

    /** Makes the tables that buffer the sides of stream-stream joins (their constructor is the DSL's own). */
    @FunctionalInterface
    public interface JoinBuffers {
        Table<?, ?> create(String name, Serde<?> keySerde, Serde<?> valueSerde, TableOptions options, long retentionMs);
    }

    public StreamGraph(String appId, JoinBuffers joinBuffers) {
        this.appId = appId;
        this.joinBuffers = joinBuffers;
    }

    /** Declares the buffer of one side of a stream-stream join: a table of the app, so its name is taken. */
    Table<?, ?> joinBuffer(String name, Serde<?> keySerde, Serde<?> valueSerde, TableOptions options, long retentionMs) {
        Table<?, ?> t = joinBuffers.create(name, keySerde, valueSerde, options, retentionMs);
        if (tables.containsKey(name)) {
            throw new IllegalArgumentException("The join's internal table \"" + name + "\" takes a name already used by table "
                    + tables.get(name) + "; give the join another name");
        }
        declare(t);
        return t;
    }

    /**
     * The table of a sliding windowed table's records (each one's own aggregate), {@code <table>-records}: one per
     * table, shared by every aggregate into it.
     */
    Table<?, ?> recordsTable(Table<?, ?> windowed, long retentionMs) {
        String name = windowed.name() + "-records";
        Table<?, ?> existing = tables.get(name);
        if (existing != null && recordsTables.contains(name)) {
            return existing;
        }
        if (existing != null) {
            throw new IllegalArgumentException("Sliding windowed table \"" + windowed.name() + "\" keeps its records in an internal"
                    + " table \"" + name + "\", a name already used by table " + existing + "; rename one of the two tables");
        }
        Table<?, ?> t = joinBuffers.create(name, windowed.keySerde(), windowed.valueSerde(), windowed.options(), retentionMs);
        declare(t);
        recordsTables.add(name);
        return t;
    }

    /** Declares an internal table of a join ({@code <join>-...}), changelogged and compacted; its name is taken. */
    Table<?, ?> internalTable(String name, Serde<?> keySerde, Serde<?> valueSerde, TableOptions options) {
        return joinBuffer(name, keySerde, valueSerde, options, -1);
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

    /** Registers a global table of the app; one topic, one global table. */
    public void declare(dev.weir.dsl.GlobalTable<?, ?> table) {
        dev.weir.dsl.GlobalTable<?, ?> existing = globalTables.putIfAbsent(table.name(), table);
        if (existing != null) {
            throw new IllegalArgumentException("Topic \"" + table.name() + "\" already has a global table (" + existing
                    + "); declare it once and reuse the GlobalTable object");
        }
    }

    void checkDeclared(dev.weir.dsl.GlobalTable<?, ?> table) {
        if (globalTables.get(table.name()) != table) {
            throw new IllegalArgumentException("Global table \"" + table.name() + "\" was not declared by app \"" + appId
                    + "\"; declare it with app.globalTable(topic)");
        }
    }

    void checkDeclared(Table<?, ?> table) {
        if (tables.get(table.name()) != table.declared()) {
            throw new IllegalArgumentException("Table \"" + table.name() + "\" was not declared by app \"" + appId
                    + "\"; declare it with app.table(...)");
        }
    }

    /** The single source node of {@code topic}: every stream and agent on a topic shares it. */
    Op source(Topic<?, ?> topic) {
        return sources.computeIfAbsent(topic.name(), n -> add(new Op.Source(topic), topic.name()));
    }

    /** Records {@code op}; its node's name will be derived from its first parent's. */
    <T extends Op> T add(T op) {
        ops.add(op);
        return op;
    }

    /** Records {@code op} under the node name {@code name} (derived when null). */
    <T extends Op> T add(T op, String name) {
        add(op);
        if (name != null) {
            explicitNames.put(op, name);
        }
        return op;
    }

    /** The name {@code op} was given, or null when its name is derived. */
    String explicitName(Op op) {
        return explicitNames.get(op);
    }

    /** Gives {@code op} its node name; {@link StreamImpl#named} checked that it has none yet. */
    void name(Op op, String name) {
        explicitNames.put(op, name);
    }

    /** Resolves names and builds the validated topology, which also lists {@code declaredTopics}. */
    public Topology compile(Iterable<Topic<?, ?>> declaredTopics) {
        Map<Op, String> names = resolveNames();
        TopologyBuilder b = Topology.builder(appId);
        for (Op op : ops) {
            op.compile(b, names.get(op), op.parents().stream().map(names::get).toArray(String[]::new), t -> writers(t, names));
        }
        declaredTopics.forEach(b::addTopic);
        return b.build();
    }

    /** The names of the aggregate and toTable nodes that write {@code table}: they forward its changes. */
    private String[] writers(Table<?, ?> table, Map<Op, String> names) {
        return ops.stream().filter(o -> o instanceof Op.Aggregate a && a.table().name().equals(table.name()))
                .map(names::get).toArray(String[]::new);
    }

    /**
     * Explicit names win; every other node is named after its first parent and its operation
     * ({@code clicks.filter}), with {@code #2}, {@code #3} for later siblings that would get
     * the same name. Adding an operator elsewhere therefore never renames a node.
     */
    private Map<Op, String> resolveNames() {
        Set<String> reserved = new HashSet<>(explicitNames.values());
        Map<Op, String> names = new IdentityHashMap<>();
        Set<String> derived = new HashSet<>();
        for (Op op : ops) {
            String explicit = explicitNames.get(op);
            if (explicit != null) {
                names.put(op, explicit);
                continue;
            }
            String base = names.get(op.parents().get(0)) + "." + op.operation();
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
