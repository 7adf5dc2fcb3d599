package dev.weir.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares the topology a running app was deployed with (its {@code describe --format json})
 * with the current one and lists every change: those that would lose or corrupt state or split
 * data (breaking), and those that are safe. Nothing here talks to a broker: it is meant for a
 * build pipeline, before anything is deployed.
 */
final class UpgradeCheck {

    /** One change between the two topologies. */
    record Finding(boolean breaking, String text) {
        @Override
        public String toString() {
            return (breaking ? "BREAKING: " : "safe: ") + text;
        }
    }

    private UpgradeCheck() {
    }

    static List<Finding> compare(JsonNode previous, JsonNode current) {
        List<Finding> out = new ArrayList<>();
        String app = current.path("app").asText();
        if (!previous.path("app").asText().equals(app)) {
            out.add(new Finding(true, "The app id changes from \"" + previous.path("app").asText() + "\" to \"" + app + "\": the"
                    + " consumer group and every internal topic are named from it, so the app would start again from nothing."
                    + " Keep the id."));
        }
        Map<String, JsonNode> oldTables = byName(previous.path("tables"));
        Map<String, JsonNode> newTables = byName(current.path("tables"));
        for (Map.Entry<String, JsonNode> e : oldTables.entrySet()) {
            JsonNode was = e.getValue();
            JsonNode now = newTables.get(e.getKey());
            String name = "Table \"" + e.getKey() + "\"";
            if (now == null) {
                out.add(new Finding(true, name + " is gone (renamed or removed): its state, in changelog \""
                        + was.path("changelog").asText() + "\", would be left behind and the new topology would start"
                        + " without it. Keep its name, or move its state to the new table before you deploy."));
                continue;
            }
            changed(out, true, name + "'s key serde", was, now, "key",
                    "the keys in its stores and changelog would no longer be read as written (or looked up under other bytes)");
            changed(out, true, name + "'s value serde", was, now, "value",
                    "the values in its stores and changelog were written with the old one and would fail to read or be misread");
            changed(out, true, name + "'s windows", was, now, "windows",
                    "its stored windows are laid out for the old ones and would be merged into the new ones wrongly");
            changed(out, false, name + "'s store", was, now, "store", "each task restores the table from its changelog at start");
            if (was.path("subTopology").asInt() != now.path("subTopology").asInt()) {
                out.add(new Finding(false, name + " moves from sub-topology " + was.path("subTopology").asInt() + " to "
                        + now.path("subTopology").asInt() + ": each task restores it from its changelog once"));
            }
        }
        for (String t : newTables.keySet()) {
            if (!oldTables.containsKey(t)) {
                out.add(new Finding(false, "Table \"" + t + "\" is new: it starts empty"));
            }
        }

        Map<String, JsonNode> oldTopics = byName(previous.path("topics"));
        Map<String, JsonNode> newTopics = byName(current.path("topics"));
        for (Map.Entry<String, JsonNode> e : oldTopics.entrySet()) {
            JsonNode was = e.getValue();
            JsonNode now = newTopics.get(e.getKey());
            String role = was.path("role").asText();
            String name = "Topic \"" + e.getKey() + "\"";
            if (now == null) {
                if ("repartition".equals(role)) {
                    out.add(new Finding(true, "Internal topic \"" + e.getKey() + "\" is gone (renamed or removed): records"
                            + " written to it and not yet processed would be lost. Keep its name (the name given to groupBy or"
                            + " the join), or drain the app before you deploy."));
                } else if (!"changelog".equals(role)) {
                    out.add(new Finding(false, name + " (" + role + ") is no longer used"));
                }
                continue;
            }
            if ("repartition".equals(role) || "global-table".equals(role)) {
                String why = "repartition".equals(role)
                        ? "records in it were written with the old one and would be misread when processed"
                        : "the global table's copies and its topic hold data in the old form";
                changed(out, true, name + "'s key serde", was, now, "key", why);
                changed(out, true, name + "'s value serde", was, now, "value", why);
            }
            JsonNode p = was.path("partitions");
            JsonNode q = now.path("partitions");
            if (!p.isNull() && !q.isNull() && p.asInt() != q.asInt()) {
                out.add(new Finding(true, name + "'s partition count changes from " + p.asInt() + " to " + q.asInt() + ": keys"
                        + " would hash to other partitions, so records of one key would be split between tasks and the tables"
                        + " would no longer find what they hold. Keep the count, or repartition into a new topic."));
            }
        }
        for (String t : newTopics.keySet()) {
            if (!oldTopics.containsKey(t) && !"changelog".equals(newTopics.get(t).path("role").asText())) {
                out.add(new Finding(false, "Topic \"" + t + "\" (" + newTopics.get(t).path("role").asText() + ") is new"));
            }
        }

        sources(out, previous, current);

        Set<String> oldNodes = nodes(previous);
        Set<String> newNodes = nodes(current);
        List<String> added = newNodes.stream().filter(n -> !oldNodes.contains(n)).toList();
        List<String> removed = oldNodes.stream().filter(n -> !newNodes.contains(n)).toList();
        if (!added.isEmpty()) {
            out.add(new Finding(false, "Nodes added: " + added));
        }
        if (!removed.isEmpty()) {
            out.add(new Finding(false, "Nodes removed: " + removed));
        }
        return out;
    }

    /** A sub-topology that holds state and now reads a topic it did not: that topic's records would meet state built without them. */
    private static void sources(List<Finding> out, JsonNode previous, JsonNode current) {
        Map<String, Set<String>> oldSourcesOfTable = new LinkedHashMap<>();
        for (JsonNode s : previous.path("subTopologies")) {
            for (JsonNode t : s.path("tables")) {
                oldSourcesOfTable.put(t.asText(), strings(s.path("sources")));
            }
        }
        for (JsonNode s : current.path("subTopologies")) {
            Set<String> tables = strings(s.path("tables"));
            Set<String> before = null;
            for (String t : tables) {
                if (oldSourcesOfTable.containsKey(t)) {
                    before = oldSourcesOfTable.get(t);
                    break;
                }
            }
            if (before == null) {
                continue;
            }
            for (String source : strings(s.path("sources"))) {
                if (!before.contains(source)) {
                    out.add(new Finding(true, "Sub-topology " + s.path("id").asInt() + ", which holds tables " + tables
                            + ", now also reads topic \"" + source + "\": its records would reach tasks whose state was built"
                            + " without them, and the topic must be co-partitioned with the rest. Read it in a sub-topology of"
                            + " its own (through a new table or groupBy), or rebuild the state."));
                }
            }
        }
    }

    private static void changed(List<Finding> out, boolean breaking, String what, JsonNode was, JsonNode now, String field,
                                String consequence) {
        String a = was.path(field).isNull() ? "none" : was.path(field).asText();
        String b = now.path(field).isNull() ? "none" : now.path(field).asText();
        if (!Objects.equals(a, b)) {
            out.add(new Finding(breaking, what + " changes from " + a + " to " + b + ": " + consequence));
        }
    }

    private static Map<String, JsonNode> byName(JsonNode array) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        array.forEach(n -> out.put(n.path("name").asText(), n));
        return out;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> nodes(JsonNode root) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode s : root.path("subTopologies")) {
            s.path("nodes").forEach(n -> out.add(n.path("name").asText()));
        }
        return out;
    }
}
