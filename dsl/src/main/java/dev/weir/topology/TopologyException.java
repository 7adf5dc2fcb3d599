package dev.weir.topology;

import java.util.List;

/**
 * Thrown when a topology is built and is not valid. {@link #problems()} lists every problem
 * found, each naming the node and what to do; the message holds them all.
 */
public class TopologyException extends RuntimeException {

    private final List<String> problems;

    public TopologyException(String appId, List<String> problems) {
        super(format(appId, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one sentence each. */
    public List<String> problems() {
        return problems;
    }

    private static String format(String appId, List<String> problems) {
        StringBuilder sb = new StringBuilder("Topology of app \"").append(appId).append("\" is not valid (")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append("):");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
