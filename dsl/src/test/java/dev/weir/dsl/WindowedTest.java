package dev.weir.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import dev.weir.serdes.Serdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The windowed key and the bytes its serde writes, as the javadoc documents them. */
class WindowedTest {

    private final Serde<Windowed<String>> serde = Windowed.serde(Serdes.string());

    @Test
    void bytesAreTheKeyThenStartAndEndAsBigEndianLongs() {
        byte[] bytes = serde.serialize(new Windowed<>("/cart", new Window(60_000, 120_000)));

        ByteBuffer expected = ByteBuffer.allocate(5 + 16).put("/cart".getBytes(StandardCharsets.UTF_8)).putLong(60_000).putLong(120_000);
        assertThat(bytes).isEqualTo(expected.array());
        assertThat(serde.deserialize(bytes)).isEqualTo(new Windowed<>("/cart", new Window(60_000, 120_000)));
        assertThat(serde.describe()).isEqualTo("windowed(string)");
        assertThat(serde.serialize(null)).isNull();
    }

    @Test
    void bytesThatCannotBeAWindowedKeyAreRefusedSayingWhy() {
        assertThatThrownBy(() -> serde.deserialize("orders", dev.weir.serdes.Headers.create(), new byte[] {1, 2, 3}))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("from topic \"orders\": 3 bytes, but a windowed key ends with 16 bytes of window start and end");
        byte[] backwards = ByteBuffer.allocate(17).put((byte) 'k').putLong(200).putLong(100).array();
        assertThatThrownBy(() -> serde.deserialize(backwards)).isInstanceOf(SerdeException.class)
                .hasMessageContaining("the window ends (100) before it starts (200)");
    }

    @Test
    void aWindowedAggregatesValuesKeepTheTablesSerdeThroughAGroupBy() {
        App app = App.create("w");
        Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string());
        WindowedTable<String, Long> perMinute = app.table("per-minute", Serdes.string(), Serdes.longs(), 0L)
                .tumbling(java.time.Duration.ofMinutes(1));
        app.stream(clicks).count(perMinute).groupBy(w -> "all", Serdes.string(), "everything").foreach(v -> { });

        dev.weir.topology.Node.Repartition r = (dev.weir.topology.Node.Repartition) app.topology().node("everything");
        assertThat(r.topic().valueSerde().describe()).isEqualTo("long");
        assertThat(app.topology().node("clicks.count(per-minute)").kind()).isEqualTo("Table");
    }
}
