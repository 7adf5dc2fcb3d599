package dev.weir.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.weir.dsl.Processor;
import dev.weir.dsl.Topic;
import dev.weir.dsl.TopicOptions;
import dev.weir.serdes.Serdes;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TopologyBuilderTest {

    private static final Topic<String, String> IN = Topic.of("in", Serdes.string(), Serdes.string(), TopicOptions.defaults());
    private static final Topic<String, String> OUT = Topic.of("out", Serdes.string(), Serdes.string(), TopicOptions.defaults());
    private static final Supplier<Processor<Object, Object, Object, Object>> NOOP = () -> r -> { };

    @Test
    void validGraphBuildsWithEdgesInDeclarationOrder() {
        Topology t = Topology.builder("app")
                .addSource("in", IN)
                .addFilter("f", (k, v) -> true, false, "in")
                .addProcessor("p", "map", NOOP, "in")
                .addSink("s", OUT, null, "f", "p")
                .build();

        assertThat(t.children("in")).containsExactly("f", "p");
        assertThat(t.parents("s")).containsExactly("f", "p");
        assertThat(t.subTopologies()).hasSize(1);
        assertThat(t.subTopologies().get(0).sourceTopics()).containsExactly("in");
        assertThat(t.subTopologies().get(0).outputTopics()).containsExactly("out");
    }

    @Test
    void everyProblemIsReportedAtOnceWithNodeNames() {
        Topic<String, String> noSerde = Topic.of("bare", null, Serdes.string(), TopicOptions.defaults());
        TopologyException e = catchThrowableOfType(TopologyException.class, () -> Topology.builder("app")
                .addSource("in", IN)
                .addFilter("dup", (k, v) -> true, false, "in")
                .addProcessor("dup", "map", NOOP, "in")
                .addProcessor("orphan", "map", NOOP, "nowhere")
                .addSink("bare-sink", noSerde, null, "in")
                .build());

        assertThat(e.problems()).hasSize(4);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("Duplicate node name \"dup\"").contains("Filter").contains("Processor"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("\"orphan\" names an unknown parent \"nowhere\""));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("\"orphan\" has no path from a source"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("Sink \"bare-sink\" has no key serde for topic \"bare\""));
        assertThat(e.getMessage()).startsWith("Topology of app \"app\" is not valid (4 problems):");
    }

    @Test
    void cycleIsRefusedNamingTheNodesOnIt() {
        assertThatThrownBy(() -> Topology.builder("app")
                .addSource("in", IN)
                .addProcessor("a", "map", NOOP, "in", "c")
                .addProcessor("b", "map", NOOP, "a")
                .addProcessor("c", "map", NOOP, "b")
                .build())
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("Nodes a -> b -> c -> a form a cycle");
    }

    @Test
    void nodesWithoutAPathFromASourceAreRefused() {
        assertThatThrownBy(() -> Topology.builder("app")
                .addSource("in", IN)
                .addProcessor("a", "map", NOOP, "b")
                .addProcessor("b", "map", NOOP, "a")
                .build())
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("Processor \"a\" has no path from a source")
                .hasMessageContaining("Processor \"b\" has no path from a source");
    }

    @Test
    void childOfASinkAndTopicReadTwiceAreRefused() {
        assertThatThrownBy(() -> Topology.builder("app")
                .addSource("in", IN)
                .addSource("in-again", IN)
                .addSink("s", OUT, null, "in")
                .addProcessor("after-sink", "map", NOOP, "s")
                .build())
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("Topic \"in\" is read by both \"in\" and \"in-again\"")
                .hasMessageContaining("has the sink \"s\" as parent");
    }

    @Test
    void repartitionSplitsSubTopologiesAndAppearsInBoth() {
        Topic<String, String> rep = Topic.internal("app-by-x-repartition", Serdes.string(), Serdes.string(), TopicOptions.defaults());
        Topology t = Topology.builder("app")
                .addSource("in", IN)
                .addFilter("f", (k, v) -> true, false, "in")
                .addRepartition("by-x", rep, (k, v) -> v, "f")
                .addProcessor("after", "mapValues", NOOP, "by-x")
                .addSink("s", OUT, null, "after")
                .build();

        assertThat(t.subTopologies()).hasSize(2);
        SubTopology first = t.subTopologies().get(0);
        SubTopology second = t.subTopologies().get(1);
        assertThat(first.nodes()).containsExactly("in", "f", "by-x");
        assertThat(first.outputTopics()).containsExactly("app-by-x-repartition");
        assertThat(second.nodes()).containsExactly("by-x", "after", "s");
        assertThat(second.sourceNodes()).containsEntry("app-by-x-repartition", "by-x");
        assertThat(t.internalTopics()).extracting(Topic::name).containsExactly("app-by-x-repartition");
    }

    @Test
    void aSelfLoopAndTwoSeparateCyclesAreEachReportedOnce() {
        TopologyException e = catchThrowableOfType(TopologyException.class, () -> Topology.builder("app")
                .addSource("in", IN)
                .addProcessor("self", "map", NOOP, "in", "self")
                .addProcessor("a", "map", NOOP, "in", "b")
                .addProcessor("b", "map", NOOP, "a")
                .build());

        assertThat(e.problems()).containsExactly(
                "Nodes self -> self form a cycle; a topology must be acyclic (loop through a topic if you need feedback).",
                "Nodes a -> b -> a form a cycle; a topology must be acyclic (loop through a topic if you need feedback).");
    }
}
