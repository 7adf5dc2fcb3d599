package dev.weir.runtime.kafka;

/**
 * The work a thread did since its last commit cannot be committed (output Kafka did not take,
 * a transaction that had to be aborted): its tasks go back to their last commit and process
 * from there again. Internal to the task manager.
 */
final class TaskCorruptedException extends RuntimeException {

    private final boolean recreateProducer;

    TaskCorruptedException(String message, Throwable cause, boolean recreateProducer) {
        super(message, cause);
        this.recreateProducer = recreateProducer;
    }

    /** Whether the producer's state is unknown (a commit that timed out), so only a new producer can go on. */
    boolean recreateProducer() {
        return recreateProducer;
    }
}
