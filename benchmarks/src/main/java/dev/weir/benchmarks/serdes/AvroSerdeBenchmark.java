package dev.weir.benchmarks.serdes;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.serdes.avro.AvroSerdes;
import dev.weir.serdes.avro.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.reflect.Nullable;
import org.apache.avro.reflect.ReflectData;
import org.apache.avro.reflect.ReflectDatumReader;
import org.apache.avro.reflect.ReflectDatumWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Weir's Avro serdes against Apache Avro's own binary encoder and decoder on the same record,
 * Avro used as its documentation recommends (one datum writer and reader, the encoder and
 * decoder reused). {@code raw*} is Avro alone; {@code weir*} is Weir's serde with raw
 * framing, which adds the null check, the trailing-bytes check and error wrapping;
 * {@code weirSingleObject*} and {@code weirRegistry*} add their header and lookup.
 *
 * <p>Two kinds of data: a GenericRecord, and a POJO through Avro's reflection. Avro's own
 * reflect reader cannot create Java records (Weir builds them through their constructor), so
 * the POJO is the common ground; Avro 1.12 reads it only with its package in
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES}, which the fork sets. Each kind has its own
 * state, so a benchmark's setup touches only the code it measures.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.weir.benchmarks.serdes")
public class AvroSerdeBenchmark {

    static final String TOPIC = "clicks";

