package dev.weir.serdes.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * Refuses every subtype named by a Java class name in the payload ({@code @JsonTypeInfo(use = CLASS)}
 * or {@code MINIMAL_CLASS}), so a message can never make Jackson load a class of its choosing.
 * Subtypes declared by name with {@code @JsonSubTypes} do not consult this validator and keep working.
 */
final class ClassNameTypeIdsDenied extends PolymorphicTypeValidator.Base {

    private static final long serialVersionUID = 1L;

    @Override
    public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
        return Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
        return Validity.DENIED;
    }
}
