package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Codecs;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import dev.weir.serdes.SerdeRegistry;
import dev.weir.serdes.avro.generated.Click;
import java.util.Base64;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

class AvroChainTest {

    record Purchase(String username, String currency, int amount) {
    }

    private final Purchase purchase = new Purchase("ann", "EUR", 1200);

    @Test
    void binaryAvroIsAvroThenBase64() {
        Serde<Purchase> chained = SerdeRegistry.defaults().withFormat(AvroFormat.raw()).chain("binary|avro", Purchase.class);
        byte[] avro = AvroSerdes.reflect(Purchase.class).raw().serialize(purchase);

        byte[] bytes = chained.serialize(purchase);

        assertThat(bytes).isEqualTo(Base64.getEncoder().encode(avro));
        assertThat(chained.deserialize(bytes)).isEqualTo(purchase);
        assertThat(chained.describe()).isEqualTo("binary|avro(Purchase, raw)");
    }

    @Test
    void avroBinaryAndBinaryAvroMeanTheSame() {
        SerdeRegistry registry = SerdeRegistry.defaults().withFormat(AvroFormat.raw());

        assertThat(registry.chain("avro|binary", Purchase.class).serialize(purchase))
                .isEqualTo(registry.chain("binary|avro", Purchase.class).serialize(purchase));
    }

    @Test
    void aChainOfAvroAloneIsTheAvroSerde() {
        Serde<Purchase> chained = SerdeRegistry.defaults().withFormat(AvroFormat.raw()).chain("avro", Purchase.class);

        assertThat(chained.describe()).isEqualTo("avro(Purchase, raw)");
        assertThat(chained.serialize(purchase)).isEqualTo(AvroSerdes.reflect(Purchase.class).raw().serialize(purchase));
    }

    @Test
    void gzipAndAGeneratedClassThroughTheRegistryFraming() {
        SchemaRegistry schemas = SchemaRegistry.inMemory();
        Serde<Click> chained = SerdeRegistry.defaults().withFormat(AvroFormat.registry(schemas)).chain("gzip|avro", Click.class);
        Click click = new Click("a@b.c", "/cart", 120);

        byte[] bytes = chained.serialize("clicks", Headers.create(), click);

        assertThat(Codecs.gzip().decode(bytes)[0]).as("magic byte").isZero();
        assertThat(chained.deserialize("clicks", Headers.create(), bytes)).isEqualTo(click);
        assertThat(schemas.latest("clicks-value")).isPresent();
        assertThat(chained.describe()).isEqualTo("gzip|avro(Click, registry)");
    }

    @Test
    void twoFramingsLiveInOneRegistryUnderDifferentNames() {
        SerdeRegistry registry = SerdeRegistry.defaults()
                .withFormat(AvroFormat.registry(SchemaRegistry.inMemory()))
                .withFormat(AvroFormat.singleObject(new SchemaStore.Cache()).named("avro-so"));

        assertThat(registry.formatNames()).contains("avro", "avro-so");
        assertThat(registry.chain("binary|avro-so", Purchase.class).describe()).isEqualTo("binary|avro(Purchase, single-object)");
    }

    @Test
    void theAvroFormatRefusesGenericRecordsNamingWhatToUseInstead() {
        SerdeRegistry registry = SerdeRegistry.defaults().withFormat(AvroFormat.raw());

        assertThatThrownBy(() -> registry.chain("binary|avro", GenericRecord.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Serde chain \"binary|avro\": format \"avro\" cannot represent org.apache.avro.generic.GenericRecord:"
                        + " a generic record has no schema of its own; build its serde with AvroSerdes.generic(schema)");
    }

    @Test
    void theAvroFormatRefusesSingleValues() {
        SerdeRegistry registry = SerdeRegistry.defaults().withFormat(AvroFormat.raw());

        assertThatThrownBy(() -> registry.chain("avro", String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format \"avro\" cannot represent java.lang.String: the avro format reads records");
    }

    @Test
    void aBadFormatNameIsRefusedWhereItIsGiven() {
        assertThatThrownBy(() -> AvroFormat.raw().named("Avro"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid format name \"Avro\"");
    }

    @Test
    void malformedBase64BeforeAvroNamesTheCodec() {
        Serde<Purchase> chained = SerdeRegistry.defaults().withFormat(AvroFormat.raw()).chain("binary|avro", Purchase.class);

        assertThatThrownBy(() -> chained.deserialize("%%%".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot deserialize binary|avro(Purchase, raw) at element \"binary\"");
    }
}
