package dev.weir.dsl;

import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * The branches of {@link Stream#split(String)}: each record goes to the first branch whose
 * predicate matches, or to the default branch, or nowhere.
 */
public interface Split<K, V> {

    /** Adds a branch for the values that match and no earlier branch took. */
    Split<K, V> branch(String name, Predicate<? super V> predicate);

    /** Adds a branch for the keys and values that match and no earlier branch took. */
    Split<K, V> branchWithKey(String name, BiPredicate<? super K, ? super V> predicate);

    /** Adds a branch for every record no other branch took; returns the branches by name. */
    Map<String, Stream<K, V>> defaultBranch(String name);

    /** Drops records no branch took; returns the branches by name. */
    Map<String, Stream<K, V>> noDefaultBranch();
}
