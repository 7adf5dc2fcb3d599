package dev.weir.runtime.engine;

/**
 * A task: one sub-topology on one partition number. Printed as {@code <subTopology>_<partition>},
 * e.g. {@code 0_3}; the same text names the task's state directory.
 */
public record TaskId(int subTopology, int partition) implements Comparable<TaskId> {

    public TaskId {
        if (subTopology < 0 || partition < 0) {
            throw new IllegalArgumentException("TaskId parts must be >= 0, got " + subTopology + "_" + partition);
        }
    }

    /** Parses {@code 0_3}. @throws IllegalArgumentException naming the text when it is not of that form */
    public static TaskId parse(String text) {
        int i = text == null ? -1 : text.indexOf('_');
        try {
            if (i > 0) {
                return new TaskId(Integer.parseInt(text.substring(0, i)), Integer.parseInt(text.substring(i + 1)));
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("Not a task id: \"" + text + "\"; expected <sub-topology>_<partition>, e.g. 0_3");
    }

    @Override
    public int compareTo(TaskId o) {
        int c = Integer.compare(subTopology, o.subTopology);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return subTopology + "_" + partition;
    }
}
