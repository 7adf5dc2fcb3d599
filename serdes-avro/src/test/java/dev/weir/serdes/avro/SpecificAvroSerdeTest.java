package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.serdes.Serde;
import dev.weir.serdes.avro.generated.Address;
import dev.weir.serdes.avro.generated.Click;
import dev.weir.serdes.avro.generated.Currency;
import dev.weir.serdes.avro.generated.Purchase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class SpecificAvroSerdeTest {

    static Purchase purchase(String note) {
        return Purchase.newBuilder()
                .setId("p-1")
                .setAmountCents(12_345L)
                .setCurrency(Currency.GBP)
                .setShipping(new Address("Leeds", "LS1"))
                .setNote(note)
                .setTags(List.of("gift", "express"))
                .setPlacedAt(Instant.parse("2026-03-04T05:06:07.123Z"))
                .build();
    }

    @Test
    void generatedClassesWithEnumsNestedRecordsUnionsArraysAndLogicalTypesRoundTrip() {
        Serde<Purchase> serde = AvroSerdes.specific(Purchase.class).raw();

        assertThat(serde.deserialize(serde.serialize(purchase("ring the bell")))).isEqualTo(purchase("ring the bell"));
        assertThat(serde.deserialize(serde.serialize(purchase(null)))).isEqualTo(purchase(null));
    }

    @Test
    void generatedClassesRoundTripInEveryFraming() {
        Click click = new Click("a@b.c", "/cart", 120);
        for (Serde<Click> serde : List.of(
                AvroSerdes.specific(Click.class).raw(),
                AvroSerdes.specific(Click.class).singleObject(new SchemaStore.Cache()),
                AvroSerdes.specific(Click.class).registry(SchemaRegistry.inMemory()))) {
            assertThat(serde.deserialize("clicks", dev.weir.serdes.Headers.create(), serde.serialize("clicks", dev.weir.serdes.Headers.create(), click)))
                    .as(serde.describe()).isEqualTo(click);
        }
    }

    @Test
    void theGeneratedEncoderWritesTheSameBytesAsAvrosSpecificWriter() throws IOException {
        Click click = new Click("a@b.c", "/cart", 120);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(Click.class).write(click, encoder);
        encoder.flush();

        assertThat(AvroSerdes.specific(Click.class).raw().serialize(click)).isEqualTo(out.toByteArray());
    }

    @Test
    void theReaderSchemaIsTheGeneratedClassesSchema() {
        assertThat(AvroSerdes.specific(Purchase.class).schema()).isEqualTo(Purchase.getClassSchema());
        assertThat(AvroSerdes.specific(Purchase.class).raw().describe()).isEqualTo("avro(Purchase, raw)");
    }
}
