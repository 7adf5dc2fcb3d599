package dev.weir.serdes.avro.internal;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.reflect.AvroEncode;
import org.apache.avro.reflect.AvroName;
import org.apache.avro.reflect.Stringable;

/**
 * How to build one Java record from the fields of its reflect schema. Avro 1.12's reflection
 * writes records (it reads their private fields) but reads only into classes it can create
 * with a no-arg constructor and then assign field by field, which a record forbids; a record
 * is created here through its canonical constructor once all its fields are read.
 */
final class RecordShape {

    private final Class<?> type;
    private final Constructor<?> constructor;
    private final Class<?>[] componentTypes;
    private final String[] componentNames;
    private final boolean[] stringable;
    private final int[] componentByFieldPosition;
    private final Object[] absentValues;

    private RecordShape(Class<?> type, Constructor<?> constructor, Class<?>[] componentTypes, String[] componentNames,
                        boolean[] stringable, int[] componentByFieldPosition, Object[] absentValues) {
        this.type = type;
        this.constructor = constructor;
        this.componentTypes = componentTypes;
        this.componentNames = componentNames;
        this.stringable = stringable;
        this.componentByFieldPosition = componentByFieldPosition;
        this.absentValues = absentValues;
    }

    /**
     * The shape of record class {@code type} whose reflect schema is {@code schema}.
     *
     * @throws IllegalArgumentException when a component uses {@code @AvroEncode}, which reads
     *                                  into an existing object, or the canonical constructor is
     *                                  not accessible
     */
    static RecordShape of(Class<?> type, Schema schema) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        String[] names = new String[components.length];
        boolean[] stringable = new boolean[components.length];
        Object[] absent = new Object[components.length];
        int[] byPosition = new int[schema.getFields().size()];
        Arrays.fill(byPosition, -1);
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            types[i] = component.getType();
            names[i] = component.getName();
            absent[i] = types[i].isPrimitive() ? Array.get(Array.newInstance(types[i], 1), 0) : null;
            Field field = field(type, component.getName());
            if (field.isAnnotationPresent(AvroEncode.class)) {
                throw new IllegalArgumentException("Java record " + type.getName() + " component \"" + component.getName()
                        + "\" uses @AvroEncode, which Weir cannot apply to a record; use a class with a no-arg constructor");
            }
            stringable[i] = field.isAnnotationPresent(Stringable.class);
            AvroName renamed = field.getAnnotation(AvroName.class);
            Schema.Field schemaField = schema.getField(renamed != null ? renamed.value() : component.getName());
            if (schemaField != null) {
                byPosition[schemaField.pos()] = i;
            }
        }
        Constructor<?> constructor;
        try {
            constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalArgumentException("Java record " + type.getName() + ": cannot use its canonical constructor ("
                    + e + ")", e);
        }
        return new RecordShape(type, constructor, types, names, stringable, byPosition, absent);
    }

    private static Field field(Class<?> type, String name) {
        try {
            return type.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("record " + type.getName() + " has no field for its component " + name, e);
        }
    }

    /** The record component that schema field {@code position} fills, or -1. */
    int componentOf(int position) {
        return componentByFieldPosition[position];
    }

    Class<?> componentType(int component) {
        return componentTypes[component];
    }

    boolean stringable(int component) {
        return stringable[component];
    }

    /** Arguments for the canonical constructor, each the value of a component that no field fills. */
    Object[] newArguments() {
        return absentValues.clone();
    }

    /** Calls the canonical constructor; a failure names the record and the constructor's complaint. */
    Object construct(Object[] arguments) {
        try {
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new ConstructionFailure("creating " + type.getSimpleName() + " failed with " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        } catch (IllegalArgumentException e) {
            throw new ConstructionFailure("creating " + type.getSimpleName() + " failed: " + nullPrimitive(arguments), e);
        } catch (ReflectiveOperationException e) {
            throw new ConstructionFailure("creating " + type.getSimpleName() + " failed: " + e, e);
        }
    }

    /**
     * A record's constructor refused the values read (its validation threw): the data is valid
     * Avro, the value is not. An {@link AvroRuntimeException} so that it passes through Avro's readers.
     */
    static final class ConstructionFailure extends AvroRuntimeException {
        ConstructionFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private String nullPrimitive(Object[] arguments) {
        for (int i = 0; i < arguments.length; i++) {
            if (arguments[i] == null && componentTypes[i].isPrimitive()) {
                return "null for " + componentTypes[i].getName() + " component \"" + componentNames[i] + "\"";
            }
        }
        return "argument types do not match the canonical constructor";
    }
}
