package dev.weir.runtime.engine;

import dev.weir.dsl.Processor;
import dev.weir.dsl.RecordBuffer;
import dev.weir.topology.Node;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The node runners of one task, wired as the sub-topology's edges say. */
final class TaskGraph {

    private final Map<String, SourceRunner> sources;
    private final List<NodeRunner> runners;
    private final List<Buffer> buffers;
    private final Map<String, TableRunner> finalEmitters;

    /** A processor that holds input records across calls, with its node's name. */
    record Buffer(String node, RecordBuffer buffer) {
    }

    private TaskGraph(Map<String, SourceRunner> sources, List<NodeRunner> runners, List<Buffer> buffers,
                      Map<String, TableRunner> finalEmitters) {
        this.finalEmitters = finalEmitters;
        this.sources = sources;
        this.runners = runners;
        this.buffers = buffers;
    }

    /** Instantiates every node of {@code sub} for one task: new processors from their suppliers. */
    @SuppressWarnings("unchecked")
    static TaskGraph build(Topology topology, SubTopology sub, TaskState state, Map<String, TableRuntime> tables,
                           GlobalStores globals) {
        Map<String, NodeRunner> byName = new LinkedHashMap<>();
        Map<String, SourceRunner> sources = new HashMap<>();
        List<Buffer> buffers = new ArrayList<>();
        List<ProcessorRunner> processors = new ArrayList<>();
        Map<String, TableRunner> finalEmitters = new HashMap<>();
        Map<String, StreamJoinRunner.Join> streamJoins = new HashMap<>();
        Map<String, JoinBuffer> recordBuffers = new HashMap<>();
        Map<String, ForeignKeyJoin.Subscriptions> subscriptions = new HashMap<>();
        for (String name : sub.nodes()) {
            Node node = topology.node(name);
            NodeRunner runner;
            if (node instanceof Node.Source s) {
                SourceRunner sr = new SourceRunner(name, state, s.topic());
                sources.put(s.topic().name(), sr);
                runner = sr;
            } else if (node instanceof Node.Repartition r) {
                if (sub.sourceTopics().contains(r.topic().name())) {
                    SourceRunner sr = new SourceRunner(name, state, r.topic());
                    sources.put(r.topic().name(), sr);
                    runner = sr;
                } else {
                    runner = new WriterRunner(name, state, r.topic(), r.keySelector(), r.keySelector() != null);
                }
            } else if (node instanceof Node.Sink s) {
                runner = new WriterRunner(name, state, s.topic(), s.keySelector(), false);
            } else if (node instanceof Node.TableNode t) {
                JoinBuffer records = t.records() == null ? null : recordBuffers.computeIfAbsent(t.records().name(),
                        r -> new JoinBuffer(tables.get(r), TableRunner.recordsKeptFor(t.table().windowing())));
                TableRunner tr = new TableRunner(name, state, tables.get(t.table().name()), t.aggregator(), t.merger(), records);
                if (tr.emitsFinal()) {
                    finalEmitters.put(t.table().name(), tr);
                }
                runner = tr;
            } else if (node instanceof Node.StreamTableJoin j) {
                runner = new JoinRunner(name, state, tables.get(j.table().name()), j.joiner(), j.left());
            } else if (node instanceof Node.StreamStreamJoin j) {
                String leftTable = (j.left() ? j.table() : j.other()).name();
                String rightTable = (j.left() ? j.other() : j.table()).name();
                StreamJoinRunner.Join join = streamJoins.computeIfAbsent(leftTable,
                        t -> new StreamJoinRunner.Join(tables.get(leftTable), tables.get(rightTable), j.windows()));
                runner = new StreamJoinRunner(name, state, join, j);
            } else if (node instanceof Node.ForeignKeyJoin j) {
                runner = ForeignKeyJoin.runner(j, state, tables, subscriptions);
            } else if (node instanceof Node.GlobalTableJoin j) {
                runner = new GlobalJoinRunner(name, state, globals.get(j.table().name()), j.keySelector(), j.joiner(), j.left());
            } else if (node instanceof Node.TableTableJoin j) {
                runner = new TableJoinRunner(name, state, tables.get(j.other().name()), j.joiner(), j.joinKind(), j.left());
            } else if (node instanceof Node.Filter f) {
                runner = new FilterRunner(name, state, f.predicate(), f.negated());
            } else {
                Node.ProcessorNode p = (Node.ProcessorNode) node;
                Processor<Object, Object, Object, Object> processor = Objects.requireNonNull(p.supplier().get(),
                        () -> "The supplier of processor \"" + name + "\" returned null");
                ProcessorRunner pr = new ProcessorRunner(name, state, processor);
                processors.add(pr);
                if (processor instanceof RecordBuffer b) {
                    buffers.add(new Buffer(name, b));
                }
                runner = pr;
            }
            byName.put(name, runner);
        }
        for (Map.Entry<String, NodeRunner> e : byName.entrySet()) {
            NodeRunner runner = e.getValue();
            if (runner instanceof WriterRunner) {
                continue;
            }
            List<NodeRunner> children = new ArrayList<>();
            for (String c : topology.children(e.getKey())) {
                NodeRunner child = byName.get(c);
                if (child != null) {
                    children.add(child);
                }
            }
            runner.setChildren(children.toArray(new NodeRunner[0]));
        }
        processors.forEach(ProcessorRunner::init);
        return new TaskGraph(sources, List.copyOf(byName.values()), List.copyOf(buffers), Map.copyOf(finalEmitters));
    }

    /** The runner reading {@code topic}, or null when this task does not read it. */
    SourceRunner source(String topic) {
        return sources.get(topic);
    }

    /** The node that emits the closed windows of {@code table} (an aggregate into an emit-final table), or null. */
    TableRunner finalEmitter(String table) {
        return finalEmitters.get(table);
    }

    /** Processors that hold input records across calls. */
    List<Buffer> buffers() {
        return buffers;
    }

    /** Closes every processor; the first failure is rethrown after all were closed. */
    void close() {
        RuntimeException first = null;
        for (NodeRunner r : runners) {
            try {
                r.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
