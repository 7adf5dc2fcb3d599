package dev.weir.serdes.avro.internal;

import dev.weir.serdes.Serde;
import dev.weir.serdes.avro.SchemaRegistry;
import dev.weir.serdes.avro.SubjectNameStrategy;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/** How Avro records are framed on the wire; makes the serde for a model. Immutable. */
public sealed interface Framing {

    <T> Serde<T> serde(AvroModel<T> model);

    /** No header; the writer schema is the reader schema, or {@code writerSchema} when not null. */
    record Raw(Schema writerSchema) implements Framing {
        @Override
        public <T> Serde<T> serde(AvroModel<T> model) {
            return new RawAvroSerde<>(model, writerSchema);
        }
    }

    /** Avro single-object encoding, writer schemas found in {@code store}. */
    record SingleObject(SchemaStore store) implements Framing {
        @Override
        public <T> Serde<T> serde(AvroModel<T> model) {
            return new SingleObjectAvroSerde<>(model, store);
        }
    }

    /** The schema-registry wire format. */
    record Registry(SchemaRegistry registry, SubjectNameStrategy subjects) implements Framing {
        @Override
        public <T> Serde<T> serde(AvroModel<T> model) {
            return new RegistryAvroSerde<>(model, registry, subjects);
        }
    }
}
