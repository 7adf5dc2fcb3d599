package dev.weir.dsl.internal;

import dev.weir.dsl.Split;
import dev.weir.dsl.Stream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/** Collects branches until {@link #defaultBranch} or {@link #noDefaultBranch} records the split. */
@SuppressWarnings("unchecked")
final class SplitImpl<K, V> implements Split<K, V> {

    private final StreamImpl<K, V> parent;
    private final String name;
    private final List<String> names = new ArrayList<>();
    private final List<BiPredicate<Object, Object>> predicates = new ArrayList<>();
    private boolean done;

    SplitImpl(StreamImpl<K, V> parent, String name) {
        this.parent = parent;
        this.name = name;
    }

    @Override
    public Split<K, V> branch(String branch, Predicate<? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return add(branch, (k, v) -> predicate.test((V) v));
    }

    @Override
    public Split<K, V> branchWithKey(String branch, BiPredicate<? super K, ? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return add(branch, (k, v) -> predicate.test((K) k, (V) v));
    }

    private Split<K, V> add(String branch, BiPredicate<Object, Object> predicate) {
        checkOpen();
        checkName(branch);
        names.add(branch);
        predicates.add(predicate);
        return this;
    }

    @Override
    public Map<String, Stream<K, V>> defaultBranch(String branch) {
        checkOpen();
        checkName(branch);
        done = true;
        return parent.split(name, names, List.copyOf(predicates), branch);
    }

    @Override
    public Map<String, Stream<K, V>> noDefaultBranch() {
        checkOpen();
        if (names.isEmpty()) {
            throw new IllegalStateException("Split \"" + name + "\" has no branches; add one with branch(name, predicate)");
        }
        done = true;
        return parent.split(name, names, List.copyOf(predicates), null);
    }

    private void checkName(String branch) {
        Objects.requireNonNull(branch, "branch name");
        if (branch.isBlank()) {
            throw new IllegalArgumentException("Split \"" + name + "\": branch name must not be blank");
        }
        if (names.contains(branch)) {
            throw new IllegalArgumentException("Split \"" + name + "\" already has a branch \"" + branch + "\"");
        }
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("Split \"" + name + "\" is complete; start a new split to add branches");
        }
    }
}
