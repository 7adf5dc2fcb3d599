package dev.weir.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.WorkerConfig;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class WorkerRuntimeTest {

    @Test
    void exactlyOnceProducersAreTransactionalAndBackOffTenMillisecondsAfterACoordinatorLookUp() {
        Map<String, Object> p = WorkerRuntime.producerConfig(WorkerConfig.builder("127.0.0.1:9092").build(), "t-1-producer",
                "app-process-1");

        assertThat(p).containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "app-process-1")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000)
                .containsEntry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10)
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "t-1-producer")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
    }

    @Test
    void aUsersRetryBackOffAndTransactionTimeoutWinUnderExactlyOnce() {
        WorkerConfig config = WorkerConfig.builder("127.0.0.1:9092")
                .clientConfig(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 250)
                .producerConfig(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 5_000)
                .build();

        Map<String, Object> p = WorkerRuntime.producerConfig(config, "t-1-producer", "app-process-1");

        assertThat(p).containsEntry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 250)
                .containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 5_000);
    }

    @Test
    void atLeastOnceProducersKeepKafkasRetryBackOffAndHaveNoTransactionalId() {
        Map<String, Object> p = WorkerRuntime.producerConfig(WorkerConfig.builder("127.0.0.1:9092").build(), "t-1-producer", null);

        assertThat(p).doesNotContainKeys(ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.RETRY_BACKOFF_MS_CONFIG,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    }
}
