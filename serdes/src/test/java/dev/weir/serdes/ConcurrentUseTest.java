package dev.weir.serdes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.serdes.JsonSerdeTest.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrentUseTest {

    @Test
    void oneChainServesManyThreads() throws Exception {
        Serde<Item> serde = Serdes.chain("gzip|binary|json", Item.class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 2_000; i++) {
                        Item item = new Item("t" + thread + "-" + i, i, i / 4.0);
                        if (serde.deserialize(serde.serialize(item)).equals(item)) {
                            ok++;
                        }
                    }
                    return ok;
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
