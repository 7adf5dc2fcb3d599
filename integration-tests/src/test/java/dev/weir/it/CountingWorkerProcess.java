package dev.weir.it;

import dev.weir.runtime.Guarantee;
import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * A worker of {@link Counts} in its own JVM, for tests that kill, freeze or outlive it.
 * Arguments: bootstrap servers, app id, state directory, guarantee, then any number of
 * {@code consumer.KEY=VALUE} / {@code producer.KEY=VALUE} client configs. Prints
 * {@code RUNNING [tasks]} whenever the set of tasks it processes changes.
 */
public final class CountingWorkerProcess {

    private CountingWorkerProcess() {
    }

    public static void main(String[] args) throws Exception {
        WorkerConfig.Builder config = Chaos.workerConfig(args[0], Path.of(args[2]), Guarantee.valueOf(args[3]));
        for (int i = 4; i < args.length; i++) {
            String kv = args[i];
            int eq = kv.indexOf('=');
            String key = kv.substring(0, eq);
            String value = kv.substring(eq + 1);
            if (key.startsWith("consumer.")) {
                config.consumerConfig(key.substring("consumer.".length()), value);
            } else if (key.startsWith("producer.")) {
                config.producerConfig(key.substring("producer.".length()), value);
            } else {
                throw new IllegalArgumentException("Unknown config " + kv + "; use consumer.KEY=VALUE or producer.KEY=VALUE");
            }
        }
        Worker worker = Worker.start(Counts.app(args[1]).topology(), config.build());
        Set<?> last = Set.of();
        while (!worker.awaitTermination(Duration.ofMillis(50))) {
            Set<?> now = worker.runningTasks();
            if (!now.equals(last)) {
                System.out.println("RUNNING " + now);
                System.out.flush();
                last = now;
            }
        }
        System.out.println("STOPPED " + worker.state() + " " + worker.failure().map(Throwable::getMessage).orElse(""));
    }
}
