package dev.weir.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dsl.App;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Serdes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void settersCheckTheirArgumentsAtOnce() {
        assertThatThrownBy(() -> WorkerConfig.builder(" ")).hasMessageContaining("bootstrap servers must not be empty");
        assertThatThrownBy(() -> WorkerConfig.builder("h:1").threads(0)).hasMessageContaining("threads must be >= 1, got 0");
        assertThatThrownBy(() -> WorkerConfig.builder("h:1").commitInterval(Duration.ZERO)).hasMessageContaining("must be positive");
    }

    @Test
    void toStringNeverShowsClientConfigValues() {
        WorkerConfig c = WorkerConfig.builder("h:1")
                .clientConfig("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"s3cret\";")
                .producerConfig("ssl.key.password", "hunter2").build();

        assertThat(c.toString()).contains("sasl.jaas.config", "ssl.key.password").doesNotContain("s3cret", "hunter2");
    }

    @Test
    void configsWeirSetsItselfAreRefused() {
        App app = App.create("a");
        Topic<String, String> in = app.topic("in", Serdes.string(), Serdes.string());
        app.stream(in).foreach(v -> { });
        WorkerConfig c = WorkerConfig.builder("127.0.0.1:1").consumerConfig("group.id", "other")
                .clientConfig("enable.auto.commit", "true").build();

        assertThatThrownBy(() -> Worker.start(app.topology(), c)).isInstanceOf(WorkerException.class)
                .hasMessageContaining("Client configs [group.id, enable.auto.commit] are set by Weir itself");
    }
}
