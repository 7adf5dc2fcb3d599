package dev.weir.it;

import dev.weir.runtime.Worker;
import dev.weir.runtime.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * A worker in its own JVM, for the test that kills one with SIGKILL. Arguments: bootstrap
 * servers, app id, state directory. Prints {@code TASKS [..]} whenever its tasks change.
 */
public final class WorkerProcess {

    private WorkerProcess() {
    }

    public static void main(String[] args) throws Exception {
        Orders orders = new Orders(args[1]);
        Worker worker = Worker.start(orders.app.topology(), ScaleOutTest.config(args[0], Path.of(args[2])));
        Set<?> last = Set.of();
        while (!worker.awaitTermination(Duration.ofMillis(100))) {
            Set<?> now = worker.tasks();
            if (!now.equals(last)) {
                System.out.println("TASKS " + now);
                System.out.flush();
                last = now;
            }
        }
    }
}
