package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

class GenericAvroSerdeTest {

    private final GenericRecord click = TestSchemas.clickV1("a@b.c", "/cart", 120);

    @Test
    void rawWritesExactlyAvrosBinaryEncoding() throws IOException {
        byte[] ours = AvroSerdes.generic(TestSchemas.CLICK_V1).raw().serialize(click);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(TestSchemas.CLICK_V1).write(click, encoder);
        encoder.flush();
        assertThat(ours).isEqualTo(out.toByteArray());
        GenericRecord read = new GenericDatumReader<GenericRecord>(TestSchemas.CLICK_V1).read(null, DecoderFactory.get().binaryDecoder(ours, null));
        assertThat(read).isEqualTo(click);
    }

    @Test
    void genericRecordsRoundTripInEveryFraming() {
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (Serde<GenericRecord> serde : java.util.List.of(
                AvroSerdes.generic(TestSchemas.CLICK_V1).raw(),
                AvroSerdes.generic(TestSchemas.CLICK_V1).singleObject(store),
                AvroSerdes.generic(TestSchemas.CLICK_V1).registry(SchemaRegistry.inMemory()))) {
            GenericRecord back = serde.deserialize("clicks", dev.weir.serdes.Headers.create(), serde.serialize("clicks", dev.weir.serdes.Headers.create(), click));

            assertThat(back.toString()).as(serde.describe()).isEqualTo(click.toString());
        }
    }

    @Test
    void describeUsesTheRecordSchemasSimpleName() {
        assertThat(AvroSerdes.generic(TestSchemas.CLICK_V1).raw().describe()).isEqualTo("avro(Click, raw)");
        assertThat(AvroSerdes.generic(TestSchemas.CLICK_V1).singleObject(new SchemaStore.Cache()).describe())
                .isEqualTo("avro(Click, single-object)");
    }

    @Test
    void aRecordThatDoesNotMatchTheSchemaFailsNamingTheField() {
        GenericRecord wrong = TestSchemas.record(TestSchemas.CLICK_V1, "email", "a@b.c", "uri", "/x", "number", "not a number");

        assertThatThrownBy(() -> AvroSerdes.generic(TestSchemas.CLICK_V1).raw().serialize(wrong))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot serialize avro(Click, raw): ")
                .hasMessageContaining("number");
    }

    @Test
    void aMissingRequiredValueFailsNamingTheField() {
        GenericRecord missing = TestSchemas.record(TestSchemas.CLICK_V1, "email", null, "uri", "/x", "number", 1);

        assertThatThrownBy(() -> AvroSerdes.generic(TestSchemas.CLICK_V1).raw().serialize(missing))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot serialize avro(Click, raw): null")
                .hasMessageContaining("email")
                .hasMessageContaining("not nullable");
    }

    @Test
    void trustPackagesIsRefusedForGenericRecordsWhichLoadNoClasses() {
        assertThatThrownBy(() -> AvroSerdes.generic(TestSchemas.CLICK_V1).trustPackages("com.example"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A generic Avro serde loads no classes, so it has no packages to trust");
    }
}
