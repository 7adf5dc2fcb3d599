package dev.weir.serdes.avro.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import org.apache.avro.Conversion;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.reflect.ReflectDatumReader;
import org.apache.avro.specific.SpecificData;

/**
 * Avro's reflect reader with every class a schema property names (collection, element and
 * stringable classes) resolved through the serde's {@link ClassTrust}: Avro 1.12's own
 * lookups go through a JVM-wide check that refuses even {@code java.util.List} by default.
 */
class TrustedReflectDatumReader<T> extends ReflectDatumReader<T> {

    TrustedReflectDatumReader(Schema writer, Schema reader, TrustedReflectData data) {
        super(writer, reader, data);
    }

    /**
     * As Avro's reflect reader, with the collection and element classes resolved through the
     * serde's trust rather than Avro's JVM-wide check.
     */
    @Override
    protected Object newArray(Object old, int size, Schema schema) {
        String collectionName = schema.getProp(SpecificData.CLASS_PROP);
        String elementName = schema.getProp(SpecificData.ELEMENT_PROP);
        if (collectionName == null && elementName == null) {
            return super.newArray(old, size, schema);
        }
        ClassTrust trust = trust();
        Class<?> collectionClass = collectionName == null ? null : trust.propertyClass(collectionName);
        Class<?> elementClass = elementName == null ? null : trust.propertyClass(elementName);
        if (collectionClass != null && !collectionClass.isArray()) {
            if (old instanceof Collection<?> collection) {
                collection.clear();
                return old;
            }
            if (collectionClass.isAssignableFrom(ArrayList.class)) {
                return new ArrayList<>(Math.min(size, 1024));
            }
            if (collectionClass.isAssignableFrom(HashSet.class)) {
                return new HashSet<>();
            }
            if (collectionClass.isAssignableFrom(HashMap.class)) {
                return new HashMap<>();
            }
            return SpecificData.newInstance(collectionClass, schema);
        }
        if (elementClass == null) {
            Conversion<?> elementConversion = getData().getConversionFor(schema.getElementType().getLogicalType());
            elementClass = elementConversion != null ? elementConversion.getConvertedType()
                    : collectionClass != null ? collectionClass.getComponentType()
                    : getSpecificData().getClass(schema.getElementType());
        }
        return Array.newInstance(elementClass, size);
    }

    /** As Avro's specific reader, with stringable classes resolved through the serde's trust. */
    @Override
    @SuppressWarnings("rawtypes")
    protected Class findStringClass(Schema schema) {
        String property = switch (schema.getType()) {
            case STRING -> schema.getProp(SpecificData.CLASS_PROP);
            case MAP -> schema.getProp(SpecificData.KEY_CLASS_PROP);
            default -> null;
        };
        if (property != null) {
            return trust().propertyClass(property);
        }
        return "String".equals(schema.getProp(GenericData.STRING_PROP)) ? String.class : CharSequence.class;
    }

    private ClassTrust trust() {
        return ((TrustedReflectData) getSpecificData()).trust();
    }
}
