package dev.weir.runtime.engine;

/**
 * A record could not be processed. Says where (topic, partition, offset of the input record,
 * the node) and at which stage, with the cause; the runtime's error policy decides what
 * happens next (fail, skip, dead-letter).
 */
public class RecordProcessingException extends RuntimeException {

    /** Where in the pipeline the failure happened. */
    public enum Stage {
        /** Input bytes could not be turned into key and value. */
        DESERIALIZATION,
        /** User or built-in code threw. */
        PROCESSING,
        /** Output could not be turned into bytes. */
        SERIALIZATION,
        /** A scheduled callback threw (no input record). */
        PUNCTUATION
    }

    private final Stage stage;
    private final String node;
    private final String topic;
    private final int partition;
    private final long offset;

    public RecordProcessingException(Stage stage, String node, String topic, int partition, long offset, Throwable cause) {
        super(message(stage, node, topic, partition, offset, cause), cause);
        this.stage = stage;
        this.node = node;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    private static String message(Stage stage, String node, String topic, int partition, long offset, Throwable cause) {
        String where = topic == null ? "in a scheduled callback" : "at " + topic + "-" + partition + "@" + offset;
        String what = switch (stage) {
            case DESERIALIZATION -> "Cannot deserialize record ";
            case SERIALIZATION -> "Cannot serialize output of record ";
            case PROCESSING -> "Cannot process record ";
            case PUNCTUATION -> "Callback failed ";
        };
        String reason = cause == null ? "" : cause.getMessage() == null ? cause.getClass().getName()
                : cause.getClass().getSimpleName().equals("SerdeException") ? cause.getMessage()
                : cause.getClass().getName() + ": " + cause.getMessage();
        return what + where + " in node \"" + node + "\": " + reason;
    }

    public Stage stage() {
        return stage;
    }

    /** The node that failed. */
    public String node() {
        return node;
    }

    /** Topic of the input record, or null in a callback. */
    public String topic() {
        return topic;
    }

    /** Partition of the input record, or -1 in a callback. */
    public int partition() {
        return partition;
    }

    /** Offset of the input record, or -1 in a callback. */
    public long offset() {
        return offset;
    }
}
