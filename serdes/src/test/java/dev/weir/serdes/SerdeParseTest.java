package dev.weir.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SerdeParseTest {

    record Purchase(String username, int amount) {
    }

    @Test
    void primitivesParseTheirTextForm() {
        assertThat(Serdes.string().parse("hello")).isEqualTo("hello");
        assertThat(Serdes.longs().parse(" 42 ")).isEqualTo(42L);
        assertThat(Serdes.ints().parse("-7")).isEqualTo(-7);
        assertThat(Serdes.doubles().parse("1.5")).isEqualTo(1.5);
        UUID id = UUID.randomUUID();
        assertThat(Serdes.uuid().parse(id.toString())).isEqualTo(id);
        assertThat(Serdes.bytes().parse("ab")).containsExactly('a', 'b');
        assertThat(Serdes.voids().parse("null")).isNull();
    }

    @Test
    void badNumbersNameTheTypeAndTheText() {
        assertThatThrownBy(() -> Serdes.longs().parse("12x")).isInstanceOf(SerdeException.class)
                .hasMessage("Cannot parse long: expected a decimal number, got \"12x\"");
        assertThatThrownBy(() -> Serdes.ints().parse("1.5")).hasMessageContaining("Cannot parse int");
    }

    @Test
    void jsonAndChainsParseJsonTextStrictly() {
        Purchase p = new Purchase("ada", 10);
        assertThat(Serdes.json(Purchase.class).parse("{\"username\":\"ada\",\"amount\":10}")).isEqualTo(p);
        Serde<Purchase> chain = Serdes.chain("binary|json", Purchase.class);
        Purchase parsed = chain.parse("{\"username\":\"ada\",\"amount\":10}");
        assertThat(chain.deserialize(chain.serialize(parsed))).isEqualTo(p);
        assertThatThrownBy(() -> chain.parse("{\"username\":\"ada\",\"amount\":\"ten\"}"))
                .isInstanceOf(SerdeException.class).hasMessageContaining("field \"amount\" expected int, got string \"ten\"");
    }

    @Test
    void aSerdeWithoutTextFormSaysSo() {
        Serde<Object> custom = new Serde<>() {
            public byte[] serialize(String topic, Headers headers, Object value) {
                return new byte[0];
            }

            public Object deserialize(String topic, Headers headers, byte[] data) {
                return null;
            }

            public String describe() {
                return "custom";
            }
        };
        assertThatThrownBy(() -> custom.parse("x")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Serde custom has no text form");
    }
}
