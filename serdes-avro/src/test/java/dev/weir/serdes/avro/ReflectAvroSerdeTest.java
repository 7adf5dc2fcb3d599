package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Serde;
import dev.weir.serdes.SerdeException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.reflect.AvroName;
import org.apache.avro.reflect.Nullable;
import org.junit.jupiter.api.Test;

class ReflectAvroSerdeTest {

    enum Kind { VIEW, BUY }

    record Address(String city, String zip) {
    }

    record Visit(String email, String uri, int number, long durationMs, double score, boolean returning, Kind kind,
                 Address address, List<Address> previous, Map<String, Integer> counters, @Nullable String referrer,
                 Instant at, LocalDate day, UUID session, BigDecimal amount, byte[] payload) {
    }

    record Positive(int value) {
        Positive {
            if (value <= 0) {
                throw new IllegalArgumentException("value must be positive, got " + value);
            }
        }
    }

    record Renamed(@AvroName("e_mail") String email, short small, byte tiny, char letter, float ratio) {
    }

    /** A mutable POJO with a no-arg constructor, the shape Avro's reflection always supported. */
    public static final class Account {
        private String owner;
        private long balance;
        private List<String> tags;

        public Account() {
        }

        Account(String owner, long balance, List<String> tags) {
            this.owner = owner;
            this.balance = balance;
            this.tags = tags;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Account a && Objects.equals(owner, a.owner) && balance == a.balance && Objects.equals(tags, a.tags);
        }

        @Override
        public int hashCode() {
            return Objects.hash(owner, balance, tags);
        }
    }

    record Scores(Map<Integer, String> byRank) {
    }

    public static final class NoDefaultConstructor {
        private final String name;

        public NoDefaultConstructor(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }
    }

    private static Visit visit(String referrer) {
        return new Visit("a@b.c", "/cart", 7, 1500L, 0.25, true, Kind.BUY, new Address("Oslo", "0150"),
                List.of(new Address("Bergen", "5003")), Map.of("views", 3), referrer, Instant.parse("2026-01-02T03:04:05.678Z"),
                LocalDate.parse("2026-01-02"), UUID.fromString("00000000-0000-0000-0000-000000000042"), new BigDecimal("12.34"),
                new byte[] {1, 2, 3});
    }

    @Test
    void javaRecordsRoundTripWithNestedRecordsCollectionsEnumsAndLogicalTypes() {
        Serde<Visit> serde = AvroSerdes.reflect(Visit.class).raw();

        Visit back = serde.deserialize(serde.serialize(visit("news")));

        assertThat(back).usingRecursiveComparison().isEqualTo(visit("news"));
        assertThat(serde.deserialize(serde.serialize(visit(null))).referrer()).isNull();
    }

    @Test
    void theReflectSchemaUsesLogicalTypesForTimeUuidAndDecimals() {
        Schema schema = AvroSerdes.reflect(Visit.class).schema();

        assertThat(schema.getField("at").schema().getLogicalType().getName()).isEqualTo("timestamp-micros");
        assertThat(schema.getField("day").schema().getLogicalType().getName()).isEqualTo("date");
        assertThat(schema.getField("session").schema().getLogicalType().getName()).isEqualTo("uuid");
        assertThat(schema.getField("referrer").schema().getType()).isEqualTo(Schema.Type.UNION);
    }

    @Test
    void avroNameAndSmallPrimitiveTypesRoundTrip() {
        Serde<Renamed> serde = AvroSerdes.reflect(Renamed.class).raw();
        Renamed value = new Renamed("a@b.c", (short) 300, (byte) -5, 'x', 0.5f);

        assertThat(serde.deserialize(serde.serialize(value))).isEqualTo(value);
        assertThat(AvroSerdes.reflect(Renamed.class).schema().getField("e_mail")).isNotNull();
    }

    @Test
    void aCompactConstructorsValidationRunsOnEveryValueRead() {
        Serde<Positive> serde = AvroSerdes.reflect(Positive.class).raw();
        Schema schema = AvroSerdes.reflect(Positive.class).schema();
        byte[] minusOne = AvroSerdes.generic(schema).raw().serialize(new org.apache.avro.generic.GenericRecordBuilder(schema).set("value", -1).build());

        assertThatThrownBy(() -> serde.deserialize(minusOne))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize avro(Positive, raw): creating Positive failed with IllegalArgumentException: value must be positive, got -1");
    }

    @Test
    void pojosWithANoArgConstructorRoundTrip() {
        Serde<Account> serde = AvroSerdes.reflect(Account.class).singleObject(new org.apache.avro.message.SchemaStore.Cache());

        Account account = new Account("ann", 42, List.of("gold", "eu"));

        assertThat(serde.deserialize(serde.serialize(account))).isEqualTo(account);
    }

    @Test
    void aPojoWithoutANoArgConstructorIsRefusedWhenTheSerdeIsBuilt() {
        assertThatThrownBy(() -> AvroSerdes.reflect(NoDefaultConstructor.class).raw())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(NoDefaultConstructor.class.getName() + " has no no-arg constructor; give it one or make it a Java record");
    }

    @Test
    void aMapWithNonStringKeysIsRefusedWhenTheSerdeIsBuilt() {
        assertThatThrownBy(() -> AvroSerdes.reflect(Scores.class).raw())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot use " + Scores.class.getName() + " with Avro: field \"byRank\": a map with keys that are not"
                        + " strings needs java.util.Map in Avro's JVM-wide org.apache.avro.SERIALIZABLE_CLASSES; use Map<String, V>");
    }

    @Test
    void aNullInAFieldThatIsNotNullableNamesTheField() {
        Serde<Address> serde = AvroSerdes.reflect(Address.class).raw();

        assertThatThrownBy(() -> serde.serialize(new Address(null, "0150")))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot serialize avro(Address, raw): ")
                .hasMessageContaining("city");
    }

    @Test
    void describeNamesTheClassAndTheFraming() {
        assertThat(AvroSerdes.reflect(Address.class).raw().describe()).isEqualTo("avro(Address, raw)");
        assertThat(AvroSerdes.reflect(Address.class).registry(SchemaRegistry.inMemory()).describe()).isEqualTo("avro(Address, registry)");
    }

    @Test
    void nullMapsToNullBothWays() {
        Serde<Address> serde = AvroSerdes.reflect(Address.class).raw();

        assertThat(serde.serialize(null)).isNull();
        assertThat(serde.deserialize(null)).isNull();
    }

    @Test
    void parseReadsTheAvroJsonEncoding() {
        Serde<Address> serde = AvroSerdes.reflect(Address.class).raw();

        assertThat(serde.parse("{\"city\": \"Oslo\", \"zip\": \"0150\"}")).isEqualTo(new Address("Oslo", "0150"));
        assertThatThrownBy(() -> serde.parse("{\"city\": \"Oslo\"}"))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot parse avro(Address, raw) from text: expected the Avro JSON encoding of "
                        + ReflectAvroSerdeTest.class.getName() + ".Address");
    }
}
