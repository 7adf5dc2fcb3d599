package dev.weir.runtime.cli;

/**
 * Starts an in-process Kafka broker for {@code worker --embedded}. The testkit module
 * (weir-testkit) provides one through {@link java.util.ServiceLoader}; the runtime itself
 * ships no broker.
 */
public interface EmbeddedBrokerProvider {

    /** A running broker. */
    interface Broker extends AutoCloseable {

        /** {@code 127.0.0.1:<port>}. */
        String bootstrapServers();

        /** Stops the broker and deletes its files. */
        @Override
        void close();
    }

    /** Starts a single-node broker on a free loopback port. */
    Broker start();
}
