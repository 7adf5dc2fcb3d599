package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import dev.weir.serdes.avro.generated.Click;
import dev.weir.serdes.avro.internal.SchemaLabels;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.reflect.AvroAlias;
import org.apache.avro.reflect.AvroDefault;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    private static final GenericRecord V1_CLICK = TestSchemas.clickV1("a@b.c", "/cart", 120);

    /** Today's Java record for clicks: "uri" renamed to "url", "number" widened to long, "referrer" added. */
    @AvroAlias(alias = "Click", space = "dev.weir.test")
    record ClickToday(String email, @AvroAlias(alias = "uri") String url, long number, @AvroDefault("\"direct\"") String referrer) {
    }

    /** Writes {@link #V1_CLICK} in single-object encoding and reads it with {@code reader}. */
    private static GenericRecord readV1With(Schema reader) {
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(TestSchemas.CLICK_V1);
        byte[] written = AvroSerdes.generic(TestSchemas.CLICK_V1).singleObject(store).serialize(V1_CLICK);
        return AvroSerdes.generic(reader).singleObject(store).deserialize(written);
    }

    @Test
    void aFieldAddedWithADefaultIsFilledWithTheDefault() {
        GenericRecord read = readV1With(TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT);

        assertThat(read.get("referrer")).isEqualTo(new Utf8("direct"));
        assertThat(read.get("number")).isEqualTo(120);
    }

    @Test
    void aRemovedFieldIsSkipped() {
        GenericRecord read = readV1With(TestSchemas.CLICK_REMOVED_EMAIL);

        assertThat(read.getSchema().getField("email")).isNull();
        assertThat(read.get("uri")).isEqualTo(new Utf8("/cart"));
        assertThat(read.get("number")).isEqualTo(120);
    }

    @Test
    void aFieldRenamedWithAnAliasReadsTheOldName() {
        assertThat(readV1With(TestSchemas.CLICK_RENAMED_URI).get("url")).isEqualTo(new Utf8("/cart"));
    }

    @Test
    void anIntIsPromotedToLong() {
        assertThat(readV1With(TestSchemas.CLICK_NUMBER_LONG).get("number")).isEqualTo(120L);
    }

    @Test
    void aJavaRecordReadsOldDataThroughAliasesPromotionAndDefaults() {
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(TestSchemas.CLICK_V1);
        byte[] written = AvroSerdes.generic(TestSchemas.CLICK_V1).singleObject(store).serialize(V1_CLICK);

        ClickToday read = AvroSerdes.reflect(ClickToday.class).singleObject(store).deserialize(written);

        assertThat(read).isEqualTo(new ClickToday("a@b.c", "/cart", 120L, "direct"));
    }

    @Test
    void aGeneratedClassReadsDataWrittenWithAnOlderSchemaThatHadAnExtraField() {
        Schema older = TestSchemas.parse("""
                {"type": "record", "name": "Click", "namespace": "dev.weir.serdes.avro.generated", "fields": [
                  {"name": "email", "type": "string"},
                  {"name": "sessionId", "type": "string"},
                  {"name": "uri", "type": "string"},
                  {"name": "number", "type": "int"}
                ]}""");
        SchemaRegistry registry = SchemaRegistry.inMemory();
        byte[] written = AvroSerdes.generic(older).registry(registry)
                .serialize("clicks", Headers.create(), TestSchemas.record(older, "email", "a@b.c", "sessionId", "s-1", "uri", "/x", "number", 3));

        Click read = AvroSerdes.specific(Click.class).registry(registry).deserialize("clicks", Headers.create(), written);

        assertThat(read).isEqualTo(new Click("a@b.c", "/x", 3));
    }

    @Test
    void anAddedFieldWithoutADefaultFailsNamingBothSchemasAndTheField() {
        assertThatThrownBy(() -> readV1With(TestSchemas.CLICK_ADDED_WITHOUT_DEFAULT))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize avro(Click, single-object): writer schema dev.weir.test.Click (fingerprint "
                        + SchemaLabels.hex(SchemaLabels.fingerprint(TestSchemas.CLICK_V1)) + ") is incompatible with reader schema"
                        + " dev.weir.test.Click (fingerprint " + SchemaLabels.hex(SchemaLabels.fingerprint(TestSchemas.CLICK_ADDED_WITHOUT_DEFAULT))
                        + "): field \"referrer\": the reader has field \"referrer\" without a default and the writer does not write it");
    }

    @Test
    void anIncompatibleTypeChangeNamesTheFieldTheTypesAndTheRegistryId() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        byte[] written = AvroSerdes.generic(TestSchemas.CLICK_V1).registry(registry).serialize("clicks", Headers.create(), V1_CLICK);
        Serde<GenericRecord> reader = AvroSerdes.generic(TestSchemas.CLICK_NUMBER_STRING).registry(registry);

        assertThatThrownBy(() -> reader.deserialize("clicks", Headers.create(), written))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot deserialize avro(Click, registry): writer schema dev.weir.test.Click (fingerprint ")
                .hasMessageContaining(", schema id 1) is incompatible with reader schema dev.weir.test.Click")
                .hasMessageEndingWith("field \"number\": reader type string cannot read writer type int");
    }

    @Test
    void anIncompatibilityInsideANestedRecordNamesTheFieldPath() {
        Schema writer = TestSchemas.parse("""
                {"type": "record", "name": "Order", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "shipping", "type": {"type": "record", "name": "Address", "fields": [
                    {"name": "city", "type": "string"}, {"name": "zip", "type": "long"}]}}
                ]}""");
        Schema reader = TestSchemas.parse("""
                {"type": "record", "name": "Order", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "shipping", "type": {"type": "record", "name": "Address", "fields": [
                    {"name": "city", "type": "string"}, {"name": "zip", "type": "int"}]}}
                ]}""");

        assertThatThrownBy(() -> AvroSerdes.generic(reader).raw(writer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot build avro(Order, raw): writer schema Order (fingerprint ")
                .hasMessageEndingWith("field \"shipping.zip\": reader type int cannot read writer type long");
    }

    @Test
    void rawWithAWriterSchemaReadsItAndWritesIt() {
        Serde<GenericRecord> serde = AvroSerdes.generic(TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT).raw(TestSchemas.CLICK_V1);
        byte[] v1Bytes = AvroSerdes.generic(TestSchemas.CLICK_V1).raw().serialize(V1_CLICK);

        GenericRecord read = serde.deserialize(v1Bytes);
        byte[] rewritten = serde.serialize(read);

        assertThat(read.get("referrer")).isEqualTo(new Utf8("direct"));
        assertThat(rewritten).as("written in the writer schema, v1").isEqualTo(v1Bytes);
    }

    @Test
    void rawWithAWriterSchemaThatCannotHoldTheReadersValuesFailsWhenSerializing() {
        Serde<GenericRecord> serde = AvroSerdes.generic(TestSchemas.CLICK_REMOVED_EMAIL).raw(TestSchemas.CLICK_V1);
        byte[] v1Bytes = AvroSerdes.generic(TestSchemas.CLICK_V1).raw().serialize(V1_CLICK);
        GenericRecord read = serde.deserialize(v1Bytes);

        assertThat(read.get("uri")).isEqualTo(new Utf8("/cart"));
        assertThatThrownBy(() -> serde.serialize(read))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot serialize avro(Click, raw): values of reader schema dev.weir.test.Click")
                .hasMessageEndingWith("field \"email\": the reader has field \"email\" without a default and the writer does not write it");
    }
}
