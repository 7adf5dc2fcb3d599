package dev.weir.serdes.avro;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * The registry subject a serde registers its schema under, from the topic and the schema,
 * as Confluent's {@code subject.name.strategy}. A {@link dev.weir.serdes.Serde} does not know
 * whether it serves keys or values, so the strategy says it:
 *
 * <pre>{@code
 * AvroSerdes.specific(Click.class).registry(registry, SubjectNameStrategy.topicValue());   // "clicks-value"
 * AvroSerdes.specific(ClickKey.class).registry(registry, SubjectNameStrategy.topicKey());  // "clicks-key"
 * }</pre>
 */
@FunctionalInterface
public interface SubjectNameStrategy {

    /**
     * The subject for records of {@code topic} written with {@code schema}.
     *
     * @param topic the topic, or null when the serde is used without one
     * @throws IllegalArgumentException when the strategy needs a topic and {@code topic} is null
     */
    String subject(String topic, Schema schema);

    /** {@code <topic>-value}: Confluent's default TopicNameStrategy for values. */
    static SubjectNameStrategy topicValue() {
        return (topic, schema) -> requireTopic(topic, "topicValue") + "-value";
    }

    /** {@code <topic>-key}: Confluent's TopicNameStrategy for keys. */
    static SubjectNameStrategy topicKey() {
        return (topic, schema) -> requireTopic(topic, "topicKey") + "-key";
    }

    /** The schema's full name, whatever the topic: Confluent's RecordNameStrategy. */
    static SubjectNameStrategy recordName() {
        return (topic, schema) -> schema.getFullName();
    }

    /** {@code <topic>-<schema full name>}: Confluent's TopicRecordNameStrategy. */
    static SubjectNameStrategy topicRecordName() {
        return (topic, schema) -> requireTopic(topic, "topicRecordName") + "-" + schema.getFullName();
    }

    /** Always {@code subject}. */
    static SubjectNameStrategy fixed(String subject) {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("A subject cannot be blank");
        }
        return (topic, schema) -> subject;
    }

    private static String requireTopic(String topic, String strategy) {
        if (topic == null) {
            throw new IllegalArgumentException("subject strategy " + strategy + " names the subject after the topic, and there is"
                    + " none; serialize with a topic or use SubjectNameStrategy.recordName() or fixed(...)");
        }
        return topic;
    }
}
