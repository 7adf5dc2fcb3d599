package dev.weir.serdes;

import static dev.weir.serdes.JsonSerdeTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JacksonException;
import dev.weir.serdes.JsonSerdeTest.Item;
import dev.weir.serdes.JsonSerdeTest.Purchase;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonValidationTest {

    public record Order(String id, int amount) {
    }

    public record Flags(boolean active, long count, double ratio, String label, BigDecimal exact) {
    }

    public record Basket(String owner, List<Item> items, Map<String, Integer> counts) {
    }

    public record Positive(int value) {
        public Positive {
            if (value <= 0) {
                throw new IllegalArgumentException("value must be positive, got " + value);
            }
        }
    }

    public record Holder(Object payload) {
    }

    public record Envelope(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object payload) {
    }

    public static final class Opaque {
        private final int secret = 1;

        @Override
        public String toString() {
            return "Opaque" + secret;
        }
    }

    public record WithOpaque(String name, Opaque opaque) {
    }

    private static final String VALID_FLAGS = "{\"active\":true,\"count\":1,\"ratio\":0.5,\"label\":\"x\",\"exact\":1.25}";

    private static SerdeException deserializeFailure(Serde<?> serde, String json) {
        try {
            serde.deserialize(utf8(json));
        } catch (SerdeException e) {
            return e;
        }
        throw new AssertionError("expected " + serde.describe() + " to reject " + json);
    }

    @Test
    void validFlagsAreAccepted() {
        assertThat(Serdes.json(Flags.class).deserialize(utf8(VALID_FLAGS)))
                .isEqualTo(new Flags(true, 1, 0.5, "x", new BigDecimal("1.25")));
    }

    @Test
    void wrongTypedFieldNamesFieldExpectedAndActual() {
        SerdeException e = deserializeFailure(Serdes.json(Order.class), "{\"id\":\"o-1\",\"amount\":\"12x\"}");
        assertThat(e).hasMessage("Cannot deserialize json(Order): field \"amount\" expected int, got string \"12x\"");
        assertThat(e.getCause()).isInstanceOf(JacksonException.class);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            // numeric strings are not numbers
            "amount | '\"12\"'  | int     | string \"12\"",
            // floats are not ints, not even whole ones
            "amount | 12.5      | int     | number 12.5",
            "amount | 12.0      | int     | number 12.0",
            "amount | true      | int     | boolean true",
            "amount | '\"\"'    | int     | string \"\"",
            "amount | '[1]'     | int     | array",
            "amount | '{}'      | int     | object",
            "amount | null      | int     | null",
            "id     | 12        | String  | number 12",
            "id     | 1.5       | String  | number 1.5",
            "id     | false     | String  | boolean false",
            "id     | '{\"a\":1}' | String | object",
            "id     | '[\"a\"]' | String  | array",
    })
    void eachScalarMismatchIsRejectedWithFieldExpectedAndActual(String field, String json, String expected, String actual) {
        String body = field.equals("amount") ? "{\"id\":\"o\",\"amount\":" + json + "}" : "{\"id\":" + json + ",\"amount\":1}";
        assertThat(deserializeFailure(Serdes.json(Order.class), body))
                .hasMessage("Cannot deserialize json(Order): field \"" + field + "\" expected " + expected + ", got " + actual);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "active | 1           | boolean    | number 1",
            "active | '\"true\"'  | boolean    | string \"true\"",
            "active | 0.0         | boolean    | number 0.0",
            "count  | '\"7\"'     | long       | string \"7\"",
            "count  | 7.5         | long       | number 7.5",
            "ratio  | '\"0.5\"'   | double     | string \"0.5\"",
            "ratio  | true        | double     | boolean true",
            "label  | true        | String     | boolean true",
            "exact  | '\"1.25\"'  | BigDecimal | string \"1.25\"",
    })
    void booleansLongsDoublesAndDecimalsAreNotCoerced(String field, String json, String expected, String actual) {
        String body = VALID_FLAGS.replaceFirst("\"" + field + "\":[^,}]+", "\"" + field + "\":" + json.replace("$", "\\$"));
        assertThat(deserializeFailure(Serdes.json(Flags.class), body))
                .hasMessage("Cannot deserialize json(Flags): field \"" + field + "\" expected " + expected + ", got " + actual);
    }

    @Test
    void numberOutOfRangeForIntNamesFieldAndValue() {
        assertThat(deserializeFailure(Serdes.json(Order.class), "{\"id\":\"o\",\"amount\":99999999999}"))
                .hasMessage("Cannot deserialize json(Order): field \"amount\" expected int, got number 99999999999 (out of range)");
    }

    @Test
    void nestedWrongTypeNamesThePathWithIndexes() {
        String json = "{\"owner\":\"a\",\"counts\":{},\"items\":["
                + "{\"sku\":\"a\",\"quantity\":1,\"price\":1.0},"
                + "{\"sku\":\"b\",\"quantity\":1,\"price\":1.0},"
                + "{\"sku\":\"c\",\"quantity\":1,\"price\":\"cheap\"}]}";
        assertThat(deserializeFailure(Serdes.json(Basket.class), json))
                .hasMessage("Cannot deserialize json(Basket): field \"items[2].price\" expected double, got string \"cheap\"");
    }

    @Test
    void wrongTypedMapValueNamesTheKey() {
        String json = "{\"owner\":\"a\",\"items\":[],\"counts\":{\"apples\":\"many\"}}";
        assertThat(deserializeFailure(Serdes.json(Basket.class), json))
                .hasMessage("Cannot deserialize json(Basket): field \"counts.apples\" expected Integer, got string \"many\"");
    }

    @Test
    void objectWhereListExpectedNamesTheCollectionType() {
        assertThat(deserializeFailure(Serdes.json(Basket.class), "{\"owner\":\"a\",\"items\":{},\"counts\":{}}"))
                .hasMessage("Cannot deserialize json(Basket): field \"items\" expected List, got object");
    }

    @Test
    void wrongTopLevelShapeNamesTheTargetType() {
        assertThat(deserializeFailure(Serdes.json(Order.class), "[1,2]"))
                .hasMessage("Cannot deserialize json(Order): expected Order, got array");
        assertThat(deserializeFailure(Serdes.json(Order.class), "\"o-1\""))
                .hasMessage("Cannot deserialize json(Order): expected Order, got string \"o-1\"");
    }

    @Test
    void unknownEnumConstantNamesFieldAndValue() {
        String json = new String(Serdes.json(Purchase.class).serialize(new Purchase("p", 1, null, null, null, null,
                JsonSerdeTest.Status.NEW)), java.nio.charset.StandardCharsets.UTF_8).replace("\"NEW\"", "\"LOST\"");
        assertThat(deserializeFailure(Serdes.json(Purchase.class), json))
                .hasMessage("Cannot deserialize json(Purchase): field \"status\" expected Status, got string \"LOST\"");
    }

    @Test
    void enumOrdinalIsNotAcceptedForAnEnum() {
        String json = "{\"id\":\"p\",\"amount\":1,\"customer\":null,\"items\":null,\"tags\":null,\"at\":null,\"status\":1}";
        assertThat(deserializeFailure(Serdes.json(Purchase.class), json))
                .hasMessage("Cannot deserialize json(Purchase): field \"status\" expected Status, got number 1");
    }

    @Test
    void unparseableInstantNamesFieldAndValue() {
        String json = "{\"id\":\"p\",\"amount\":1,\"customer\":null,\"items\":null,\"tags\":null,\"at\":\"yesterday\",\"status\":null}";
        assertThat(deserializeFailure(Serdes.json(Purchase.class), json))
                .hasMessage("Cannot deserialize json(Purchase): field \"at\" expected Instant, got string \"yesterday\"");
    }

    @Test
    void missingFieldNamesFieldAndType() {
        assertThat(deserializeFailure(Serdes.json(Order.class), "{\"id\":\"o-1\"}"))
                .hasMessage("Cannot deserialize json(Order): missing required field \"amount\" (int)");
        assertThat(deserializeFailure(Serdes.json(Order.class), "{\"amount\":3}"))
                .hasMessage("Cannot deserialize json(Order): missing required field \"id\" (String)");
    }

    @Test
    void missingNestedFieldNamesTheFullPath() {
        String json = "{\"owner\":\"a\",\"counts\":{},\"items\":[{\"sku\":\"a\",\"quantity\":1,\"price\":1.0},{\"sku\":\"b\",\"price\":1.0}]}";
        assertThat(deserializeFailure(Serdes.json(Basket.class), json))
                .hasMessage("Cannot deserialize json(Basket): missing required field \"items[1].quantity\" (int)");
    }

    @Test
    void missingOptionalFieldIsAnErrorToo() {
        assertThat(deserializeFailure(Serdes.json(JsonSerdeTest.Customer.class), "{\"name\":\"a\"}"))
                .hasMessage("Cannot deserialize json(Customer): missing required field \"email\" (Optional)");
    }

    @Test
    void unknownFieldNamesFieldKnownFieldsAndTheOption() {
        assertThat(deserializeFailure(Serdes.json(Order.class), "{\"id\":\"o-1\",\"amount\":3,\"colour\":\"red\"}"))
                .hasMessage("Cannot deserialize json(Order): unknown field \"colour\"; known fields: [id, amount]"
                        + " (allow unknown fields with JsonOptions.allowUnknownFields())");
    }

    @Test
    void unknownNestedFieldNamesThePath() {
        String json = "{\"owner\":\"a\",\"counts\":{},\"items\":[{\"sku\":\"a\",\"quantity\":1,\"price\":1.0,\"colour\":\"red\"}]}";
        assertThat(deserializeFailure(Serdes.json(Basket.class), json))
                .hasMessage("Cannot deserialize json(Basket): unknown field \"items[0].colour\"; known fields: [sku, quantity, price]"
                        + " (allow unknown fields with JsonOptions.allowUnknownFields())");
    }

    @Test
    void truncatedJsonIsMalformedWithLineAndColumn() {
        SerdeException e = deserializeFailure(Serdes.json(Order.class), "{\"id\":\"o-1\",\"amount\":");
        assertThat(e.getMessage()).startsWith("Cannot deserialize json(Order): malformed JSON at line 1, column 22: Unexpected end-of-input");
        assertThat(e.getCause()).isInstanceOf(JacksonException.class);
    }

    @Test
    void textThatIsNotJsonIsMalformed() {
        assertThat(deserializeFailure(Serdes.json(Order.class), "{\"id\": \"o\",\n \"amount\": twelve}").getMessage())
                .startsWith("Cannot deserialize json(Order): malformed JSON at line 2, column ")
                .contains("Unrecognized token 'twelve'");
        assertThat(deserializeFailure(Serdes.json(Order.class), "hello").getMessage())
                .startsWith("Cannot deserialize json(Order): malformed JSON at line 1, column 1: Unrecognized token 'hello'");
    }

    @Test
    void trailingContentAfterTheValueIsMalformed() {
        assertThat(deserializeFailure(Serdes.json(Order.class), "{\"id\":\"o\",\"amount\":1} {\"id\":\"p\"}"))
                .hasMessage("Cannot deserialize json(Order): malformed JSON at line 1, column 23: unexpected object after the end of the JSON value");
        assertThat(deserializeFailure(Serdes.json(Order.class), "{\"id\":\"o\",\"amount\":1} xyz").getMessage())
                .startsWith("Cannot deserialize json(Order): malformed JSON at line 1, column 23: Unrecognized token 'xyz'");
    }

    @Test
    void duplicateFieldIsMalformed() {
        assertThat(deserializeFailure(Serdes.json(Order.class), "{\"id\":\"o\",\"amount\":1,\"amount\":2}").getMessage())
                .startsWith("Cannot deserialize json(Order): malformed JSON at line 1, column ")
                .contains("Duplicate field 'amount'");
    }

    @Test
    void emptyInputNamesTheExpectedType() {
        assertThat(deserializeFailure(Serdes.json(Order.class), ""))
                .hasMessage("Cannot deserialize json(Order): expected Order, got end of input");
    }

    @Test
    void exceptionFromRecordConstructorNamesTypeAndReason() {
        assertThat(deserializeFailure(Serdes.json(Positive.class), "{\"value\":-3}"))
                .hasMessage("Cannot deserialize json(Positive): creating Positive failed with IllegalArgumentException:"
                        + " value must be positive, got -3");
    }

    public record Shop(String name, Positive stock) {
    }

    @Test
    void exceptionFromNestedRecordConstructorNamesTheField() {
        assertThat(deserializeFailure(Serdes.json(Shop.class), "{\"name\":\"s\",\"stock\":{\"value\":0}}"))
                .hasMessage("Cannot deserialize json(Shop): field \"stock\": creating Positive failed with"
                        + " IllegalArgumentException: value must be positive, got 0");
    }

    @Test
    void longStringValuesAreCutShortInMessages() {
        String huge = "x".repeat(10_000);
        assertThat(deserializeFailure(Serdes.json(Order.class), "{\"id\":\"o\",\"amount\":\"" + huge + "\"}"))
                .hasMessage("Cannot deserialize json(Order): field \"amount\" expected int, got string \""
                        + "x".repeat(64) + "\"... (10000 chars)");
    }

    @Test
    void untypedFieldsReadPlainJsonValuesOnly() {
        Holder read = Serdes.json(Holder.class).deserialize(utf8("{\"payload\":[\"java.util.HashMap\",{\"a\":1}]}"));
        assertThat(read.payload()).isEqualTo(List.of("java.util.HashMap", Map.of("a", 1)));
    }

    @Test
    void classNamesInThePayloadAreNeverInstantiated() {
        String json = "{\"payload\":[\"java.util.concurrent.atomic.AtomicLong\",7]}";
        SerdeException e = deserializeFailure(Serdes.json(Envelope.class), json);
        assertThat(e).hasMessageStartingWith("Cannot deserialize json(Envelope): field \"payload\": type id"
                + " \"java.util.concurrent.atomic.AtomicLong\" is not an allowed subtype of Object");
    }

    @Test
    void classJacksonCannotWriteNamesTheClass() {
        Serde<WithOpaque> serde = Serdes.json(WithOpaque.class);
        assertThatThrownBy(() -> serde.serialize(new WithOpaque("n", new Opaque())))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot serialize json(WithOpaque): cannot write " + Opaque.class.getName()
                        + " at field \"opaque\" as JSON: it has no public getters or @JsonProperty fields")
                .hasCauseInstanceOf(JacksonException.class);
    }
}
