package dev.weir.runtime.cli;

import dev.weir.runtime.Worker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.io.PrintWriter;

/**
 * What the {@code worker} command shows on its console while it starts: a progress bar with the
 * rate and time left while tasks restore their tables, then one line once every task it holds
 * processes. Reads the worker's own meters ({@code weir.restore.*}); runs on a daemon thread.
 */
final class ConsoleStatus implements Runnable {

    private static final int WIDTH = 30;
    private static final long PERIOD_MS = 500;

    private final Worker worker;
    private final PrintWriter out;
    private final String app;

    ConsoleStatus(Worker worker, PrintWriter out, String app) {
        this.worker = worker;
        this.out = out;
        this.app = app;
    }

    static void start(Worker worker, PrintWriter out, String app) {
        Thread t = new Thread(new ConsoleStatus(worker, out, app), app + "-console");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        boolean barShown = false;
        try {
            while (worker.state() == Worker.State.RUNNING) {
                double remaining = gauge("weir.restore.remaining");
                double done = counter("weir.restore.records");
                boolean allRunning = !worker.tasks().isEmpty() && worker.runningTasks().containsAll(worker.tasks());
                if (allRunning && remaining == 0) {
                    if (barShown) {
                        out.println();
                    }
                    out.println("Processing: " + worker.runningTasks().size() + " task(s) of app \"" + app + "\" running "
                            + worker.runningTasks() + (done > 0 ? ", " + (long) done + " changelog records restored" : ""));
                    out.flush();
                    return;
                }
                if (remaining > 0) {
                    out.print("\r" + bar(done, remaining, gauge("weir.restore.rate")));
                    out.flush();
                    barShown = true;
                }
                Thread.sleep(PERIOD_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code Restoring [#########.....................]  31%  812,340 / 2,600,000 records  410,207/s  about 4 s left}. */
    static String bar(double done, double remaining, double rate) {
        double total = done + remaining;
        double fraction = total <= 0 ? 0 : done / total;
        int filled = (int) Math.round(fraction * WIDTH);
        String left = rate > 0 ? "about " + Math.round(remaining / rate) + " s left" : "starting";
        return String.format("Restoring [%s%s] %3d%%  %,d / %,d records  %,d/s  %s   ", "#".repeat(filled),
                ".".repeat(WIDTH - filled), Math.round(fraction * 100), (long) done, (long) total, (long) rate, left);
    }

    private double gauge(String name) {
        return worker.metrics().find(name).gauges().stream().mapToDouble(Gauge::value).filter(v -> !Double.isNaN(v)).sum();
    }

    private double counter(String name) {
        return worker.metrics().find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
