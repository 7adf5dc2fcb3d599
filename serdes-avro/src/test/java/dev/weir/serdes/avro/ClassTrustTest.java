package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.avro.fixtures.money.Money;
import dev.weir.serdes.avro.fixtures.money.NamedInSchemas;
import dev.weir.serdes.avro.fixtures.money.Tainted;
import dev.weir.serdes.avro.fixtures.orders.Order;
import dev.weir.serdes.avro.fixtures.orders.TaintedOrder;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class ClassTrustTest {

    record Basket(List<String> items, Set<Integer> codes) {
    }

    @Test
    void aFieldOfAClassFromAnotherPackageIsRefusedNamingTheFieldAndWhatToDo() {
        assertThatThrownBy(() -> AvroSerdes.reflect(Order.class).raw())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot use dev.weir.serdes.avro.fixtures.orders.Order with Avro: field \"total\": class "
                        + "dev.weir.serdes.avro.fixtures.money.Money is outside the trusted packages [dev.weir.serdes.avro.fixtures.orders];"
                        + " trust its package with trustPackages(\"dev.weir.serdes.avro.fixtures.money\") if you wrote it");
    }

    @Test
    void trustingThePackageLetsTheSerdeUseIt() {
        Serde<Order> serde = AvroSerdes.reflect(Order.class).trustPackages("dev.weir.serdes.avro.fixtures.money").raw();
        Order order = new Order("o-1", new Money(1250, "EUR"));

        assertThat(serde.deserialize(serde.serialize(order))).isEqualTo(order);
    }

    @Test
    void aRefusedClassIsNeverInitialized() {
        assertThatThrownBy(() -> AvroSerdes.reflect(TaintedOrder.class).registry(SchemaRegistry.inMemory()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("class " + Tainted.class.getName() + " is outside the trusted packages");

        assertThat(System.getProperty(Tainted.INITIALIZED_PROPERTY)).isNull();
    }

    @Test
    void aClassNamedInAWriterSchemaIsNeverLoaded() {
        Schema reader = AvroSerdes.reflect(Money.class).schema();
        // A writer schema from the registry, with an extra field whose "java-class" names a class.
        Schema hostile = TestSchemas.parse("""
                {"type": "record", "name": "Money", "namespace": "dev.weir.serdes.avro.fixtures.money", "fields": [
                  {"name": "cents", "type": "long"},
                  {"name": "currency", "type": {"type": "string", "java-class": "%s"}},
                  {"name": "extra", "type": {"type": "string", "java-class": "%s"}}
                ]}""".formatted(NamedInSchemas.class.getName(), NamedInSchemas.class.getName()));
        SchemaRegistry registry = SchemaRegistry.inMemory();
        GenericRecord written = TestSchemas.record(hostile, "cents", 5L, "currency", "EUR", "extra", "boom");
        byte[] bytes = AvroSerdes.generic(hostile).registry(registry).serialize("money", Headers.create(), written);

        Money read = AvroSerdes.reflect(Money.class).registry(registry).deserialize("money", Headers.create(), bytes);

        assertThat(read).isEqualTo(new Money(5, "EUR"));
        assertThat(reader.getField("extra")).isNull();
        assertThat(System.getProperty(NamedInSchemas.INITIALIZED_PROPERTY)).isNull();
    }

    @Test
    void jdkCollectionFieldsNeedNoTrustAndNoJvmWideSetting() {
        Serde<Basket> serde = AvroSerdes.reflect(Basket.class).raw();
        Basket basket = new Basket(List.of("tea", "milk"), Set.of(3, 4));

        assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
        assertThat(serde.deserialize(serde.serialize(basket))).isEqualTo(basket);
    }

    @Test
    void aWildcardOrMalformedPackageIsRefused() {
        assertThatThrownBy(() -> AvroSerdes.reflect(Order.class).trustPackages("*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Not a Java package name: \"*\"");
        assertThatThrownBy(() -> AvroFormat.raw().trustPackages("com..example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Not a Java package name: \"com..example\"");
    }

    @Test
    void theAvroFormatTrustsThePackagesItWasGiven() {
        dev.weir.serdes.SerdeRegistry registry = dev.weir.serdes.SerdeRegistry.defaults()
                .withFormat(AvroFormat.raw().trustPackages("dev.weir.serdes.avro.fixtures.money"));
        Order order = new Order("o-2", new Money(1, "GBP"));

        Serde<Order> serde = registry.chain("avro", Order.class);

        assertThat(serde.deserialize(serde.serialize(order))).isEqualTo(order);
        assertThatThrownBy(() -> dev.weir.serdes.SerdeRegistry.defaults().withFormat(AvroFormat.raw()).chain("avro", Order.class))
                .hasMessageContaining("is outside the trusted packages");
    }
}
