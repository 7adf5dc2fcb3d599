package dev.weir.serdes;

import static dev.weir.serdes.JsonSerdeTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.JsonSerdeTest.Item;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SerdeChainTest {

    private static final Item ITEM = new Item("sku-1", 2, 9.5);
    private static final String ITEM_JSON = "{\"sku\":\"sku-1\",\"quantity\":2,\"price\":9.5}";

    @Test
    void binaryJsonIsJsonThenBase64() {
        byte[] bytes = Serdes.chain("binary|json", Item.class).serialize(ITEM);
        assertThat(new String(bytes, StandardCharsets.US_ASCII))
                .isEqualTo(Base64.getEncoder().encodeToString(utf8(ITEM_JSON)));
    }

    @Test
    void bothChainSpellingsProduceTheSameBytes() {
        assertThat(Serdes.chain("json|binary", Item.class).serialize(ITEM))
                .isEqualTo(Serdes.chain("binary|json", Item.class).serialize(ITEM));
        assertThat(Serdes.chain("json|binary|gzip", Item.class).serialize(ITEM))
                .isEqualTo(Serdes.chain("gzip|binary|json", Item.class).serialize(ITEM));
    }

    @Test
    void codecFarthestFromTheFormatIsAppliedLast() {
        byte[] bytes = Serdes.chain("gzip|binary|json", Item.class).serialize(ITEM);
        byte[] base64 = Codecs.gzip().decode(bytes);
        assertThat(Base64.getDecoder().decode(base64)).isEqualTo(utf8(ITEM_JSON));
        assertThat(Serdes.chain("gzip|binary|json", Item.class).deserialize(bytes)).isEqualTo(ITEM);
    }

    @Test
    void typedBuilderMatchesTheChainString() {
        Serde<Item> built = Serdes.json(Item.class).then(Codecs.base64());
        assertThat(built.serialize(ITEM)).isEqualTo(Serdes.chain("binary|json", Item.class).serialize(ITEM));
        assertThat(built.describe()).isEqualTo("binary|json(Item)");
    }

    @Test
    void thenTwiceAppendsOutward() {
        Serde<Item> built = Serdes.json(Item.class).then(Codecs.base64()).then(Codecs.gzip());
        Serde<Item> parsed = Serdes.chain("gzip|binary|json", Item.class);
        assertThat(built.serialize(ITEM)).isEqualTo(parsed.serialize(ITEM));
        assertThat(built.describe()).isEqualTo("gzip|binary|json(Item)").isEqualTo(parsed.describe());
        assertThat(built.deserialize(parsed.serialize(ITEM))).isEqualTo(ITEM);
    }

    @Test
    void withCodecsAppliesCodecsInListOrder() {
        Serde<Item> built = Serdes.withCodecs(Serdes.json(Item.class), List.of(Codecs.base64(), Codecs.gzip()));
        assertThat(built.describe()).isEqualTo("gzip|binary|json(Item)");
        assertThat(built.serialize(ITEM)).isEqualTo(Serdes.chain("gzip|binary|json", Item.class).serialize(ITEM));
    }

    @Test
    void withNoCodecsIsTheSerdeItself() {
        Serde<Item> json = Serdes.json(Item.class);
        assertThat(Serdes.withCodecs(json, List.of())).isSameAs(json);
    }

    @Test
    void describePrintsTheChainOuterFirstWhicheverWayItWasSpelled() {
        assertThat(Serdes.chain("json|binary", Item.class).describe()).isEqualTo("binary|json(Item)");
        assertThat(Serdes.chain("json|binary|gzip", Item.class).describe()).isEqualTo("gzip|binary|json(Item)");
        assertThat(Serdes.chain("raw|string", String.class).describe()).isEqualTo("raw|string");
        assertThat(Serdes.longs().then(Codecs.gzip()).describe()).isEqualTo("gzip|long");
    }

    @Test
    void aFormatAloneIsThatFormatsSerde() {
        Serde<Item> serde = Serdes.chain("json", Item.class);
        assertThat(serde.describe()).isEqualTo("json(Item)");
        assertThat(serde.serialize(ITEM)).isEqualTo(utf8(ITEM_JSON));
    }

    @Test
    void whitespaceAroundNamesIsIgnored() {
        assertThat(Serdes.chain("  gzip | binary |json ", Item.class).serialize(ITEM))
                .isEqualTo(Serdes.chain("gzip|binary|json", Item.class).serialize(ITEM));
    }

    @Test
    void stringAndBytesFormatsWorkInChains() {
        Serde<String> text = Serdes.chain("binary|string", String.class);
        assertThat(text.serialize("hi")).isEqualTo(utf8("aGk="));
        assertThat(text.deserialize(utf8("aGk="))).isEqualTo("hi");
        Serde<byte[]> raw = Serdes.chain("gzip|bytes", byte[].class);
        assertThat(raw.deserialize(raw.serialize(new byte[] {1, 2, 3}))).containsExactly(1, 2, 3);
    }

    @Test
    void stringFormatRefusesOtherTypes() {
        assertThatThrownBy(() -> Serdes.chain("binary|string", Item.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Serde chain \"binary|string\": format \"string\" serializes java.lang.String only, not "
                        + Item.class.getName() + "; use \"json\" for records and POJOs");
    }

    @Test
    void bytesFormatRefusesOtherTypes() {
        assertThatThrownBy(() -> Serdes.chain("bytes", String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Serde chain \"bytes\": format \"bytes\" serializes byte[] only, not java.lang.String;"
                        + " use \"json\" for records and POJOs or \"string\" for text");
    }

    @Test
    void unknownCodecInChainNamesTheCodecAndTheKnownOnes() {
        assertThatThrownBy(() -> Serdes.chain("zstd|json", Item.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown name \"zstd\" in serde chain \"zstd|json\"; known codecs: [binary, gzip, raw],"
                        + " known formats: [bytes, json, string]");
    }

    @Test
    void namesAreCaseSensitiveWithAHint() {
        assertThatThrownBy(() -> Serdes.chain("binary|JSON", Item.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown name \"JSON\" in serde chain \"binary|JSON\" (names are case-sensitive: did you mean"
                        + " \"json\"?); known codecs: [binary, gzip, raw], known formats: [bytes, json, string]");
    }

    @Test
    void chainWithoutFormatIsRejected() {
        assertThatThrownBy(() -> Serdes.chain("gzip|binary", Item.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Serde chain \"gzip|binary\" has no format; put exactly one of [bytes, json, string] at one end,"
                        + " e.g. \"gzip|binary|json\"");
    }

    @Test
    void chainWithTwoFormatsIsRejected() {
        assertThatThrownBy(() -> Serdes.chain("json|binary|string", String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Serde chain \"json|binary|string\" has 2 formats [json, string]; a chain has exactly one format,"
                        + " at one end, and codecs around it");
    }

    @Test
    void formatInTheMiddleIsRejected() {
        assertThatThrownBy(() -> Serdes.chain("gzip|json|binary", Item.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Serde chain \"gzip|json|binary\" has the format \"json\" in the middle; the format must be the"
                        + " first or the last element, with codecs applied outward from it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary||json", "binary|json|", "|json", "binary| |json"})
    void emptyElementIsRejected(String spec) {
        assertThatThrownBy(() -> Serdes.chain(spec, Item.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Serde chain \"" + spec + "\" has an empty element at position ")
                .hasMessageEndingWith("; separate names with a single '|', e.g. \"binary|json\"");
    }

    @Test
    void emptyElementMessageGivesItsPosition() {
        assertThatThrownBy(() -> Serdes.chain("binary||json", Item.class))
                .hasMessage("Serde chain \"binary||json\" has an empty element at position 2 of 3;"
                        + " separate names with a single '|', e.g. \"binary|json\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void emptyChainIsRejected(String spec) {
        assertThatThrownBy(() -> Serdes.chain(spec, Item.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Serde chain \"" + spec + "\" is empty; name a format, optionally with codecs, e.g. \"json\" or \"binary|json\"");
    }

    @Test
    void badBase64InChainNamesTheChainAndTheElement() {
        assertThatThrownBy(() -> Serdes.chain("gzip|binary|json", Item.class).deserialize(Codecs.gzip().encode(utf8("%%%"))))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot deserialize gzip|binary|json(Item) at element \"binary\":"
                        + " codec \"binary\" cannot decode its input: not valid Base64")
                .hasCauseInstanceOf(SerdeException.class);
    }

    @Test
    void notGzipInChainNamesTheChainAndTheElement() {
        assertThatThrownBy(() -> Serdes.chain("gzip|binary|json", Item.class).deserialize(utf8("eyJhIjoxfQ==")))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize gzip|binary|json(Item) at element \"gzip\":"
                        + " codec \"gzip\" cannot decode its input: not gzip data (Not in GZIP format)");
    }

    @Test
    void formatErrorInsideAChainIsTheFormatsOwnError() {
        byte[] bytes = Codecs.base64().encode(utf8("{\"sku\":\"a\",\"quantity\":\"2\",\"price\":1.0}"));
        assertThatThrownBy(() -> Serdes.chain("binary|json", Item.class).deserialize(bytes))
                .isInstanceOf(SerdeException.class)
                .hasMessage("Cannot deserialize json(Item): field \"quantity\" expected int, got string \"2\"");
    }

    @Test
    void codecReturningNullIsReportedAsACodecBug() {
        Codec broken = new Codec() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public byte[] encode(byte[] data) {
                return null;
            }

            @Override
            public byte[] decode(byte[] data) {
                return data;
            }
        };
        assertThatThrownBy(() -> Serdes.string().then(broken).serialize("x"))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("Cannot serialize broken|string at element \"broken\": codec \"broken\" (")
                .hasMessageEndingWith(") returned null from encode; a codec must return bytes for non-null input");
    }
}
