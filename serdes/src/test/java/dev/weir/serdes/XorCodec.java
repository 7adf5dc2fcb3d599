package dev.weir.serdes;

/** A user-defined codec for tests: XORs every byte with a key, so it is its own inverse. */
final class XorCodec implements Codec {

    private final String name;
    private final byte key;

    XorCodec(String name, int key) {
        this.name = name;
        this.key = (byte) key;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] encode(byte[] data) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (byte) (data[i] ^ key);
        }
        return out;
    }

    @Override
    public byte[] decode(byte[] data) {
        return encode(data);
    }
}
