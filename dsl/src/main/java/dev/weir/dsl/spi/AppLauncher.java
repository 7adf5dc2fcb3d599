package dev.weir.dsl.spi;

import dev.weir.dsl.App;

/**
 * What {@link App#main(String[])} hands the command line to. The runtime module provides one
 * (the {@code worker}, {@code describe} and {@code send} commands), found with
 * {@link java.util.ServiceLoader}, so that the DSL itself never depends on Kafka.
 */
public interface AppLauncher {

    /** Runs the command line for {@code app}; returns the process exit code. */
    int run(App app, String... args);
}
