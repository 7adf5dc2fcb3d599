package dev.weir.serdes.avro.internal;

import dev.weir.serdes.avro.RegisteredSchema;
import dev.weir.serdes.avro.SchemaRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A schema registry in memory, with the registry's id rules: one id per distinct schema
 * across all subjects (a schema registered under two subjects has one id), versions
 * numbered from 1 per subject, and registering a schema a subject has returns its id. It
 * checks no compatibility between versions. Thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private final Map<String, Integer> idBySchemaText = new HashMap<>();
    private final List<Schema> schemaById = new ArrayList<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        // The schema's full JSON, so that schemas differing only in defaults or aliases get
        // different ids, as in the registry.
        String text = schema.toString();
        Integer id = idBySchemaText.get(text);
        if (id == null) {
            schemaById.add(schema);
            id = schemaById.size();
            idBySchemaText.put(text, id);
        }
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized Optional<Schema> byId(int id) {
        return id >= 1 && id <= schemaById.size() ? Optional.of(schemaById.get(id - 1)) : Optional.empty();
    }

    @Override
    public synchronized Optional<RegisteredSchema> bySubjectVersion(String subject, int version) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || version < 1 || version > versions.size()) {
            return Optional.empty();
        }
        int id = versions.get(version - 1);
        return Optional.of(new RegisteredSchema(subject, version, id, schemaById.get(id - 1)));
    }

    @Override
    public synchronized Optional<RegisteredSchema> latest(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        return versions == null || versions.isEmpty() ? Optional.empty() : bySubjectVersion(subject, versions.size());
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    @Override
    public String toString() {
        return "SchemaRegistry{in-memory}";
    }
}
