package dev.weir.serdes.avro;

import dev.weir.serdes.avro.internal.InMemorySchemaRegistry;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A schema registry in the sense of Confluent's: schemas have global integer ids, and each
 * subject (usually {@code <topic>-value}) has a list of versions. Serdes built with
 * {@link AvroSerdeBuilder#registry(SchemaRegistry, SubjectNameStrategy)} register their
 * schema under a subject, write its id in front of every record, and look up the writer's
 * schema by the id they read.
 *
 * <p>{@link #inMemory()} is for tests and the testkit; {@link HttpSchemaRegistry} talks to a
 * Confluent-compatible registry over HTTP(S). Implementations must be thread-safe.
 * Methods throw {@link SchemaRegistryException} when the registry cannot answer (it is
 * unreachable, refuses the credentials, or rejects a schema); "not found" is an empty
 * {@link Optional}, not an exception.
 */
public interface SchemaRegistry {

    /**
     * Registers {@code schema} under {@code subject}, or finds it there, and returns its id.
     * Registering a schema that the subject already has returns the existing id.
     *
     * @throws SchemaRegistryException when the registry rejects the schema (e.g. as incompatible
     *                                 with the subject's earlier versions) or cannot be reached
     */
    int register(String subject, Schema schema);

    /** The schema with this id, or empty when there is none. */
    Optional<Schema> byId(int id);

    /** Version {@code version} (1 is the first) of {@code subject}, or empty when either does not exist. */
    Optional<RegisteredSchema> bySubjectVersion(String subject, int version);

    /** The newest version of {@code subject}, or empty when the subject does not exist. */
    Optional<RegisteredSchema> latest(String subject);

    /**
     * Where this registry is, for error messages: {@code in-memory}, or the base URL of an
     * HTTP registry. Never contains credentials.
     */
    String describe();

    /** A new, empty, thread-safe registry in memory; ids start at 1. */
    static SchemaRegistry inMemory() {
        return new InMemorySchemaRegistry();
    }
}
