package dev.weir.serdes.avro.internal;

import java.util.List;
import org.apache.avro.AvroRuntimeException;

/**
 * A reader schema names a class outside the serde's trusted packages. An
 * {@link AvroRuntimeException} so that it passes through Avro's readers unchanged.
 */
public final class UntrustedClassException extends AvroRuntimeException {

    private final String className;

    UntrustedClassException(String className, List<String> trustedPackages) {
        super("class " + className + " is outside the trusted packages " + trustedPackages
                + "; trust its package with trustPackages(\"" + packageOf(className) + "\") if you wrote it");
        this.className = className;
    }

    /** The binary name of the class that was refused. */
    public String className() {
        return className;
    }

    private static String packageOf(String binaryName) {
        int dot = binaryName.lastIndexOf('.');
        return dot < 0 ? "" : binaryName.substring(0, dot);
    }
}
