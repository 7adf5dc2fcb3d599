package dev.weir.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.dsl.GlobalTable;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Serde;
import dev.weir.topology.Node;
import dev.weir.topology.SubTopology;
import dev.weir.topology.Topology;
import java.util.Map;
import java.util.TreeMap;

/**
 * The topology in the stable JSON form {@code describe --format json} writes and
 * {@code check-upgrade} reads (format {@code weir-topology}, version 1; the README documents
 * every field). Keys are sorted and lists ordered, so two runs of one program give the same
 * bytes and a diff of two versions shows only what changed.
 */
final class TopologyJson {

    static final String FORMAT = "weir-topology";
    static final int VERSION = 1;
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private TopologyJson() {
    }

    static String write(Topology topology) {
        try {
            return MAPPER.writeValueAsString(describe(topology)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the topology of app \"" + topology.appId() + "\" as JSON", e);
        }
    }

    static ObjectNode describe(Topology topology) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("app", topology.appId());

        Map<String, String> roles = new TreeMap<>();
        for (Node n : topology.nodes()) {
            if (n instanceof Node.Source s) {
                roles.putIfAbsent(s.topic().name(), "source");
            } else if (n instanceof Node.Repartition r) {
                roles.put(r.topic().name(), "repartition");
            } else if (n instanceof Node.Sink s) {
                roles.putIfAbsent(s.topic().name(), "sink");
            }
        }
        topology.tables().values().forEach(t -> roles.put(t.changelogTopic().name(), "changelog"));
        topology.globalTables().keySet().forEach(t -> roles.put(t, "global-table"));
        ArrayNode topics = root.putArray("topics");
        new TreeMap<>(topology.topics()).values().forEach(t -> {
            ObjectNode o = topics.addObject();
            o.put("name", t.name());
            o.put("role", roles.getOrDefault(t.name(), "declared"));
            o.put("internal", t.isInternal());
            o.put("key", serde(t.keySerde()));
            o.put("value", serde(t.valueSerde()));
            if (t.options().partitionCount().isPresent()) {
                o.put("partitions", t.options().partitionCount().getAsInt());
            } else {
                o.putNull("partitions");
            }
        });

        ArrayNode tables = root.putArray("tables");
        for (Table<?, ?> t : new TreeMap<>(topology.tables()).values()) {
            ObjectNode o = tables.addObject();
            o.put("name", t.name());
            o.put("changelog", t.changelogTopic().name());
            o.put("key", serde(t.keySerde()));
            o.put("value", serde(t.valueSerde()));
            o.put("store", t.options().store().name());
            if (t.windowing() != null) {
                o.put("windows", t.windowing().toString());
            } else {
                o.putNull("windows");
            }
            o.put("subTopology", topology.subTopologyOf(t).id());
        }

        ArrayNode globals = root.putArray("globalTables");
        for (GlobalTable<?, ?> g : new TreeMap<>(topology.globalTables()).values()) {
            ObjectNode o = globals.addObject();
            o.put("name", g.name());
            o.put("key", serde(g.keySerde()));
            o.put("value", serde(g.valueSerde()));
            o.put("store", g.options().store().name());
        }

        ArrayNode subs = root.putArray("subTopologies");
        for (SubTopology s : topology.subTopologies()) {
            ObjectNode o = subs.addObject();
            o.put("id", s.id());
            ArrayNode sources = o.putArray("sources");
            s.sourceTopics().stream().sorted().forEach(sources::add);
            ArrayNode ts = o.putArray("tables");
            s.tables().stream().sorted().forEach(ts::add);
            ArrayNode nodes = o.putArray("nodes");
            for (String name : s.nodes()) {
                Node n = topology.node(name);
                ObjectNode no = nodes.addObject();
                no.put("name", name);
                no.put("kind", n.kind());
                Topic<?, ?> topic = Topology.topicOf(n);
                if (topic != null) {
                    no.put("topic", topic.name());
                }
                ArrayNode parents = no.putArray("parents");
                topology.parents(name).forEach(parents::add);
            }
        }
        return root;
    }

    private static String serde(Serde<?> serde) {
        return serde == null ? "<none>" : serde.describe();
    }

    /** Reads a description written by {@link #write}. @throws IllegalArgumentException naming what is wrong */
    static JsonNode read(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + " is not JSON (" + e.getOriginalMessage() + "); write it with"
                    + " `describe --format json`");
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException(source + " is not a Weir topology description (no \"format\": \"" + FORMAT
                    + "\"); write it with `describe --format json`");
        }
        if (root.path("version").asInt() != VERSION) {
            throw new IllegalArgumentException(source + " has version " + root.path("version") + "; this Weir reads version "
                    + VERSION);
        }
        return root;
    }
}
