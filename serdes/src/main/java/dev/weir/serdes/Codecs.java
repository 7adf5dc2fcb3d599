package dev.weir.serdes;

import dev.weir.serdes.internal.Base64Codec;
import dev.weir.serdes.internal.GzipCodec;
import dev.weir.serdes.internal.IdentityCodec;

/**
 * The built-in byte {@link Codec}s, under the names they have in chain strings.
 *
 * <pre>{@code
 * Serde<Purchase> serde = Serdes.json(Purchase.class).then(Codecs.base64());   // "binary|json"
 * }</pre>
 */
public final class Codecs {

    /** The largest output {@link #gzip()} decompresses to: 64 MiB. */
    public static final int DEFAULT_GZIP_MAX_DECODED_BYTES = 64 * 1024 * 1024;

    private Codecs() {
    }

    /**
     * Standard Base64 (RFC 4648, no line breaks), named {@code binary} as in Faust. Decoding
     * input that is not valid Base64 throws {@link SerdeException}.
     */
    public static Codec base64() {
        return Base64Codec.INSTANCE;
    }

    /**
     * gzip (RFC 1952), named {@code gzip}. Decoding input that is not gzip, is truncated, or
     * decompresses to more than {@link #DEFAULT_GZIP_MAX_DECODED_BYTES} throws {@link SerdeException}.
     */
    public static Codec gzip() {
        return GzipCodec.DEFAULT;
    }

    /**
     * gzip, named {@code gzip}, that refuses to decompress a record to more than
     * {@code maxDecodedBytes}: payloads are untrusted, and a few kilobytes of gzip can
     * expand to gigabytes.
     *
     * @throws IllegalArgumentException when {@code maxDecodedBytes} is not positive
     */
    public static Codec gzip(int maxDecodedBytes) {
        return new GzipCodec(maxDecodedBytes);
    }

    /** Passes bytes through unchanged, named {@code raw} as in Faust. */
    public static Codec identity() {
        return IdentityCodec.INSTANCE;
    }
}
