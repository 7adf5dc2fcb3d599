package dev.weir.it;

/** The orders app's command line in its own JVM: {@code app.main(args)}, as a user's main would call it. */
public final class CliWorkerProcess {

    private CliWorkerProcess() {
    }

    public static void main(String[] args) {
        String app = System.getProperty("weir.it.app");
        (Boolean.getBoolean("weir.it.counts") ? Counts.app(app) : new Orders(app).app).main(args);
    }
}
