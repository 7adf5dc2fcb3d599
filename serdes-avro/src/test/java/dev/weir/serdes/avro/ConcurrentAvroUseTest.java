package dev.weir.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

class ConcurrentAvroUseTest {

    record Event(String id, long sequence, List<String> tags) {
    }

    @Test
    void oneSerdeServesManyThreadsAtOnce() throws Exception {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        List<Serde<Event>> serdes = List.of(
                AvroSerdes.reflect(Event.class).raw(),
                AvroSerdes.reflect(Event.class).singleObject(new SchemaStore.Cache()),
                AvroSerdes.reflect(Event.class).registry(registry));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int checked = 0;
                    for (int i = 0; i < 2_000; i++) {
                        Serde<Event> serde = serdes.get(i % serdes.size());
                        Event event = new Event("t" + thread + "-" + i, i, List.of("x".repeat(i % 40), "y"));
                        Event back = serde.deserialize("events", Headers.create(), serde.serialize("events", Headers.create(), event));
                        if (!back.equals(event)) {
                            throw new AssertionError(serde.describe() + ": " + back + " != " + event);
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(2_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
