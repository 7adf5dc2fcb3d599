package dev.weir.serdes.internal;

import dev.weir.serdes.Codec;
import dev.weir.serdes.SerdeException;
import java.util.Base64;

/** Standard Base64 without line breaks, named "binary" as Faust's codec is. */
public final class Base64Codec implements Codec {

    public static final Base64Codec INSTANCE = new Base64Codec();

    private Base64Codec() {
    }

    @Override
    public String name() {
        return "binary";
    }

    @Override
    public byte[] encode(byte[] data) {
        return Base64.getEncoder().encode(data);
    }

    @Override
    public byte[] decode(byte[] data) {
        try {
            return Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new SerdeException("codec \"binary\" cannot decode its input: not valid Base64 (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
