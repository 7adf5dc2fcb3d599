package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

    private final SchemaRegistry registry = SchemaRegistry.inMemory();

    @Test
    void idsStartAtOneAndRegisteringAgainReturnsTheSameId() {
        assertThat(registry.register("clicks-value", TestSchemas.CLICK_V1)).isEqualTo(1);
        assertThat(registry.register("clicks-value", TestSchemas.CLICK_V2_ADDED_WITH_DEFAULT)).isEqualTo(2);
        assertThat(registry.register("clicks-value", TestSchemas.CLICK_V1)).isEqualTo(1);
        assertThat(registry.latest("clicks-value")).map(RegisteredSchema::version).contains(2);
    }

    @Test
    void oneSchemaUnderTwoSubjectsHasOneIdAndAVersionInEach() {
        int a = registry.register("a-value", TestSchemas.CLICK_V1);
        int b = registry.register("b-value", TestSchemas.CLICK_V1);

        assertThat(b).isEqualTo(a);
        assertThat(registry.bySubjectVersion("b-value", 1)).contains(new RegisteredSchema("b-value", 1, a, TestSchemas.CLICK_V1));
    }

    @Test
    void whatDoesNotExistIsEmpty() {
        registry.register("clicks-value", TestSchemas.CLICK_V1);

        assertThat(registry.byId(2)).isEmpty();
        assertThat(registry.byId(0)).isEmpty();
        assertThat(registry.bySubjectVersion("clicks-value", 2)).isEmpty();
        assertThat(registry.bySubjectVersion("views-value", 1)).isEmpty();
        assertThat(registry.latest("views-value")).isEmpty();
        assertThat(registry.describe()).isEqualTo("in-memory");
    }
}
