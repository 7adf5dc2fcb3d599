package dev.weir.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PrimitiveSerdesTest {

    @Test
    void stringRoundTripsUnicodeAsUtf8() {
        String text = "grüße, 世界 \uD83D\uDE00";
        byte[] bytes = Serdes.string().serialize(text);
        assertThat(bytes).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        assertThat(Serdes.string().deserialize(bytes)).isEqualTo(text);
    }

    @Test
    void emptyStringIsEmptyBytesNotNull() {
        assertThat(Serdes.string().serialize("")).isEmpty();
        assertThat(Serdes.string().deserialize(new byte[0])).isEmpty();
    }

    @Test
    void longsUseKafkaBigEndianWireFormat() {
        assertThat(Serdes.longs().serialize(0x0102030405060708L))
                .containsExactly(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08);
        assertThat(Serdes.longs().serialize(-1L))
                .containsExactly(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
        assertThat(Serdes.longs().serialize(Long.MIN_VALUE))
                .containsExactly(0x80, 0, 0, 0, 0, 0, 0, 0);
        assertThat(Serdes.longs().deserialize(new byte[] {0, 0, 0, 0, 0, 0, 0x01, 0x00})).isEqualTo(256L);
    }

    @Test
    void intsUseKafkaBigEndianWireFormat() {
        assertThat(Serdes.ints().serialize(0x0A0B0C0D)).containsExactly(0x0A, 0x0B, 0x0C, 0x0D);
        assertThat(Serdes.ints().serialize(-2)).containsExactly(0xff, 0xff, 0xff, 0xfe);
        assertThat(Serdes.ints().deserialize(new byte[] {0, 0, 0x01, 0x00})).isEqualTo(256);
    }

    @Test
    void doublesUseKafkaIeee754BigEndianWireFormat() {
        // 1.0 is sign 0, exponent 0x3ff, mantissa 0: 0x3FF0000000000000.
        assertThat(Serdes.doubles().serialize(1.0)).containsExactly(0x3f, 0xf0, 0, 0, 0, 0, 0, 0);
        // -2.5 is 0xC004000000000000.
        assertThat(Serdes.doubles().serialize(-2.5)).containsExactly(0xc0, 0x04, 0, 0, 0, 0, 0, 0);
        assertThat(Serdes.doubles().deserialize(new byte[] {0x40, 0x09, 0x21, (byte) 0xfb, 0x54, 0x44, 0x2d, 0x18}))
                .isEqualTo(Math.PI);
    }

    @Test
    void numbersRoundTripIncludingExtremes() {
        for (long v : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(Serdes.longs().deserialize(Serdes.longs().serialize(v))).isEqualTo(v);
        }
        for (int v : new int[] {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertThat(Serdes.ints().deserialize(Serdes.ints().serialize(v))).isEqualTo(v);
        }
        for (double v : new double[] {0.0, -0.0, 1e-300, Double.MAX_VALUE, Double.NEGATIVE_INFINITY, Double.NaN}) {
            double read = Serdes.doubles().deserialize(Serdes.doubles().serialize(v));
            assertThat(Double.doubleToRawLongBits(read)).as("bits of %s", v).isEqualTo(Double.doubleToRawLongBits(v));
        }
    }

    @Test
    void wrongLengthNamesExpectedAndActualByteCount() {
        assertThatThrownBy(() -> Serdes.longs().deserialize(new byte[3]))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize long: expected 8 bytes, got 3");
        assertThatThrownBy(() -> Serdes.ints().deserialize(new byte[8]))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize int: expected 4 bytes, got 8");
        assertThatThrownBy(() -> Serdes.doubles().deserialize(new byte[0]))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize double: expected 8 bytes, got 0");
    }

    @Test
    void bytesPassThroughUnchanged() {
        byte[] data = {1, 2, 3};
        assertThat(Serdes.bytes().serialize(data)).isSameAs(data);
        assertThat(Serdes.bytes().deserialize(data)).isSameAs(data);
    }

    @Test
    void uuidIsItsStringFormAsKafkaWritesIt() {
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        byte[] bytes = Serdes.uuid().serialize(id);
        assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo("123e4567-e89b-12d3-a456-426614174000");
        assertThat(Serdes.uuid().deserialize(bytes)).isEqualTo(id);
    }

    @Test
    void textThatIsNotAUuidNamesTheText() {
        assertThatThrownBy(() -> Serdes.uuid().deserialize("not-a-uuid".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize uuid: expected text like 123e4567-e89b-12d3-a456-426614174000, got \"not-a-uuid\"")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void voidsAreAlwaysNullAndRejectBytes() {
        assertThat(Serdes.voids().serialize(null)).isNull();
        assertThat(Serdes.voids().deserialize(null)).isNull();
        assertThatThrownBy(() -> Serdes.voids().deserialize(new byte[2]))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize void: expected null, got 2 bytes");
    }

    @Test
    void nullMapsToNullForEverySerde() {
        assertNullRoundTrip(Serdes.string());
        assertNullRoundTrip(Serdes.longs());
        assertNullRoundTrip(Serdes.ints());
        assertNullRoundTrip(Serdes.doubles());
        assertNullRoundTrip(Serdes.bytes());
        assertNullRoundTrip(Serdes.uuid());
        assertNullRoundTrip(Serdes.voids());
        assertNullRoundTrip(Serdes.json(JsonSerdeTest.Item.class));
        assertNullRoundTrip(Serdes.chain("gzip|binary|json", JsonSerdeTest.Item.class));
        assertNullRoundTrip(Serdes.longs().then(Codecs.base64()));
    }

    private static <T> void assertNullRoundTrip(Serde<T> serde) {
        assertThat(serde.serialize(null)).as(serde.describe() + " serialize(null)").isNull();
        assertThat(serde.deserialize(null)).as(serde.describe() + " deserialize(null)").isNull();
    }

    @Test
    void describeGivesShortReadableNames() {
        assertThat(Serdes.string().describe()).isEqualTo("string");
        assertThat(Serdes.longs().describe()).isEqualTo("long");
        assertThat(Serdes.ints().describe()).isEqualTo("int");
        assertThat(Serdes.doubles().describe()).isEqualTo("double");
        assertThat(Serdes.bytes().describe()).isEqualTo("bytes");
        assertThat(Serdes.uuid().describe()).isEqualTo("uuid");
        assertThat(Serdes.voids().describe()).isEqualTo("void");
        assertThat(Serdes.json(JsonSerdeTest.Item.class).describe()).isEqualTo("json(Item)");
    }
}
