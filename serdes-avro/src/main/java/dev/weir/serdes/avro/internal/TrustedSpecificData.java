package dev.weir.serdes.avro.internal;

import org.apache.avro.Conversion;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Avro's SpecificData for one serde: named types resolve to classes through the serde's
 * {@link ClassTrust}, and generated classes use their generated encoders and decoders.
 */
final class TrustedSpecificData extends SpecificData {

    private final ClassTrust trust;

    TrustedSpecificData(Class<?> type, ClassTrust trust) {
        super(type.getClassLoader());
        this.trust = trust;
        // The logical-type conversions the generated class registered in its own model (MODEL$).
        for (Conversion<?> conversion : SpecificData.getForClass(type).getConversions()) {
            addLogicalTypeConversion(conversion);
        }
        // Generated classes carry a customEncode/customDecode pair that reads and writes fields
        // without reflection; classes that need conversions report that they have none.
        setCustomCoders(true);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class getClass(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> trust.classFor(schema);
            default -> super.getClass(schema);
        };
    }
}