    static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Click", "namespace": "dev.weir.benchmarks.serdes", "fields": [
              {"name": "email", "type": "string"},
              {"name": "timestamp", "type": "long"},
              {"name": "uri", "type": "string"},
              {"name": "number", "type": "int"},
              {"name": "referrer", "type": ["null", "string"], "default": null},
              {"name": "score", "type": "double"}
            ]}""");

    /** The same click as a mutable POJO, for Avro's reflection. */
    public static final class ClickPojo {
        public String email;
        public long timestamp;
        public String uri;
        public int number;
        @Nullable
        public String referrer;
        public double score;

        public ClickPojo() {
        }
    }

    /** Avro's encoder and decoder, reused across calls as Avro recommends. */
    abstract static class RawAvro {
        final Headers headers = Headers.create();
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder;
        BinaryDecoder decoder;
    }

    @State(Scope.Thread)
    public static class GenericRawState extends RawAvro {
        GenericRecord record;
        GenericDatumWriter<GenericRecord> writer;
        GenericDatumReader<GenericRecord> reader;
        byte[] bytes;

        @Setup
        public void setUp() throws IOException {
            record = genericClick();
            writer = new GenericDatumWriter<>(SCHEMA);
            reader = new GenericDatumReader<>(SCHEMA);
            bytes = encode(this, writer, record);
        }
    }

    @State(Scope.Thread)
    public static class GenericWeirState {
        final Headers headers = Headers.create();
        GenericRecord record;
        Serde<GenericRecord> raw;
        Serde<GenericRecord> singleObject;
        Serde<GenericRecord> registry;
        byte[] rawBytes;
        byte[] singleObjectBytes;
        byte[] registryBytes;

        @Setup
        public void setUp() throws IOException {
            record = genericClick();
            raw = AvroSerdes.generic(SCHEMA).raw();
            singleObject = AvroSerdes.generic(SCHEMA).singleObject(new SchemaStore.Cache());
            registry = AvroSerdes.generic(SCHEMA).registry(SchemaRegistry.inMemory());
            rawBytes = raw.serialize(TOPIC, headers, record);
            singleObjectBytes = singleObject.serialize(TOPIC, headers, record);
            registryBytes = registry.serialize(TOPIC, headers, record);
            GenericRawState avro = new GenericRawState();
            avro.setUp();
            if (!Arrays.equals(rawBytes, avro.bytes)) {
                throw new IllegalStateException("Weir and Avro wrote different bytes for the same record");
            }
        }
    }

    @State(Scope.Thread)
    public static class ReflectRawState extends RawAvro {
        ClickPojo pojo;
        ReflectDatumWriter<ClickPojo> writer;
        ReflectDatumReader<ClickPojo> reader;
        byte[] bytes;

        @Setup
        public void setUp() throws IOException {
            pojo = pojoClick();
            Schema schema = ReflectData.get().getSchema(ClickPojo.class);
            writer = new ReflectDatumWriter<>(schema);
            reader = new ReflectDatumReader<>(schema);
            bytes = encode(this, writer, pojo);
        }
    }

    @State(Scope.Thread)
    public static class ReflectWeirState {
        final Headers headers = Headers.create();
        ClickPojo pojo;
        Serde<ClickPojo> raw;
        byte[] bytes;

        @Setup
        public void setUp() throws IOException {
            pojo = pojoClick();
            raw = AvroSerdes.reflect(ClickPojo.class).raw();
            bytes = raw.serialize(TOPIC, headers, pojo);
            ReflectRawState avro = new ReflectRawState();
            avro.setUp();
            if (!Arrays.equals(bytes, avro.bytes)) {
                throw new IllegalStateException("Weir and Avro wrote different bytes for the same record");
            }
        }
    }

    static GenericRecord genericClick() {
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("email", "someone@example.com");
        record.put("timestamp", 1_767_225_600_000L);
        record.put("uri", "https://shop.example.com/cart/checkout");
        record.put("number", 120);
        record.put("referrer", "https://news.example.com/");
        record.put("score", 0.87);
        return record;
    }

    static ClickPojo pojoClick() {
        ClickPojo pojo = new ClickPojo();
        pojo.email = "someone@example.com";
        pojo.timestamp = 1_767_225_600_000L;
        pojo.uri = "https://shop.example.com/cart/checkout";
        pojo.number = 120;
        pojo.referrer = "https://news.example.com/";
        pojo.score = 0.87;
        return pojo;
    }

    static <T> byte[] encode(RawAvro state, org.apache.avro.io.DatumWriter<T> writer, T value) throws IOException {
        state.out.reset();
        state.encoder = EncoderFactory.get().binaryEncoder(state.out, state.encoder);
        writer.write(value, state.encoder);
        state.encoder.flush();
        return state.out.toByteArray();
    }

    @Benchmark
    public byte[] rawGenericSerialize(GenericRawState s) throws IOException {
        return encode(s, s.writer, s.record);
    }

    @Benchmark
    public byte[] weirGenericSerialize(GenericWeirState s) {
        return s.raw.serialize(TOPIC, s.headers, s.record);
    }

    @Benchmark
    public GenericRecord rawGenericDeserialize(GenericRawState s) throws IOException {
        s.decoder = DecoderFactory.get().binaryDecoder(s.bytes, s.decoder);
        return s.reader.read(null, s.decoder);
    }

    @Benchmark
    public GenericRecord weirGenericDeserialize(GenericWeirState s) {
        return s.raw.deserialize(TOPIC, s.headers, s.rawBytes);
    }

    @Benchmark
    public byte[] weirSingleObjectGenericSerialize(GenericWeirState s) {
        return s.singleObject.serialize(TOPIC, s.headers, s.record);
    }

    @Benchmark
    public GenericRecord weirSingleObjectGenericDeserialize(GenericWeirState s) {
        return s.singleObject.deserialize(TOPIC, s.headers, s.singleObjectBytes);
    }

    @Benchmark
    public byte[] weirRegistryGenericSerialize(GenericWeirState s) {
        return s.registry.serialize(TOPIC, s.headers, s.record);
    }

    @Benchmark
    public GenericRecord weirRegistryGenericDeserialize(GenericWeirState s) {
        return s.registry.deserialize(TOPIC, s.headers, s.registryBytes);
    }

    @Benchmark
    public byte[] rawReflectSerialize(ReflectRawState s) throws IOException {
        return encode(s, s.writer, s.pojo);
    }

    @Benchmark
    public byte[] weirReflectSerialize(ReflectWeirState s) {
        return s.raw.serialize(TOPIC, s.headers, s.pojo);
    }

    @Benchmark
    public ClickPojo rawReflectDeserialize(ReflectRawState s) throws IOException {
        s.decoder = DecoderFactory.get().binaryDecoder(s.bytes, s.decoder);
        return s.reader.read(null, s.decoder);
    }

    @Benchmark
    public ClickPojo weirReflectDeserialize(ReflectWeirState s) {
        return s.raw.deserialize(TOPIC, s.headers, s.bytes);
    }
}
