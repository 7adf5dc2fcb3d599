package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import dev.weir.serdes.avro.internal.SchemaLabels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

class SingleObjectFramingTest {

    private final GenericRecord click = TestSchemas.clickV1("a@b.c", "/cart", 120);
    private final Serde<GenericRecord> serde = AvroSerdes.generic(TestSchemas.CLICK_V1).singleObject(new SchemaStore.Cache());

    @Test
    void theHeaderIsTheMarkerThenTheLittleEndianFingerprint() {
        byte[] bytes = serde.serialize(click);
        long fingerprint = SchemaLabels.fingerprint(TestSchemas.CLICK_V1);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(fingerprint);
        assertThat(Arrays.copyOfRange(bytes, 10, bytes.length)).isEqualTo(AvroSerdes.generic(TestSchemas.CLICK_V1).raw().serialize(click));
    }

    @Test
    void avrosOwnMessageDecoderReadsWhatWeWriteAndTheOtherWayRound() throws IOException {
        BinaryMessageDecoder<GenericRecord> avroDecoder = new BinaryMessageDecoder<>(GenericData.get(), TestSchemas.CLICK_V1);
        BinaryMessageEncoder<GenericRecord> avroEncoder = new BinaryMessageEncoder<>(GenericData.get(), TestSchemas.CLICK_V1);

        assertThat(avroDecoder.decode(serde.serialize(click))).isEqualTo(click);
        ByteBuffer fromAvro = avroEncoder.encode(click);
        byte[] bytes = new byte[fromAvro.remaining()];
        fromAvro.get(bytes);
        assertThat(serde.deserialize(bytes).toString()).isEqualTo(click.toString());
    }

    @Test
    void anUnknownFingerprintNamesItAndTheReaderSchema() {
        byte[] bytes = AvroSerdes.generic(TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT).singleObject(new SchemaStore.Cache())
                .serialize(TestSchemas.record(TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT, "email", "e", "uri", "u", "number", 1, "referrer", "r"));

        assertThatThrownBy(() -> serde.deserialize(bytes))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize avro(Click, single-object): unknown writer schema fingerprint "
                        + SchemaLabels.hex(SchemaLabels.fingerprint(TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT))
                        + ": it is not the reader schema's (" + SchemaLabels.label(TestSchemas.CLICK_V1)
                        + ") and the schema store has no schema with it");
    }

    @Test
    void aFingerprintUnknownAtFirstIsFoundOnceTheStoreLearnsIt() {
        SchemaStore.Cache store = new SchemaStore.Cache();
        Serde<GenericRecord> reader = AvroSerdes.generic(TestSchemas.CLICK_V1).singleObject(store);
        byte[] bytes = AvroSerdes.generic(TestSchemas.CLICK_NUMBER_LONG).singleObject(store)
                .serialize(TestSchemas.record(TestSchemas.CLICK_NUMBER_LONG, "email", "e", "uri", "u", "number", 5L));
        assertThatThrownBy(() -> reader.deserialize(bytes)).hasMessageContaining("unknown writer schema fingerprint");

        store.addSchema(TestSchemas.CLICK_NUMBER_LONG);

        // long cannot be read as int: the writer schema is now known, and incompatible.
        assertThatThrownBy(() -> reader.deserialize(bytes))
                .hasMessageEndingWith("field \"number\": reader type int cannot read writer type long");
    }

    @Test
    void aTruncatedFingerprintSaysHowManyBytesThereWere() {
        byte[] bytes = Arrays.copyOf(serde.serialize(click), 5);

        assertThatThrownBy(() -> serde.deserialize(bytes))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize avro(Click, single-object): truncated: needed 8 bytes of fingerprint, got 3");
    }

    @Test
    void jsonInsteadOfAvroIsRecognized() {
        byte[] json = "{\"email\":\"a@b.c\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serde.deserialize(json))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize avro(Click, single-object): expected the single-object marker 0xC3 0x01, got 0x7b — is this JSON?");
    }

    @Test
    void theRegistryWireFormatInsteadOfSingleObjectIsRecognized() {
        byte[] registryFramed = AvroSerdes.generic(TestSchemas.CLICK_V1).registry(SchemaRegistry.inMemory())
                .serialize("clicks", dev.weir.serdes.Headers.create(), click);

        assertThatThrownBy(() -> serde.deserialize(registryFramed))
                .hasMessageEndingWith("got 0x00 — is this the schema-registry wire format (magic byte 0)?");
    }

    @Test
    void aWrongSecondMarkerByteIsShown() {
        assertThatThrownBy(() -> serde.deserialize(new byte[] {(byte) 0xC3, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0}))
                .hasMessageEndingWith("expected the single-object marker 0xC3 0x01, got 0xc3 0x02");
    }

    @Test
    void emptyAndOneByteInputSayWhatWasExpected() {
        assertThatThrownBy(() -> serde.deserialize(new byte[0]))
                .hasMessage("Cannot deserialize avro(Click, single-object): empty data, expected the single-object marker 0xC3 0x01");
        assertThatThrownBy(() -> serde.deserialize(new byte[] {(byte) 0xC3}))
                .hasMessage("Cannot deserialize avro(Click, single-object): truncated: needed the 2-byte single-object marker 0xC3 0x01, got 1 byte");
    }
}
