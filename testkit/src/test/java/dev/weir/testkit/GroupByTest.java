package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.Processor;
import dev.weir.dsl.ProcessorContext;
import dev.weir.dsl.Record;
import dev.weir.dsl.Repartition;
import dev.weir.dsl.Topic;
import dev.weir.dsl.TopicOptions;
import dev.weir.serdes.Serdes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class GroupByTest {

    record Purchase(String customer, String item, long cents) {
    }

    /** Running count per key, kept in a plain field: enough to see which task owns which key. */
    static final class RunningCount implements Processor<String, Purchase, String, String> {
        private final Map<String, Long> counts = new HashMap<>();
        private ProcessorContext<String, String> ctx;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.ctx = context;
        }

        @Override
        public void process(Record<String, Purchase> r) {
            long n = counts.merge(r.key(), 1L, Long::sum);
            ctx.forward(r.withValue(ctx.taskId() + "=" + n));
        }
    }

    private static int kafkaPartition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Test
    void groupByRoutesEqualKeysToOnePartitionAsKafkasPartitionerWould() {
        App app = App.create("shop");
        Topic<String, Purchase> purchases = app.topic("purchases", Serdes.string(), Serdes.json(Purchase.class),
                TopicOptions.partitions(4));
        Topic<String, String> counts = app.topic("counts", Serdes.string(), Serdes.string());
        app.stream(purchases).groupBy(Purchase::customer, Serdes.string(), "by-customer")
                .process("count", RunningCount::new).to(counts);

        try (TestDriver d = TestDriver.builder(app.topology()).partitions("counts", 4).build()) {
            assertThat(d.partitions("shop-by-customer-repartition")).isEqualTo(4);
            assertThat(d.tasks()).hasSize(8);

            Map<String, Long> expected = new HashMap<>();
            for (int i = 0; i < 400; i++) {
                String customer = "customer-" + (i % 23);
                // Keys of the input topic are unrelated to the customer, so input partitions mix customers.
                d.input(purchases).send("order-" + i, new Purchase(customer, "item-" + i, i));
                expected.merge(customer, 1L, Long::sum);
            }

            Map<String, Set<Integer>> partitionsSeen = new HashMap<>();
            for (TestRecord<String, Purchase> r : d.output(Topic.of("shop-by-customer-repartition", Serdes.string(),
                    Serdes.json(Purchase.class), TopicOptions.defaults())).readRecords()) {
                partitionsSeen.computeIfAbsent(r.key(), k -> new HashSet<>()).add(r.partition());
            }
            partitionsSeen.forEach((customer, parts) ->
                    assertThat(parts).as(customer).containsExactly(kafkaPartition(customer, 4)));

            Map<String, String> last = new HashMap<>();
            for (TestRecord<String, String> r : d.output(counts).readRecords()) {
                last.put(r.key(), r.value());
            }
            assertThat(last).hasSize(23);
            expected.forEach((customer, n) ->
                    assertThat(last.get(customer)).isEqualTo("1_" + kafkaPartition(customer, 4) + "=" + n));
        }
    }

    @Test
    void repartitionTopicTakesAnExplicitPartitionCount() {
        App app = App.create("shop");
        Topic<String, Purchase> purchases = app.topic("purchases", Serdes.string(), Serdes.json(Purchase.class),
                TopicOptions.partitions(2));
        app.stream(purchases).groupBy(Purchase::item, Repartition.<String, Purchase>as("by-item")
                .withKeySerde(Serdes.string()).withPartitions(5)).foreach(p -> { });
        try (TestDriver d = TestDriver.create(app.topology())) {
            assertThat(d.partitions("shop-by-item-repartition")).isEqualTo(5);
            assertThat(d.tasks()).extracting(Object::toString)
                    .containsExactly("0_0", "0_1", "1_0", "1_1", "1_2", "1_3", "1_4");
        }
    }

    @Test
    void sourcesOfOneSubTopologyMustBeCoPartitioned() {
        App app = App.create("shop");
        Topic<String, String> orders = app.topic("orders", Serdes.string(), Serdes.string());
        Topic<String, String> payments = app.topic("payments", Serdes.string(), Serdes.string());
        app.stream(orders).merge(app.stream(payments)).foreach(v -> { });

        assertThatThrownBy(() -> TestDriver.builder(app.topology()).partitions("orders", 4).partitions("payments", 6).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Topics [orders (4 partitions), payments (6 partitions)] feed sub-topology 0")
                .hasMessageContaining("but are not co-partitioned: repartition one with groupBy(...) or create them with equal partition counts.");
    }

    @Test
    void declaredPartitionCountsOfOneSubTopologysSourcesMustAgreeWhenTheTopologyIsBuilt() {
        App app = App.create("shop");
        Topic<String, String> orders = app.topic("orders", Serdes.string(), Serdes.string(), TopicOptions.partitions(4));
        Topic<String, String> payments = app.topic("payments", Serdes.string(), Serdes.string(), TopicOptions.partitions(6));
        app.stream(orders).merge(app.stream(payments)).foreach(v -> { });

        assertThatThrownBy(app::topology)
                .isInstanceOf(dev.weir.topology.TopologyException.class)
                .hasMessageContaining("Topics [orders, payments] are read together")
                .hasMessageContaining("different partition counts [4, 6]");
    }

    @Test
    void chainedGroupBysRepartitionTwice() {
        App app = App.create("shop");
        Topic<String, Purchase> purchases = app.topic("purchases", Serdes.string(), Serdes.json(Purchase.class),
                TopicOptions.partitions(3));
        Topic<String, Purchase> out = app.topic("out", Serdes.string(), Serdes.json(Purchase.class));
        app.stream(purchases)
                .groupBy(Purchase::customer, Serdes.string(), "by-customer")
                .groupBy(Purchase::item, Serdes.string(), "by-item")
                .to(out);
        try (TestDriver d = TestDriver.create(app.topology())) {
            assertThat(d.topology().subTopologies()).hasSize(3);
            assertThat(d.partitions("shop-by-item-repartition")).isEqualTo(3);
            d.input(purchases).send("o1", new Purchase("c1", "i1", 1)).send("o2", new Purchase("c2", "i1", 2));
            assertThat(d.output(out).readKeyValues()).extracting(kv -> kv.key()).containsExactly("i1", "i1");
            assertThat(d.output(out).isEmpty()).isTrue();
        }
    }
}
