package dev.weir.serdes.avro.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Which classes a specific or reflect serde may load for the named types (records, enums,
 * fixed) of its reader schema: those in the packages the user trusts, by default the package
 * of the class the user gave and its subpackages.
 *
 * <p>Names are checked before a class is loaded, so an untrusted class is never loaded or
 * initialized. This replaces Avro's JVM-wide {@code org.apache.avro.SERIALIZABLE_PACKAGES}
 * check for these lookups with a per-serde one: a user names the packages of one serde
 * instead of opening the whole JVM.
 */
public final class ClassTrust {

    private static final Class<?> NO_CLASS = Void.class;

    /**
     * JDK classes Avro's reflection names in schema properties: collection types it creates
     * for collection fields, and the types it reads from strings. Loading and creating them
     * runs no code a payload controls.
     */
    private static final Set<String> JDK_PROPERTY_CLASSES = Set.of(
            "java.util.Collection", "java.util.List", "java.util.ArrayList", "java.util.LinkedList",
            "java.util.Set", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.SortedSet", "java.util.NavigableSet",
            "java.util.TreeSet", "java.util.Map", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.SortedMap",
            "java.util.NavigableMap", "java.util.TreeMap",
            "java.lang.String", "java.lang.CharSequence", "java.lang.Byte", "java.lang.Short", "java.lang.Character",
            "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Boolean",
            "java.math.BigDecimal", "java.math.BigInteger", "java.net.URI", "java.net.URL", "java.io.File");

    private final Set<String> packages;
    private final ClassLoader loader;
    private final ConcurrentMap<String, Class<?>> byFullName = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Class<?>> byProperty = new ConcurrentHashMap<>();

    private ClassTrust(Set<String> packages, ClassLoader loader) {
        this.packages = packages;
        this.loader = loader;
    }

    /** Trusts the package of {@code type} (and its subpackages) and {@code extraPackages}. */
    public static ClassTrust of(Class<?> type, Collection<String> extraPackages) {
        Set<String> packages = new TreeSet<>();
        packages.add(type.getPackageName());
        packages.addAll(extraPackages);
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : ClassLoader.getSystemClassLoader();
        return new ClassTrust(Set.copyOf(packages), loader);
    }

    /** The trusted packages, sorted; {@code ""} is the unnamed package. */
    public List<String> packages() {
        return List.copyOf(new TreeSet<>(packages));
    }

    /** Whether a class of this binary name (e.g. {@code a.b.Outer$Inner}) is in a trusted package. */
    public boolean trusts(String binaryName) {
        int dot = binaryName.lastIndexOf('.');
        String pkg = dot < 0 ? "" : binaryName.substring(0, dot);
        for (String trusted : packages) {
            if (pkg.equals(trusted) || (!trusted.isEmpty() && pkg.startsWith(trusted) && pkg.charAt(trusted.length()) == '.')) {
                return true;
            }
        }
        return false;
    }

    /**
     * The class that implements a named schema, or null when no class has its name (a
     * generic record then stands in, as in Avro).
     *
     * @throws UntrustedClassException when the class would be outside the trusted packages
     */
    public Class<?> classFor(Schema schema) {
        Class<?> c = byFullName.get(schema.getFullName());
        if (c == null) {
            c = load(schema);
            byFullName.putIfAbsent(schema.getFullName(), c);
        }
        return c == NO_CLASS ? null : c;
    }

    private Class<?> load(Schema schema) {
        String untrusted = null;
        for (String candidate : candidates(schema)) {
            if (!trusts(candidate)) {
                if (untrusted == null) {
                    untrusted = candidate;
                }
                continue;
            }
            try {
                return Class.forName(candidate, false, loader);
            } catch (ClassNotFoundException e) {
                // Avro maps a nested class Outer.Inner to namespace "Outer": try the next spelling.
            }
        }
        if (untrusted != null) {
            throw new UntrustedClassException(untrusted, packages());
        }
        return NO_CLASS;
    }

    /**
     * The class a {@code java-class}, {@code java-element-class} or {@code java-key-class}
     * property names, as Avro's reflection writes them for collection, array and stringable
     * fields: the JDK collection and stringable types, arrays of primitives, and classes in
     * the trusted packages (and arrays of them).
     *
     * @throws UntrustedClassException for any other class, which is not loaded
     */
    public Class<?> propertyClass(String name) {
        Class<?> c = byProperty.get(name);
        if (c == null) {
            c = loadProperty(name);
            byProperty.putIfAbsent(name, c);
        }
        return c;
    }

    private Class<?> loadProperty(String name) {
        String element = name;
        while (element.startsWith("[")) {
            element = element.substring(1);
        }
        boolean allowed;
        if (element.length() == 1 && name.startsWith("[")) {
            allowed = true; // an array of primitives: [B, [I, ...
        } else {
            if (name.startsWith("[")) {
                if (!element.startsWith("L") || !element.endsWith(";")) {
                    throw new UntrustedClassException(name, packages());
                }
                element = element.substring(1, element.length() - 1);
            }
            allowed = JDK_PROPERTY_CLASSES.contains(element) || trusts(element);
        }
        if (!allowed) {
            throw new UntrustedClassException(element, packages());
        }
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new org.apache.avro.AvroRuntimeException("class " + name + " named in a schema property does not exist", e);
        }
    }

    /** The class names Avro's SpecificData would try for this schema, in its order. */
    private static List<String> candidates(Schema schema) {
        Set<String> names = new LinkedHashSet<>();
        names.add(SpecificData.getClassName(schema));
        StringBuilder nested = new StringBuilder(schema.getFullName());
        int dot = nested.lastIndexOf(".");
        names.add(nested.toString());
        while (dot > 0) {
            nested.setCharAt(dot, '$');
            names.add(nested.toString());
            dot = nested.lastIndexOf(".", dot - 1);
        }
        return new ArrayList<>(names);
    }
}
