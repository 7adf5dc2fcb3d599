package dev.weir.testkit.internal;

import dev.weir.serdes.Headers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.utils.Utils;

/**
 * Topics kept in memory with real partition counts. A record with a key goes to the
 * partition Kafka's default partitioner picks ({@code toPositive(murmur2(key)) % partitions});
 * records without a key are spread round-robin.
 */
public final class InMemoryTopics {

    /** One topic's partitions and its records in append order. */
    private static final class Log {
        final int partitions;
        final List<List<StoredRecord>> byPartition;
        final List<StoredRecord> appendOrder = new ArrayList<>();
        int roundRobin;

        Log(int partitions) {
            this.partitions = partitions;
            this.byPartition = new ArrayList<>(partitions);
            for (int i = 0; i < partitions; i++) {
                byPartition.add(new ArrayList<>());
            }
        }
    }

    private final Function<String, Integer> partitionCount;
    private final Map<String, Log> logs = new HashMap<>();

    public InMemoryTopics(Function<String, Integer> partitionCount) {
        this.partitionCount = partitionCount;
    }

    private Log log(String topic) {
        Log log = logs.get(topic);
        if (log == null) {
            log = new Log(partitionCount.apply(topic));
            logs.put(topic, log);
        }
        return log;
    }

    public int partitions(String topic) {
        return log(topic).partitions;
    }

    /** Appends a record to the partition chosen for its key, or to {@code partition} when it is >= 0. */
    public StoredRecord append(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        Log log = log(topic);
        int n = log.partitions;
        int p = partition;
        if (p < 0) {
            // One partition: where the partitioner would put it anyway, without hashing every key.
            p = n == 1 ? 0 : key == null ? log.roundRobin++ % n : Utils.toPositive(Utils.murmur2(key)) % n;
        } else if (p >= n) {
            throw new IllegalArgumentException("Topic \"" + topic + "\" has " + n + " partitions; partition " + p + " does not exist");
        }
        List<StoredRecord> part = log.byPartition.get(p);
        StoredRecord r = new StoredRecord(topic, p, part.size(), timestamp, headers, key, value);
        part.add(r);
        log.appendOrder.add(r);
        return r;
    }

    /** Every record of {@code topic} in the order they were appended, across partitions. */
    public List<StoredRecord> records(String topic) {
        Log log = logs.get(topic);
        return log == null ? List.of() : log.appendOrder;
    }
}
