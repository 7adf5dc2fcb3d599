package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class RegistryFramingTest {

    private final GenericRecord click = TestSchemas.clickV1("a@b.c", "/cart", 120);

    /** An in-memory registry that counts the calls made to it. */
    static class CountingRegistry implements SchemaRegistry {
        final SchemaRegistry delegate = SchemaRegistry.inMemory();
        final AtomicInteger registers = new AtomicInteger();
        final AtomicInteger lookups = new AtomicInteger();

        @Override
        public int register(String subject, Schema schema) {
            registers.incrementAndGet();
            return delegate.register(subject, schema);
        }

        @Override
        public Optional<Schema> byId(int id) {
            lookups.incrementAndGet();
            return delegate.byId(id);
        }

        @Override
        public Optional<RegisteredSchema> bySubjectVersion(String subject, int version) {
            return delegate.bySubjectVersion(subject, version);
        }

        @Override
        public Optional<RegisteredSchema> latest(String subject) {
            return delegate.latest(subject);
        }

        @Override
        public String describe() {
            return "counting";
        }
    }

    @Test
    void theHeaderIsMagicByteZeroThenTheBigEndianSchemaId() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        registry.register("other-value", TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT);
        byte[] bytes = AvroSerdes.generic(TestSchemas.CLICK_V1).registry(registry).serialize("clicks", Headers.create(), click);

        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(2);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(AvroSerdes.generic(TestSchemas.CLICK_V1).raw().serialize(click));
        assertThat(registry.latest("clicks-value")).map(RegisteredSchema::id).contains(2);
    }

    @Test
    void theSchemaIsRegisteredOncePerSubjectAndLookedUpOncePerId() {
        CountingRegistry registry = new CountingRegistry();
        Serde<GenericRecord> writer = AvroSerdes.generic(TestSchemas.CLICK_V1).registry(registry);
        Serde<GenericRecord> reader = AvroSerdes.generic(TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT).registry(registry);

        for (int i = 0; i < 50; i++) {
            byte[] bytes = writer.serialize("clicks", Headers.create(), click);
            reader.deserialize("clicks", Headers.create(), bytes);
        }
        writer.serialize("views", Headers.create(), click);

        assertThat(registry.registers).hasValue(2);
        assertThat(registry.lookups).hasValue(1);
        assertThat(registry.delegate.latest("views-value")).map(RegisteredSchema::id).contains(1);
    }

    @Test
    void subjectStrategiesNameTheSubject() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        AvroSerdes.generic(TestSchemas.CLICK_V1).registry(registry, SubjectNameStrategy.topicKey()).serialize("clicks", Headers.create(), click);
        AvroSerdes.generic(TestSchemas.CLICK_V1).registry(registry, SubjectNameStrategy.recordName()).serialize("clicks", Headers.create(), click);
        AvroSerdes.generic(TestSchemas.CLICK_V1).registry(registry, SubjectNameStrategy.topicRecordName()).serialize("clicks", Headers.create(), click);
        AvroSerdes.generic(TestSchemas.CLICK_V1).registry(registry, SubjectNameStrategy.fixed("all-clicks")).serialize(click);

        assertThat(registry.latest("clicks-key")).isPresent();
        assertThat(registry.latest("dev.weir.test.Click")).isPresent();
        assertThat(registry.latest("clicks-dev.weir.test.Click")).isPresent();
        assertThat(registry.latest("all-clicks")).isPresent();
    }

    @Test
    void aTopicSubjectWithoutATopicSaysWhatToDo() {
        Serde<GenericRecord> serde = AvroSerdes.generic(TestSchemas.CLICK_V1).registry(SchemaRegistry.inMemory());

        assertThatThrownBy(() -> serde.serialize(click))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot serialize avro(Click, registry): subject strategy topicValue names the subject after the topic,"
                        + " and there is none; serialize with a topic or use SubjectNameStrategy.recordName() or fixed(...)");
    }

    @Test
    void anUnknownSchemaIdNamesTheIdTheSubjectAndTheRegistry() {
        Serde<GenericRecord> serde = AvroSerdes.generic(TestSchemas.CLICK_V1).registry(SchemaRegistry.inMemory());
        byte[] bytes = {0, 0, 0, 0, 42, 2, 'x'};

        assertThatThrownBy(() -> serde.deserialize("clicks", Headers.create(), bytes))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize avro(Click, registry): unknown schema id 42 in subject clicks-value (registry in-memory)");
    }

    @Test
    void aWrongMagicByteGuessesWhatTheDataIs() {
        Serde<GenericRecord> serde = AvroSerdes.generic(TestSchemas.CLICK_V1).registry(SchemaRegistry.inMemory());

        assertThatThrownBy(() -> serde.deserialize("{\"email\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize avro(Click, registry): expected magic byte 0, got 0x7b — is this JSON?");
        byte[] singleObject = AvroSerdes.generic(TestSchemas.CLICK_V1).singleObject(new org.apache.avro.message.SchemaStore.Cache()).serialize(click);
        assertThatThrownBy(() -> serde.deserialize(singleObject))
                .hasMessage("Cannot deserialize avro(Click, registry): expected magic byte 0, got 0xc3 — is this Avro single-object encoding (0xC3 0x01)?");
        assertThatThrownBy(() -> serde.deserialize(new byte[] {7, 0, 0, 0, 1}))
                .hasMessage("Cannot deserialize avro(Click, registry): expected magic byte 0, got 0x07");
    }

    @Test
    void aTruncatedSchemaIdSaysHowManyBytesThereWere() {
        Serde<GenericRecord> serde = AvroSerdes.generic(TestSchemas.CLICK_V1).registry(SchemaRegistry.inMemory());

        assertThatThrownBy(() -> serde.deserialize(new byte[] {0, 0, 1}))
                .hasMessage("Cannot deserialize avro(Click, registry): truncated: needed 4 bytes of schema id, got 2");
        assertThatThrownBy(() -> serde.deserialize(new byte[0]))
                .hasMessage("Cannot deserialize avro(Click, registry): empty data, expected magic byte 0 and a 4-byte schema id");
    }

    @Test
    void aRegistryThatCannotAnswerPassesItsExceptionThroughAsNotTheRecordsFault() {
        SchemaRegistry down = new CountingRegistry() {
            @Override
            public Optional<Schema> byId(int id) {
                throw new SchemaRegistryException("Cannot reach schema registry http://127.0.0.1:1: ConnectException");
            }
        };
        Serde<GenericRecord> serde = AvroSerdes.generic(TestSchemas.CLICK_V1).registry(down);

        assertThatThrownBy(() -> serde.deserialize(new byte[] {0, 0, 0, 0, 9, 0}))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessage("Cannot reach schema registry http://127.0.0.1:1: ConnectException");
    }
}
