package dev.weir.serdes.internal;

import dev.weir.serdes.Codec;

/** Leaves bytes as they are, named "raw" as Faust's codec is. */
public final class IdentityCodec implements Codec {

    public static final IdentityCodec INSTANCE = new IdentityCodec();

    private IdentityCodec() {
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public byte[] encode(byte[] data) {
        return data;
    }

    @Override
    public byte[] decode(byte[] data) {
        return data;
    }

    @Override
    public String toString() {
        return name();
    }
}
