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

    private final Function<String, Integer> partitionCount;
    private final Map<String, List<List<StoredRecord>>> logs = new HashMap<>();
    private final Map<String, List<StoredRecord>> appendOrder = new HashMap<>();
    private final Map<String, Integer> roundRobin = new HashMap<>();

    public InMemoryTopics(Function<String, Integer> partitionCount) {
        this.partitionCount = partitionCount;
    }

    public int partitions(String topic) {
        return partitionCount.apply(topic);
    }

    /** Appends a record to the partition chosen for its key, or to {@code partition} when it is >= 0. */
    public StoredRecord append(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        int n = partitions(topic);
        int p = partition;
        if (p < 0) {
            p = key == null ? (roundRobin.merge(topic, 1, Integer::sum) - 1) % n : Utils.toPositive(Utils.murmur2(key)) % n;
        } else if (p >= n) {
            throw new IllegalArgumentException("Topic \"" + topic + "\" has " + n + " partitions; partition " + p + " does not exist");
        }
        List<List<StoredRecord>> log = logs.computeIfAbsent(topic, t -> {
            List<List<StoredRecord>> parts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                parts.add(new ArrayList<>());
            }
            return parts;
        });
        List<StoredRecord> part = log.get(p);
        StoredRecord r = new StoredRecord(topic, p, part.size(), timestamp, headers, key, value);
        part.add(r);
        appendOrder.computeIfAbsent(topic, t -> new ArrayList<>()).add(r);
        return r;
    }

    /** Every record of {@code topic} in the order they were appended, across partitions. */
    public List<StoredRecord> records(String topic) {
        return appendOrder.getOrDefault(topic, List.of());
    }
}
