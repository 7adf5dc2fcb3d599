package dev.weir.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    public enum Status { NEW, PAID, SHIPPED }

    public record Item(String sku, int quantity, double price) {
    }

    public record Customer(String name, Optional<String> email) {
    }

    public record Purchase(String id, long amount, Customer customer, List<Item> items, Map<String, Integer> tags,
                           Instant at, Status status) {
    }

    public record Dates(LocalDate day, OffsetDateTime when, Duration timeout) {
    }

    /** A POJO with final fields and a creator, as a Java 8 codebase would write it. */
    public static final class Account {
        private final String owner;
        private final long balance;

        @JsonCreator
        public Account(@JsonProperty("owner") String owner, @JsonProperty("balance") long balance) {
            this.owner = owner;
            this.balance = balance;
        }

        public String getOwner() {
            return owner;
        }

        public long getBalance() {
            return balance;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Account a && a.owner.equals(owner) && a.balance == balance;
        }

        @Override
        public int hashCode() {
            return Objects.hash(owner, balance);
        }
    }

    private static Purchase samplePurchase() {
        Map<String, Integer> tags = new LinkedHashMap<>();
        tags.put("priority", 2);
        tags.put("gift", 1);
        return new Purchase("p-1", 4200L,
                new Customer("Ada", Optional.of("ada@example.com")),
                List.of(new Item("sku-1", 2, 9.99), new Item("sku-2", 1, 22.0)),
                tags,
                Instant.parse("2024-05-01T12:30:00Z"),
                Status.PAID);
    }

    @Test
    void nestedRecordWithListMapOptionalInstantAndEnumRoundTrips() {
        Serde<Purchase> serde = Serdes.json(Purchase.class);
        Purchase purchase = samplePurchase();
        assertThat(serde.deserialize(serde.serialize(purchase))).isEqualTo(purchase);
    }

    @Test
    void writesDatesAsIsoStringsAndOptionalAsItsValue() {
        String json = new String(Serdes.json(Purchase.class).serialize(samplePurchase()), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"id\":\"p-1\",\"amount\":4200,"
                + "\"customer\":{\"name\":\"Ada\",\"email\":\"ada@example.com\"},"
                + "\"items\":[{\"sku\":\"sku-1\",\"quantity\":2,\"price\":9.99},{\"sku\":\"sku-2\",\"quantity\":1,\"price\":22.0}],"
                + "\"tags\":{\"priority\":2,\"gift\":1},"
                + "\"at\":\"2024-05-01T12:30:00Z\",\"status\":\"PAID\"}");
    }

    @Test
    void emptyOptionalIsWrittenAsNullAndReadBackEmpty() {
        Serde<Customer> serde = Serdes.json(Customer.class);
        byte[] bytes = serde.serialize(new Customer("Bob", Optional.empty()));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"Bob\",\"email\":null}");
        assertThat(serde.deserialize(bytes)).isEqualTo(new Customer("Bob", Optional.empty()));
    }

    @Test
    void explicitNullIsAllowedForReferenceFields() {
        Purchase read = Serdes.json(Purchase.class).deserialize(utf8(
                "{\"id\":null,\"amount\":1,\"customer\":null,\"items\":null,\"tags\":null,\"at\":null,\"status\":null}"));
        assertThat(read).isEqualTo(new Purchase(null, 1L, null, null, null, null, null));
    }

    @Test
    void javaTimeTypesRoundTripAsIsoStringsKeepingTheOffset() {
        Serde<Dates> serde = Serdes.json(Dates.class);
        Dates dates = new Dates(LocalDate.of(2024, 2, 29), OffsetDateTime.parse("2024-02-29T10:15:30+02:00"),
                Duration.ofMinutes(5));
        byte[] bytes = serde.serialize(dates);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"day\":\"2024-02-29\",\"when\":\"2024-02-29T10:15:30+02:00\",\"timeout\":\"PT5M\"}");
        assertThat(serde.deserialize(bytes)).isEqualTo(dates);
    }

    @Test
    void pojoWithJsonCreatorRoundTrips() {
        Serde<Account> serde = Serdes.json(Account.class);
        Account account = new Account("ada", 1_000_000_000_000L);
        assertThat(new String(serde.serialize(account), StandardCharsets.UTF_8))
                .isEqualTo("{\"owner\":\"ada\",\"balance\":1000000000000}");
        assertThat(serde.deserialize(serde.serialize(account))).isEqualTo(account);
    }

    @Test
    void integerJsonNumberIsAcceptedForADoubleField() {
        assertThat(Serdes.json(Item.class).deserialize(utf8("{\"sku\":\"a\",\"quantity\":1,\"price\":3}")))
                .isEqualTo(new Item("a", 1, 3.0));
    }

    @Test
    void nonFiniteDoublesRoundTrip() {
        Serde<Item> serde = Serdes.json(Item.class);
        assertThat(serde.deserialize(serde.serialize(new Item("a", 1, Double.NaN))).price()).isNaN();
        assertThat(serde.deserialize(serde.serialize(new Item("a", 1, Double.POSITIVE_INFINITY))).price())
                .isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void jsonNullLiteralDeserializesToNull() {
        assertThat(Serdes.json(Item.class).deserialize(utf8("null"))).isNull();
    }

    @Test
    void unknownFieldsAreSkippedWhenAllowed() {
        Serde<Item> serde = Serdes.json(Item.class, JsonOptions.strict().allowUnknownFields());
        assertThat(serde.deserialize(utf8("{\"sku\":\"a\",\"colour\":{\"deep\":[1,2]},\"quantity\":1,\"price\":2.5}")))
                .isEqualTo(new Item("a", 1, 2.5));
    }

    @Test
    void allowingUnknownFieldsKeepsEveryOtherCheck() {
        Serde<Item> serde = Serdes.json(Item.class, JsonOptions.strict().allowUnknownFields());
        assertThatThrownBy(() -> serde.deserialize(utf8("{\"sku\":\"a\",\"quantity\":\"1\",\"price\":2.5}")))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize json(Item): field \"quantity\" expected int, got string \"1\"");
        assertThatThrownBy(() -> serde.deserialize(utf8("{\"sku\":\"a\",\"price\":2.5}")))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize json(Item): missing required field \"quantity\" (int)");
    }

    @Test
    void jsonOptionsAreValuesAndStrictIsTheDefault() {
        assertThat(JsonOptions.strict().unknownFieldsAllowed()).isFalse();
        assertThat(JsonOptions.strict().allowUnknownFields().unknownFieldsAllowed()).isTrue();
        assertThat(JsonOptions.strict().allowUnknownFields()).isEqualTo(JsonOptions.strict().allowUnknownFields());
        assertThat(JsonOptions.strict()).isNotEqualTo(JsonOptions.strict().allowUnknownFields());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
