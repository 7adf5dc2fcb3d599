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
        /** User or built-in code threw, or the record cannot go where the topology sends it (a null key into groupBy). */
        PROCESSING,
        /** Output could not be turned into bytes. */
        SERIALIZATION,
        /** Kafka refused the output of the record (too large, invalid for the topic). */
        PRODUCTION,
        /** A scheduled or window close callback threw (no input record). */
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
        String where = topic == null ? "in a callback" : "at " + topic + "-" + partition + "@" + offset;
        String what = switch (stage) {
            case DESERIALIZATION -> "Cannot deserialize record ";
            case SERIALIZATION -> "Cannot serialize output of record ";
            case PROCESSING -> "Cannot process record ";
            case PRODUCTION -> "Kafka refused the output of record ";
            case PUNCTUATION -> "Callback failed ";
        };
        if (topic == null && stage != Stage.PUNCTUATION) {
            what = switch (stage) {
                case SERIALIZATION -> "Cannot serialize output ";
                case PRODUCTION -> "Kafka refused output ";
                default -> "Cannot process ";
            };
        }
        return what + where + " in node \"" + node + "\": " + reason(cause);
    }

    private static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown reason";
        }
        if (cause.getMessage() == null) {
            return cause.getClass().getName();
        }
        String type = cause.getClass().getSimpleName();
        // Weir's own exceptions already read as a sentence; a bare Java exception needs its type to mean anything.
        return type.equals("SerdeException") || cause instanceof BadRecordException ? cause.getMessage()
                : cause.getClass().getName() + ": " + cause.getMessage();
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

    /**
     * The exception that says what went wrong in user or library code: the cause, or for a
     * record rejected for what it holds (a null key or value), the exception it led to.
     */
    public Throwable rootCause() {
        Throwable c = getCause();
        return c instanceof BadRecordException && c.getCause() != null ? c.getCause() : c;
    }
}
