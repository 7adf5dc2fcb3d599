package dev.weir.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class CodecsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void builtInCodecsHaveFaustNames() {
        assertThat(Codecs.base64().name()).isEqualTo("binary");
        assertThat(Codecs.gzip().name()).isEqualTo("gzip");
        assertThat(Codecs.identity().name()).isEqualTo("raw");
    }

    @Test
    void base64IsStandardBase64WithoutLineBreaks() {
        assertThat(new String(Codecs.base64().encode(utf8("{\"a\":1}")), StandardCharsets.US_ASCII))
                .isEqualTo("eyJhIjoxfQ==");
        byte[] large = new byte[1000];
        new Random(1).nextBytes(large);
        assertThat(Codecs.base64().encode(large)).doesNotContain((byte) '\n');
        assertThat(Codecs.base64().decode(Codecs.base64().encode(large))).isEqualTo(large);
    }

    @Test
    void badBase64NamesTheCodecAndTheReason() {
        assertThatThrownBy(() -> Codecs.base64().decode(utf8("not base64!")))
                .isInstanceOf(SerdeException.class)
                .hasMessageStartingWith("codec \"binary\" cannot decode its input: not valid Base64 (Illegal base64 character")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gzipRoundTripsAndIsReadableByTheJdk() throws IOException {
        byte[] data = utf8("hello ".repeat(1000));
        byte[] compressed = Codecs.gzip().encode(data);
        assertThat(compressed.length).isLessThan(data.length / 10);
        assertThat(new GZIPInputStream(new java.io.ByteArrayInputStream(compressed)).readAllBytes()).isEqualTo(data);
        assertThat(Codecs.gzip().decode(compressed)).isEqualTo(data);
        assertThat(Codecs.gzip().decode(Codecs.gzip().encode(new byte[0]))).isEmpty();
    }

    @Test
    void gzipReadsDataCompressedByTheJdk() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(utf8("from elsewhere"));
        }
        assertThat(Codecs.gzip().decode(out.toByteArray())).isEqualTo(utf8("from elsewhere"));
    }

    @Test
    void bytesThatAreNotGzipNameTheCodecAndTheReason() {
        assertThatThrownBy(() -> Codecs.gzip().decode(utf8("plain text, not gzip")))
                .isInstanceOf(SerdeException.class)
                .hasMessage("codec \"gzip\" cannot decode its input: not gzip data (Not in GZIP format)");
    }

    @Test
    void truncatedGzipNamesTheCodec() {
        byte[] compressed = Codecs.gzip().encode(utf8("hello ".repeat(100)));
        byte[] truncated = Arrays.copyOf(compressed, compressed.length - 6);
        assertThatThrownBy(() -> Codecs.gzip().decode(truncated))
                .isInstanceOf(SerdeException.class)
                .hasMessage("codec \"gzip\" cannot decode its input: gzip data is truncated (" + truncated.length + " bytes)");
    }

    @Test
    void gzipRefusesToDecompressBeyondItsLimit() {
        byte[] bomb = Codecs.gzip().encode(new byte[100_000]);
        assertThat(bomb.length).isLessThan(1_000);
        assertThatThrownBy(() -> Codecs.gzip(10_000).decode(bomb))
                .isInstanceOf(SerdeException.class)
                .hasMessage("codec \"gzip\" cannot decode its input: it decompresses to more than 10000 bytes"
                        + " (raise the limit with Codecs.gzip(maxDecodedBytes))");
        assertThat(Codecs.gzip(100_000).decode(bomb)).hasSize(100_000);
    }

    @Test
    void gzipLimitMustBePositive() {
        assertThatThrownBy(() -> Codecs.gzip(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gzip maxDecodedBytes must be positive, got 0");
    }

    @Test
    void identityLeavesBytesAlone() {
        byte[] data = {9, 8, 7};
        assertThat(Codecs.identity().encode(data)).isEqualTo(data);
        assertThat(Codecs.identity().decode(data)).isEqualTo(data);
    }
}
