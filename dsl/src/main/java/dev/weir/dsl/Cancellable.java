package dev.weir.dsl;

/** Cancels a scheduled {@link Punctuator}. */
@FunctionalInterface
public interface Cancellable {

    /** Stops future calls; calling it again has no effect. */
    void cancel();
}
