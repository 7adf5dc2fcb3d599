package dev.weir.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.dsl.TopicOptions;
import dev.weir.serdes.Serde;
import dev.weir.serdes.Serdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code describe --format json} and {@code check-upgrade}, run as a user runs them: through the app's command line. */
class CheckUpgradeTest {

    @TempDir
    Path dir;

    /** The deployed version's shape, and the variations a new version might bring. */
    private static App app(String countsName, Serde<Long> countSerde, int clickPartitions, boolean extraBranch,
                           boolean windowed) {
        App app = App.create("clicks-app");
        Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string(), TopicOptions.partitions(clickPartitions));
        Topic<String, Long> out = app.topic("counts", Serdes.string(), countSerde);
        Table<String, Long> counts = app.table(countsName, Serdes.string(), countSerde, 0L);
        if (windowed) {
            app.stream(clicks).groupBy(v -> v, Serdes.string(), "by-page").count(counts.tumbling(Duration.ofMinutes(1)))
                    .foreach(v -> { });
        } else {
            app.stream(clicks).groupBy(v -> v, Serdes.string(), "by-page").count(counts).to(out);
        }
        if (extraBranch) {
            app.stream(clicks).filter(v -> v.startsWith("/admin")).to(app.topic("admin-clicks", Serdes.string(), Serdes.string()));
        }
        return app;
    }

    private static App deployed() {
        return app("page-counts", Serdes.longs(), 4, false, false);
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(App app, String... args) {
        return new WeirCli().run(app, new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path describeDeployed() throws Exception {
        assertThat(run(deployed(), "describe", "--format", "json")).isZero();
        Path file = dir.resolve("deployed.json");
        Files.writeString(file, out.toString());
        out.getBuffer().setLength(0);
        return file;
    }

    @Test
    void theJsonFormIsStableAndNamesTablesTopicsAndSubTopologies() throws Exception {
        Path file = describeDeployed();
        String json = Files.readString(file);
        assertThat(run(deployed(), "describe", "--format", "json")).isZero();
        assertThat(out.toString()).as("the same program, the same bytes").isEqualTo(json);
        assertThat(json).contains("\"format\" : \"weir-topology\"", "\"version\" : 1", "\"app\" : \"clicks-app\"",
                "\"changelog\" : \"clicks-app-page-counts-changelog\"", "\"role\" : \"repartition\"", "\"partitions\" : 4");
    }

    @Test
    void theSameTopologyAndAnAddedStatelessBranchAreSafe() throws Exception {
        Path file = describeDeployed();
        assertThat(run(deployed(), "check-upgrade", "--against", file.toString())).isZero();
        assertThat(out.toString()).contains("No change breaks the state of app \"clicks-app\" (0 safe changes)");

        out.getBuffer().setLength(0);
        assertThat(run(app("page-counts", Serdes.longs(), 4, true, false), "check-upgrade", "--against", file.toString())).isZero();
        assertThat(out.toString()).contains("safe: Topic \"admin-clicks\" (sink) is new", "safe: Nodes added: [clicks.filter")
                .doesNotContain("BREAKING");
    }

    @Test
    void aRenamedTableIsRefused() throws Exception {
        Path file = describeDeployed();
        assertThat(run(app("pages", Serdes.longs(), 4, false, false), "check-upgrade", "--against", file.toString())).isEqualTo(1);
        assertThat(out.toString())
                .contains("BREAKING: Table \"page-counts\" is gone (renamed or removed): its state, in changelog"
                        + " \"clicks-app-page-counts-changelog\", would be left behind")
                .contains("safe: Table \"pages\" is new: it starts empty")
                .contains("1 change(s) would break app \"clicks-app\"");
    }

    @Test
    void aChangedValueSerdeIsRefused() throws Exception {
        Path file = describeDeployed();
        assertThat(run(app("page-counts", Serdes.json(Long.class), 4, false, false), "check-upgrade", "--against",
                file.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("BREAKING: Table \"page-counts\"'s value serde changes from long to json(Long)");
    }

    @Test
    void aChangedPartitionCountIsRefused() throws Exception {
        Path file = describeDeployed();
        assertThat(run(app("page-counts", Serdes.longs(), 8, false, false), "check-upgrade", "--against", file.toString()))
                .isEqualTo(1);
        assertThat(out.toString()).contains("BREAKING: Topic \"clicks\"'s partition count changes from 4 to 8");
    }

    @Test
    void windowingATableIsRefused() throws Exception {
        Path file = describeDeployed();
        assertThat(run(app("page-counts", Serdes.longs(), 4, false, true), "check-upgrade", "--against", file.toString()))
                .isEqualTo(1);
        assertThat(out.toString()).contains("BREAKING: Table \"page-counts\"'s windows changes from none to tumbling(PT1M");
    }

    private static App perUser(boolean withTaps) {
        App app = App.create("clicks-app");
        Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string(), TopicOptions.partitions(4));
        Table<String, Long> counts = app.table("user-counts", Serdes.string(), Serdes.longs(), 0L);
        dev.weir.dsl.Stream<String, String> events = app.stream(clicks);
        if (withTaps) {
            events = events.merge(app.stream(app.topic("taps", Serdes.string(), Serdes.string(), TopicOptions.partitions(4))));
        }
        events.count(counts).foreach(v -> { });
        return app;
    }

    @Test
    void aSourceAddedToASubTopologyThatHoldsStateIsRefused() throws Exception {
        assertThat(run(perUser(false), "describe", "--format", "json")).isZero();
        Path file = dir.resolve("per-user.json");
        Files.writeString(file, out.toString());
        out.getBuffer().setLength(0);

        assertThat(run(perUser(true), "check-upgrade", "--against", file.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("BREAKING: Sub-topology 0, which holds tables [user-counts], now also reads topic"
                + " \"taps\"");
    }

    @Test
    void aFileThatIsNotADescriptionIsAnErrorNotAVerdict() throws Exception {
        Path file = dir.resolve("other.json");
        Files.writeString(file, "{\"hello\": 1}");
        assertThat(run(deployed(), "check-upgrade", "--against", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is not a Weir topology description").contains("describe --format json");
    }
}
