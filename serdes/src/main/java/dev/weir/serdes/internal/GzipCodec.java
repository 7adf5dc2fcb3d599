package dev.weir.serdes.internal;

import dev.weir.serdes.Codec;
import dev.weir.serdes.Codecs;
import dev.weir.serdes.SerdeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/** gzip (RFC 1952) with a cap on the decompressed size, because payloads are untrusted. */
public final class GzipCodec implements Codec {

    public static final GzipCodec DEFAULT = new GzipCodec(Codecs.DEFAULT_GZIP_MAX_DECODED_BYTES);

    private final int maxDecodedBytes;

    public GzipCodec(int maxDecodedBytes) {
        if (maxDecodedBytes <= 0) {
            throw new IllegalArgumentException("gzip maxDecodedBytes must be positive, got " + maxDecodedBytes);
        }
        this.maxDecodedBytes = maxDecodedBytes;
    }

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public byte[] encode(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, data.length / 2));
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(data);
        } catch (IOException e) {
            // A ByteArrayOutputStream never throws, so this is a JDK failure rather than bad input.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] decode(byte[] data) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length * 4));
            byte[] buffer = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > maxDecodedBytes) {
                    throw new SerdeException("codec \"gzip\" cannot decode its input: it decompresses to more than "
                            + maxDecodedBytes + " bytes (raise the limit with Codecs.gzip(maxDecodedBytes))");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (EOFException e) {
            throw new SerdeException("codec \"gzip\" cannot decode its input: gzip data is truncated ("
                    + data.length + " bytes)", e);
        } catch (ZipException e) {
            throw new SerdeException("codec \"gzip\" cannot decode its input: not gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new SerdeException("codec \"gzip\" cannot decode its input: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "gzip(max " + maxDecodedBytes + " bytes)";
    }
}
