package dev.weir.testkit.kafka.internal;

import dev.weir.runtime.cli.EmbeddedBrokerProvider;
import dev.weir.testkit.kafka.EmbeddedKafka;

/** Lets {@code worker --embedded} start an {@link EmbeddedKafka}; found through {@link java.util.ServiceLoader}. */
public final class EmbeddedKafkaProvider implements EmbeddedBrokerProvider {

    @Override
    public Broker start() {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        return new Broker() {
            @Override
            public String bootstrapServers() {
                return kafka.bootstrapServers();
            }

            @Override
            public void close() {
                kafka.close();
            }
        };
    }
}
