package dev.weir.serdes;

import static dev.weir.serdes.JsonSerdeTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.JsonSerdeTest.Item;
import org.junit.jupiter.api.Test;

class SerdeRegistryTest {

    private static final Item ITEM = new Item("sku-1", 2, 9.5);

    /** A format for tests: JSON that skips unknown fields. */
    private static Format lenientJson(String name) {
        return new Format() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public <T> Serde<T> serde(Class<T> type) {
                return Serdes.json(type, JsonOptions.strict().allowUnknownFields());
            }
        };
    }

    @Test
    void defaultsKnowTheBuiltInsSorted() {
        assertThat(SerdeRegistry.defaults().codecNames()).containsExactly("binary", "gzip", "raw");
        assertThat(SerdeRegistry.defaults().formatNames()).containsExactly("bytes", "json", "string");
    }

    @Test
    void customCodecRegisteredIsUsableInAChain() {
        SerdeRegistry registry = SerdeRegistry.defaults().withCodec(new XorCodec("xor", 0x5a));
        Serde<Item> serde = registry.chain("xor|binary|json", Item.class);
        byte[] bytes = serde.serialize(ITEM);
        assertThat(new XorCodec("xor", 0x5a).decode(bytes)).isEqualTo(Serdes.chain("binary|json", Item.class).serialize(ITEM));
        assertThat(serde.deserialize(bytes)).isEqualTo(ITEM);
        assertThat(serde.describe()).isEqualTo("xor|binary|json(Item)");
    }

    @Test
    void addingReturnsANewRegistryAndLeavesTheOldOneAlone() {
        SerdeRegistry registry = SerdeRegistry.defaults().withCodec(new XorCodec("xor", 1));
        assertThat(registry.codecNames()).containsExactly("binary", "gzip", "raw", "xor");
        assertThat(SerdeRegistry.defaults().codecNames()).containsExactly("binary", "gzip", "raw");
        assertThatThrownBy(() -> SerdeRegistry.defaults().chain("xor|json", Item.class))
                .hasMessageContaining("Unknown name \"xor\"");
    }

    @Test
    void unknownNameListsCustomEntriesToo() {
        SerdeRegistry registry = SerdeRegistry.defaults().withCodec(new XorCodec("xor", 1)).withFormat(lenientJson("lenient-json"));
        assertThatThrownBy(() -> registry.chain("rot13|json", Item.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown name \"rot13\" in serde chain \"rot13|json\"; known codecs: [binary, gzip, raw, xor],"
                        + " known formats: [bytes, json, lenient-json, string]");
    }

    @Test
    void customFormatIsUsableAtEitherEnd() {
        SerdeRegistry registry = SerdeRegistry.defaults().withFormat(lenientJson("lenient-json"));
        byte[] withExtra = Codecs.base64().encode(utf8("{\"sku\":\"sku-1\",\"quantity\":2,\"price\":9.5,\"colour\":\"red\"}"));
        assertThat(registry.chain("binary|lenient-json", Item.class).deserialize(withExtra)).isEqualTo(ITEM);
        assertThat(registry.chain("lenient-json|binary", Item.class).deserialize(withExtra)).isEqualTo(ITEM);
    }

    @Test
    void codecNameClashIsRejectedWithTheReplaceMethodNamed() {
        assertThatThrownBy(() -> SerdeRegistry.defaults().withCodec(new XorCodec("gzip", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot add codec \"gzip\": a codec of that name exists; use replacingCodec(...) to override it"
                        + " (codec and format names share one namespace)");
    }

    @Test
    void codecNamedLikeAFormatIsRejected() {
        assertThatThrownBy(() -> SerdeRegistry.defaults().withCodec(new XorCodec("json", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot add codec \"json\": a format of that name exists (codec and format names share one namespace)");
    }

    @Test
    void formatNameClashIsRejectedWithTheReplaceMethodNamed() {
        assertThatThrownBy(() -> SerdeRegistry.defaults().withFormat(lenientJson("json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot add format \"json\": a format of that name exists; use replacingFormat(...) to override it"
                        + " (codec and format names share one namespace)");
    }

    @Test
    void replacingAFormatChangesWhatItsNameMeans() {
        SerdeRegistry registry = SerdeRegistry.defaults().replacingFormat(lenientJson("json"));
        assertThat(registry.chain("json", Item.class)
                .deserialize(utf8("{\"sku\":\"sku-1\",\"quantity\":2,\"price\":9.5,\"colour\":\"red\"}"))).isEqualTo(ITEM);
        assertThat(registry.formatNames()).containsExactly("bytes", "json", "string");
    }

    @Test
    void replacingACodecChangesWhatItsNameMeans() {
        SerdeRegistry registry = SerdeRegistry.defaults().replacingCodec(Codecs.gzip(10));
        byte[] bytes = Serdes.chain("gzip|string", String.class).serialize("more than ten bytes");
        assertThatThrownBy(() -> registry.chain("gzip|string", String.class).deserialize(bytes))
                .hasMessageContaining("decompresses to more than 10 bytes");
    }

    @Test
    void replacingAnAbsentNameIsRejected() {
        assertThatThrownBy(() -> SerdeRegistry.defaults().replacingCodec(new XorCodec("xor", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot replace codec \"xor\": there is no codec of that name (codecs: [binary, gzip, raw]);"
                        + " add it with withCodec(...)");
        assertThatThrownBy(() -> SerdeRegistry.defaults().replacingFormat(lenientJson("gzip")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot replace format \"gzip\": there is no format of that name (formats: [bytes, json, string]);"
                        + " add it with withFormat(...)");
    }

    @Test
    void namesThatCannotAppearInAChainAreRejected() {
        for (String bad : new String[] {"", "a|b", "Xor", " xor", "-x"}) {
            assertThatThrownBy(() -> SerdeRegistry.defaults().withCodec(new XorCodec(bad, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Invalid codec name \"" + bad + "\": a chain name is lowercase letters, digits, '-', '_' or '.',"
                            + " starting with a letter or digit");
        }
    }
}
