package dev.weir.topology;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A connected part of a topology between repartition topics. The runtime runs one task per
 * (sub-topology, partition): partition p of every source topic goes to the same task, so all
 * source topics of a sub-topology must have the same partition count.
 *
 * @param id           stable number, in the order the sub-topologies' first nodes were declared
 * @param nodes        names of the nodes this sub-topology runs, in declaration order; a
 *                     repartition node appears in both the sub-topology it ends and the one it starts
 * @param sourceNodes  source topic name to the node that reads it
 * @param outputTopics names of the topics this sub-topology's sinks and repartitions write
 * @param tables       names of the tables its nodes use; each task holds one partition of each
 */
public record SubTopology(int id, List<String> nodes, Map<String, String> sourceNodes, Set<String> outputTopics,
                          Set<String> tables) {

    public SubTopology {
        tables = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(tables));
        nodes = List.copyOf(nodes);
        sourceNodes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sourceNodes));
        outputTopics = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(outputTopics));
    }

    /** The topics this sub-topology reads; they must be co-partitioned. */
    public Set<String> sourceTopics() {
        return sourceNodes.keySet();
    }
}
