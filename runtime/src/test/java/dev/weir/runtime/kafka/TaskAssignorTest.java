package dev.weir.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.engine.TaskId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskAssignorTest {

    private static List<TaskId> tasks(int subTopologies, int partitions) {
        List<TaskId> out = new ArrayList<>();
        for (int s = 0; s < subTopologies; s++) {
            for (int p = 0; p < partitions; p++) {
                out.add(new TaskId(s, p));
            }
        }
        return out;
    }

    @Test
    void tasksAreSpreadEvenlyOverMembers() {
        Map<String, Set<TaskId>> a = TaskAssignor.assignTasks(tasks(2, 4), Map.of(), List.of("m1", "m2", "m3"));

        assertThat(a.values()).extracting(Set::size).containsExactlyInAnyOrder(3, 3, 2);
        assertThat(a.values().stream().flatMap(Set::stream).toList()).containsExactlyInAnyOrderElementsOf(tasks(2, 4));
    }

    @Test
    void previousOwnersKeepTheirTasksWhenAMemberJoins() {
        List<TaskId> all = tasks(1, 6);
        Map<String, Set<TaskId>> before = TaskAssignor.assignTasks(all, Map.of(), List.of("m1", "m2"));
        Map<TaskId, String> owners = new HashMap<>();
        before.forEach((m, ts) -> ts.forEach(t -> owners.put(t, m)));

        Map<String, Set<TaskId>> after = TaskAssignor.assignTasks(all, owners, List.of("m1", "m2", "m3"));

        assertThat(after.values()).extracting(Set::size).containsOnly(2);
        int moved = 0;
        for (Map.Entry<String, Set<TaskId>> e : after.entrySet()) {
            for (TaskId t : e.getValue()) {
                if (!e.getKey().equals(owners.get(t))) {
                    moved++;
                }
            }
        }
        assertThat(moved).as("only the new member's share moves").isEqualTo(2);
    }

    @Test
    void tasksOfAMemberThatLeftGoToTheOthers() {
        List<TaskId> all = tasks(1, 6);
        Map<TaskId, String> owners = new HashMap<>();
        for (TaskId t : all) {
            owners.put(t, "m" + (t.partition() % 3 + 1));
        }

        Map<String, Set<TaskId>> after = TaskAssignor.assignTasks(all, owners, List.of("m1", "m3"));

        assertThat(after.get("m1")).contains(new TaskId(0, 0), new TaskId(0, 3)).hasSize(3);
        assertThat(after.get("m3")).contains(new TaskId(0, 2), new TaskId(0, 5)).hasSize(3);
    }

    @Test
    void taskListsSurviveTheirEncoding() {
        Set<TaskId> tasks = Set.of(new TaskId(0, 1), new TaskId(3, 7));
        assertThat(TaskAssignor.decode(TaskAssignor.encode(tasks))).containsExactlyInAnyOrderElementsOf(tasks);
        assertThat(TaskAssignor.decode(null)).isEmpty();
    }
    @Test
    void endpointsTravelWithTheTaskLists() {
        Set<TaskId> own = Set.of(new TaskId(1, 2));
        Map<String, Set<TaskId>> endpoints = Map.of("10.0.0.5:6066", Set.of(new TaskId(1, 2)), "10.0.0.6:6066",
                Set.of(new TaskId(0, 0), new TaskId(0, 1)));
        java.nio.ByteBuffer data = TaskAssignor.encode(own, endpoints);
        assertThat(TaskAssignor.decode(data)).containsExactlyElementsOf(own);
        assertThat(TaskAssignor.endpoints(data)).isEqualTo(endpoints);
    }
}
