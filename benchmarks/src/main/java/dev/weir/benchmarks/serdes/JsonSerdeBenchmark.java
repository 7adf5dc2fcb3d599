package dev.weir.benchmarks.serdes;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.Serdes;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Weir's strict JSON serde against plain Jackson (an {@code ObjectReader} and
 * {@code ObjectWriter} for the record from a default {@code ObjectMapper}) on the same Java
 * record. Weir's reader also rejects unknown fields, coercions, duplicate keys and trailing
 * content, which plain Jackson lets through; {@code rawJacksonDeserializeDuplicateChecked} is
 * plain Jackson with only duplicate-key detection turned on, the check that costs the most.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class JsonSerdeBenchmark {

    private static final String TOPIC = "clicks";

    /** The seed's click event, plus a referrer and a score. */
    public record Click(String email, long timestamp, String uri, int number, String referrer, double score) {
    }

    private final Headers headers = Headers.create();
    private Click click;
    private ObjectReader reader;
    private ObjectReader duplicateCheckedReader;
    private ObjectWriter writer;
    private Serde<Click> weir;
    private byte[] bytes;

    @Setup
    public void setUp() throws IOException {
        click = new Click("someone@example.com", 1_767_225_600_000L, "https://shop.example.com/cart/checkout", 120,
                "https://news.example.com/", 0.87);
        ObjectMapper mapper = new ObjectMapper();
        reader = mapper.readerFor(Click.class);
        duplicateCheckedReader = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build().readerFor(Click.class);
        writer = mapper.writerFor(Click.class);
        weir = Serdes.json(Click.class);
        bytes = writer.writeValueAsBytes(click);
        if (!java.util.Arrays.equals(bytes, weir.serialize(click)) || !weir.deserialize(bytes).equals(click)) {
            throw new IllegalStateException("Weir and Jackson disagree on the same record");
        }
    }

    @Benchmark
    public byte[] rawJacksonSerialize() throws IOException {
        return writer.writeValueAsBytes(click);
    }

    @Benchmark
    public byte[] weirJsonSerialize() {
        return weir.serialize(TOPIC, headers, click);
    }

    @Benchmark
    public Click rawJacksonDeserialize() throws IOException {
        return reader.readValue(bytes);
    }

    @Benchmark
    public Click rawJacksonDeserializeDuplicateChecked() throws IOException {
        return duplicateCheckedReader.readValue(bytes);
    }

    @Benchmark
    public Click weirJsonDeserialize() {
        return weir.deserialize(TOPIC, headers, bytes);
    }
}
