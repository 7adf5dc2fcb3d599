package dev.weir.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Serdes;
import dev.weir.topology.Node;
import dev.weir.topology.Topology;
import dev.weir.topology.TopologyException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppTest {

    record Click(String uri, int number) {
    }

    private final App app = App.create("clicks-app");
    private final Topic<String, Click> clicks = app.topic("clicks", Serdes.string(), Serdes.json(Click.class));
    private final Topic<String, Click> popular = app.topic("popular", Serdes.string(), Serdes.json(Click.class));

    private static List<String> names(Topology t) {
        return t.nodes().stream().map(Node::name).toList();
    }

    @Test
    void derivedNamesFollowTheChainFromTheTopic() {
        app.stream(clicks).filter(c -> c.number() >= 100).mapValues(c -> c).to(popular);

        assertThat(names(app.topology()))
                .containsExactly("clicks", "clicks.filter", "clicks.filter.mapValues", "clicks.filter.mapValues.to(popular)");
    }

    @Test
    void addingAnOperatorElsewhereRenamesNothing() {
        App before = App.create("a");
        Topic<String, Click> in = before.topic("clicks", Serdes.string(), Serdes.json(Click.class));
        before.stream(in).filter(c -> true).foreach(c -> { });
        List<String> old = names(before.topology());

        App after = App.create("a");
        Topic<String, Click> in2 = after.topic("clicks", Serdes.string(), Serdes.json(Click.class));
        after.agent(in2, c -> { });
        after.stream(in2).filter(c -> true).foreach(c -> { });

        assertThat(names(after.topology())).containsAll(old).contains("clicks.agent");
    }

    @Test
    void siblingsWithTheSameOperationAreNumbered() {
        Stream<String, Click> s = app.stream(clicks);
        s.filter(c -> true).foreach(c -> { });
        s.filter(c -> false).foreach(c -> { });

        assertThat(names(app.topology())).containsExactly(
                "clicks", "clicks.filter", "clicks.filter.foreach", "clicks.filter#2", "clicks.filter#2.foreach");
    }

    @Test
    void explicitNamesWinAndNameDescendants() {
        app.stream(clicks).filter(c -> true).named("popular-only").to(popular);

        assertThat(names(app.topology())).containsExactly("clicks", "popular-only", "popular-only.to(popular)");
    }

    @Test
    void namingANodeTwiceFailsAtTheCall() {
        Stream<String, Click> s = app.stream(clicks).filter(c -> true).named("x");
        assertThatThrownBy(() -> s.named("y")).isInstanceOf(IllegalStateException.class).hasMessageContaining("already named \"x\"");
    }

    @Test
    void duplicateExplicitNamesAreReportedByTopology() {
        app.stream(clicks).filter(c -> true).named("same").foreach(c -> { });
        app.stream(clicks).filterNot(c -> true).named("same").foreach(c -> { });

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Duplicate node name \"same\"");
    }

    @Test
    void groupByCreatesAnInternalRepartitionTopicNamedFromAppAndName() {
        app.stream(clicks).groupBy(Click::uri, Serdes.string(), "by-uri").to(popular);

        Topology t = app.topology();
        assertThat(t.internalTopics()).extracting(Topic::name).containsExactly("clicks-app-by-uri-repartition");
        assertThat(t.subTopologies()).hasSize(2);
        assertThat(t.node("by-uri")).isInstanceOf(Node.Repartition.class);
    }

    @Test
    void groupByAfterAValueChangeNeedsAValueSerdeAndSaysSo() {
        app.stream(clicks).mapValues(Click::number).groupBy(n -> "k" + n, Serdes.string(), "by-k").foreach(v -> { });

        assertThatThrownBy(app::topology).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Repartition \"by-k\" has no value serde for topic \"clicks-app-by-k-repartition\"")
                .hasMessageContaining("withValueSerde");
    }

    @Test
    void repartitionOptionsSetSerdesAndPartitions() {
        app.stream(clicks).mapValues(Click::number)
                .groupBy(n -> "k" + n, Repartition.<String, Integer>as("by-k").withKeySerde(Serdes.string())
                        .withValueSerde(Serdes.ints()).withPartitions(6))
                .foreach(v -> { });

        Topic<?, ?> rep = app.topology().topics().get("clicks-app-by-k-repartition");
        assertThat(rep.options().partitionCount()).hasValue(6);
        assertThat(rep.isInternal()).isTrue();
    }

    @Test
    void illegalNamesFailAtTheCallThatMadeThem() {
        assertThatThrownBy(() -> App.create("my app")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("App id \"my app\" has characters Kafka does not allow");
        assertThatThrownBy(() -> app.stream(clicks).groupBy(Click::uri, Serdes.string(), "by/uri"))
                .hasMessageContaining("Repartition name \"by/uri\"");
        assertThatThrownBy(() -> app.topic("", Serdes.string(), Serdes.string())).hasMessageContaining("Topic name must not be empty");
    }

    @Test
    void redeclaringATopicWithOtherSerdesFails() {
        assertThat(app.topic("clicks", clicks.keySerde(), clicks.valueSerde())).isSameAs(clicks);
        assertThatThrownBy(() -> app.topic("clicks", Serdes.string(), Serdes.string()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Topic \"clicks\" is already declared");
    }

    @Test
    void streamsOfUndeclaredTopicsAreRefused() {
        Topic<String, String> foreign = Topic.of("other", Serdes.string(), Serdes.string(), TopicOptions.defaults());
        assertThatThrownBy(() -> app.stream(foreign)).hasMessageContaining("Topic \"other\" was not declared by app \"clicks-app\"");
    }

    @Test
    void splitNamesBranchesAfterTheSplit() {
        Map<String, Stream<String, Click>> b = app.stream(clicks).split("by-size")
                .branch("big", c -> c.number() >= 100)
                .defaultBranch("rest");
        b.get("big").to(popular);

        assertThat(b).containsOnlyKeys("big", "rest");
        assertThat(names(app.topology())).contains("by-size", "by-size.big", "by-size.rest", "by-size.big.to(popular)");
        assertThatThrownBy(() -> app.stream(clicks).split("s").branch("a", c -> true).branch("a", c -> true))
                .hasMessageContaining("already has a branch \"a\"");
    }

    @Test
    void takeValidatesItsArguments() {
        assertThatThrownBy(() -> app.stream(clicks).take(0, Duration.ofSeconds(1))).hasMessageContaining("n >= 1");
        assertThatThrownBy(() -> app.stream(clicks).take(10, Duration.ZERO)).hasMessageContaining("within >= 1 ms");
    }

    @Test
    void describeListsSubTopologiesNodesTopicsAndEdges() {
        app.agent(clicks, c -> { });
        app.stream(clicks).filter(c -> c.number() >= 100).to(popular, Click::uri);
        app.stream(clicks).groupBy(Click::uri, Serdes.string(), "by-uri").foreach(c -> { });

        String d = app.topology().describe();

        assertThat(d).contains("Topology of app \"clicks-app\"")
                .contains("Sub-topology 0 (reads: clicks)")
                .contains("Source: clicks (topic: clicks, key: string, value: json(Click))")
                .contains("--> clicks.agent, clicks.filter, by-uri")
                .contains("Sink: clicks.filter.to(popular) (topic: popular, key: from function)")
                .contains("Repartition: by-uri (topic: clicks-app-by-uri-repartition")
                .contains("Sub-topology 1 (reads: clicks-app-by-uri-repartition)")
                .contains("Repartition source: by-uri (topic: clicks-app-by-uri-repartition)");
    }

    @Test
    void mermaidAndDotDrawTopicsNodesAndEdges() {
        app.stream(clicks).filter(c -> true).to(popular);
        Topology t = app.topology();

        assertThat(t.toMermaid()).startsWith("flowchart LR")
                .contains("t0([\"clicks\"])").contains("subgraph s0").contains("t0 --> n0").contains("n0 --> n1").contains("n2 --> t1");
        assertThat(t.toDot()).startsWith("digraph \"clicks-app\"")
                .contains("cluster_0").contains("t0 -> n0;").contains("n2 -> t1;");
    }
}
