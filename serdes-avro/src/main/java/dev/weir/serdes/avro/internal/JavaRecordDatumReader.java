package dev.weir.serdes.avro.internal;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Conversion;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.io.ResolvingDecoder;

/**
 * Avro's reflect reader, plus Java records: their fields are read into an argument array in
 * the record's component order and the record is built by its canonical constructor. Each
 * field is converted as Avro's reflect reader converts a field of that Java type
 * (stringable, logical type, Optional).
 */
final class JavaRecordDatumReader<T> extends TrustedReflectDatumReader<T> {

    private final Map<Class<?>, RecordShape> shapes;

    JavaRecordDatumReader(Schema writer, Schema reader, TrustedReflectData data, Map<Class<?>, RecordShape> shapes) {
        super(writer, reader, data);
        this.shapes = shapes;
    }

    @Override
    protected Object readRecord(Object old, Schema expected, ResolvingDecoder in) throws IOException {
        Class<?> type = getSpecificData().getClass(expected);
        RecordShape shape = type == null ? null : shapes.get(type);
        if (shape == null) {
            return super.readRecord(old, expected, in);
        }
        Object[] arguments = shape.newArguments();
        for (Schema.Field field : in.readFieldOrder()) {
            int component = shape.componentOf(field.pos());
            if (component < 0) {
                skip(field.schema(), in);
            } else {
                arguments[component] = readComponent(shape, component, field.schema(), in);
            }
        }
        return shape.construct(arguments);
    }

    private Object readComponent(RecordShape shape, int component, Schema schema, ResolvingDecoder in) throws IOException {
        Class<?> type = shape.componentType(component);
        if (shape.stringable(component)) {
            Object text = read(null, schema, in);
            return text == null ? null : newInstanceFromString(type, text.toString());
        }
        LogicalType logicalType = schema.getLogicalType();
        if (logicalType != null) {
            Conversion<?> conversion = getData().getConversionByClass(type, logicalType);
            if (conversion != null) {
                return convert(readWithoutConversion(null, schema, in), schema, logicalType, conversion);
            }
        }
        if (type == Optional.class) {
            return Optional.ofNullable(readWithoutConversion(null, schema, in));
        }
        return readWithoutConversion(null, schema, in);
    }
}
