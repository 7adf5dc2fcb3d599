package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import dev.weir.serdes.avro.internal.SchemaLabels;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

class BadInputTest {

    private final Serde<GenericRecord> raw = AvroSerdes.generic(TestSchemas.CLICK_V1).raw();
    private final byte[] good = raw.serialize(TestSchemas.clickV1("a@b.c", "/cart", 120));

    @Test
    void aTruncatedRecordSaysItIsTruncatedAndNamesTheWriterSchema() {
        byte[] cut = Arrays.copyOf(good, good.length - 2);

        assertThatThrownBy(() -> raw.deserialize(cut))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot deserialize avro(Click, raw): truncated: the data ends inside a dev.weir.test.Click (fingerprint "
                        + SchemaLabels.hex(SchemaLabels.fingerprint(TestSchemas.CLICK_V1)) + ") record (" + cut.length + " bytes of record data)");
    }

    @Test
    void aTruncatedRecordAfterAHeaderIsTruncatedToo() {
        Serde<GenericRecord> framed = AvroSerdes.generic(TestSchemas.CLICK_V1).singleObject(new SchemaStore.Cache());
        byte[] bytes = framed.serialize(TestSchemas.clickV1("a@b.c", "/cart", 120));

        assertThatThrownBy(() -> framed.deserialize(Arrays.copyOf(bytes, 12)))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot deserialize avro(Click, single-object): truncated: the data ends inside a dev.weir.test.Click");
    }

    @Test
    void bytesLeftOverAfterTheRecordMeanAnotherSchema() {
        byte[] longer = Arrays.copyOf(good, good.length + 3);

        assertThatThrownBy(() -> raw.deserialize(longer))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot deserialize avro(Click, raw): 3 bytes left over after a complete dev.weir.test.Click")
                .hasMessageEndingWith("record: the data was written with another schema or framing");
    }

    @Test
    void aLengthLargerThanTheInputFailsWithoutAllocatingIt() {
        // A string length of 2^30 as a zig-zag varint, then nothing.
        byte[] hostile = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};

        assertThatThrownBy(() -> raw.deserialize(hostile))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot deserialize avro(Click, raw): truncated:");
    }

    @Test
    void anUnionIndexOutOfRangeIsMalformedData() {
        Schema withUnion = TestSchemas.parse("""
                {"type": "record", "name": "Note", "fields": [{"name": "text", "type": ["null", "string"]}]}""");
        Serde<GenericRecord> serde = AvroSerdes.generic(withUnion).raw();

        assertThatThrownBy(() -> serde.deserialize(new byte[] {0x0e, 0x02, 'h', 'i'}))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot deserialize avro(Note, raw): malformed Avro data for writer schema Note (fingerprint ");
    }

    @Test
    void aNegativeLengthIsMalformedData() {
        assertThatThrownBy(() -> raw.deserialize(new byte[] {0x03, 'a', 'b'}))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("Cannot deserialize avro(Click, raw): malformed Avro data for writer schema dev.weir.test.Click");
    }

    @Test
    void aFailedDecodeDoesNotDisturbTheNextOne() {
        assertThatThrownBy(() -> raw.deserialize(Arrays.copyOf(good, 3))).isInstanceOf(SerdeException.class);

        assertThat(raw.deserialize(good).get("number")).isEqualTo(120);
        assertThat(raw.serialize(raw.deserialize(good))).isEqualTo(good);
    }

    @Test
    void aFailedEncodeLeavesNothingBehindForTheNextOne() {
        GenericRecord broken = TestSchemas.record(TestSchemas.CLICK_V1, "email", "a@b.c", "uri", "/x", "number", "not a number");
        assertThatThrownBy(() -> raw.serialize(broken)).isInstanceOf(SerdeException.class);

        assertThat(raw.serialize(TestSchemas.clickV1("a@b.c", "/cart", 120))).isEqualTo(good);
    }
}
