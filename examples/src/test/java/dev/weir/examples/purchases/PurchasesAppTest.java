package dev.weir.examples.purchases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.KeyValue;
import dev.weir.runtime.engine.RecordProcessingException;
import dev.weir.testkit.TestDriver;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PurchasesAppTest {

    private final PurchasesApp example = new PurchasesApp();

    @Test
    void purchasesAreReadAsBase64JsonAndWrittenInDollarsAsPlainJson() {
        try (TestDriver d = TestDriver.create(example.app.topology())) {
            d.input(example.purchases).send("p1", new Purchase("ada", "EUR", 1000)).send("p2", new Purchase("bob", "USD", 250));

            assertThat(d.output(example.purchasesInDollars).readKeyValues()).containsExactly(
                    KeyValue.of("ada", new PurchaseInDollars("ada", "EUR", 1000, 1080)),
                    KeyValue.of("bob", new PurchaseInDollars("bob", "USD", 250, 250)));
        }
    }

    @Test
    void readsWhatFaustWritesWithBinaryJson() {
        // Faust's "binary|json" serializer: JSON, then base64.
        String json = "{\"username\":\"cy\",\"currency\":\"GBP\",\"amount\":100}";
        byte[] faustBytes = Base64.getEncoder().encode(json.getBytes(StandardCharsets.UTF_8));
        try (TestDriver d = TestDriver.create(example.app.topology())) {
            d.input(example.purchases).sendRaw("p".getBytes(StandardCharsets.UTF_8), faustBytes);

            assertThat(d.output(example.purchasesInDollars).readValues())
                    .containsExactly(new PurchaseInDollars("cy", "GBP", 100, 127));
        }
    }

    @Test
    void unknownCurrenciesAreDropped() {
        try (TestDriver d = TestDriver.create(example.app.topology())) {
            d.input(example.purchases).send("p1", new Purchase("ada", "XYZ", 1000));

            assertThat(d.output(example.purchasesInDollars).isEmpty()).isTrue();
        }
    }

    @Test
    void plainJsonWhereBase64IsExpectedIsAClearError() {
        try (TestDriver d = TestDriver.create(example.app.topology())) {
            assertThatThrownBy(() -> d.input(example.purchases).sendRaw(null,
                    "{\"username\":\"cy\"}".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(RecordProcessingException.class)
                    .hasMessageContaining("Cannot deserialize record at com.udacity.streams.purchases-0@0")
                    .hasMessageContaining("binary");
        }
    }
}
