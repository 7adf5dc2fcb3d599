package dev.weir.runtime.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetched, not yet processed records of a task that reads several partitions (a join's
 * stream and table topics, a merge), one queue per partition, and the choice of what comes
 * next: the first record with the lowest timestamp, so that a task's result does not depend on
 * how its partitions' records happened to be polled.
 *
 * <p>When a partition has nothing buffered the task waits for it while the broker holds records
 * for it not fetched yet (lag above zero, or not known yet), then {@code maxIdle} longer once it
 * has caught up, before it goes on without it (as Kafka Streams' {@code max.task.idle.ms}). It
 * never waits for a fetch longer than {@link #FETCH_WAIT_BOUND}: a partition that cannot be
 * fetched must not stop its task's other partitions for good.
 */
final class InputQueues {

    private static final Logger log = LoggerFactory.getLogger(InputQueues.class);
    /** Records buffered per partition before it is paused; resumed below half of it. */
    static final int MAX_BUFFERED = 1000;
    static final long FETCH_WAIT_BOUND = Duration.ofSeconds(30).toMillis();

    private final TopicPartition[] partitions;
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>>[] queues;
    /** The consumer's position after the last batch added per partition: what a commit says once that batch is processed. */
    private final long[] positionAfter;
    private final boolean[] paused;
    /** Milliseconds to wait for an empty, caught-up partition; negative: never wait. */
    private final long maxIdleMs;
    private int buffered;
    /** When the task began waiting for an empty partition; -1 while it is not waiting. */
    private long waitingSince = -1;
    private boolean waitingForFetch;

    @SuppressWarnings("unchecked")
    InputQueues(List<TopicPartition> partitions, Duration maxIdle) {
        this.partitions = partitions.toArray(new TopicPartition[0]);
        this.queues = new ArrayDeque[this.partitions.length];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new ArrayDeque<>();
        }
        this.positionAfter = new long[this.partitions.length];
        this.paused = new boolean[this.partitions.length];
        this.maxIdleMs = maxIdle == null ? -1 : maxIdle.toMillis();
    }

    /** The index of {@code tp} among the task's partitions, or -1. */
    int indexOf(TopicPartition tp) {
        for (int i = 0; i < partitions.length; i++) {
            if (partitions[i].equals(tp)) {
                return i;
            }
        }
        return -1;
    }

    TopicPartition partition(int i) {
        return partitions[i];
    }

    /** Buffers a fetched batch; true when the partition now holds enough to be paused. */
    boolean add(int i, List<ConsumerRecord<byte[], byte[]>> records, long position) {
        queues[i].addAll(records);
        buffered += records.size();
        positionAfter[i] = position;
        if (!paused[i] && queues[i].size() >= MAX_BUFFERED) {
            paused[i] = true;
            return true;
        }
        return false;
    }

    boolean isEmpty() {
        return buffered == 0;
    }

    /** Records buffered over all partitions. */
    int buffered() {
        return buffered;
    }

    int size(int i) {
        return queues[i].size();
    }

    /** Whether the queue was paused for being full and has drained enough to be resumed; clears the mark. */
    boolean resumable(int i) {
        if (paused[i] && queues[i].size() < MAX_BUFFERED / 2) {
            paused[i] = false;
            return true;
        }
        return false;
    }

    /** The consumer's position after the last batch of partition {@code i}. */
    long positionAfter(int i) {
        return positionAfter[i];
    }

    ConsumerRecord<byte[], byte[]> poll(int i) {
        buffered--;
        return queues[i].poll();
    }

    /** The first buffered offset per partition, or -1 for an empty one: where to read again when the buffer is dropped. */
    long firstOffset(int i) {
        ConsumerRecord<byte[], byte[]> head = queues[i].peek();
        return head == null ? -1 : head.offset();
    }

    /** Drops everything buffered (the task goes back to its last commit or stops); the pause marks go with it. */
    void clear() {
        for (int i = 0; i < queues.length; i++) {
            queues[i].clear();
            paused[i] = false;
        }
        buffered = 0;
        waitingSince = -1;
        waitingForFetch = false;
    }

    /**
     * The partition whose first record goes next, or -1 to wait.
     *
     * @param now wall-clock milliseconds
     * @param lag the consumer's lag of a partition, empty while unknown
     */
    int next(long now, Function<TopicPartition, OptionalLong> lag) {
        if (buffered == 0) {
            return -1;
        }
        int best = -1;
        long bestTimestamp = Long.MAX_VALUE;
        boolean empty = false;
        boolean fetchPending = false;
        for (int i = 0; i < queues.length; i++) {
            ConsumerRecord<byte[], byte[]> head = queues[i].peek();
            if (head == null) {
                if (maxIdleMs >= 0) {
                    empty = true;
                    OptionalLong l = lag.apply(partitions[i]);
                    fetchPending |= l.isEmpty() || l.getAsLong() > 0;
                }
            } else if (head.timestamp() < bestTimestamp) {
                best = i;
                bestTimestamp = head.timestamp();
            }
        }
        if (!empty) {
            waitingSince = -1;
            return best;
        }
        if (waitingSince < 0) {
            waitingSince = now;
        }
        long waited = now - waitingSince;
        if (fetchPending) {
            if (waited < Math.max(maxIdleMs, FETCH_WAIT_BOUND)) {
                waitingForFetch = true;
                return -1;
            }
            if (waitingForFetch) {
                log.warn("Task of partitions {} waited {} ms for records the broker holds for an empty one of them; going on"
                        + " without it, so records may be taken out of time order", java.util.Arrays.toString(partitions), waited);
                waitingForFetch = false;
            }
        } else if (waited < maxIdleMs) {
            return -1;
        }
        return best;
    }

    /** Whether the last {@link #next} chose to wait: the thread should poll again soon. */
    boolean waiting() {
        return buffered > 0 && waitingSince >= 0;
    }
}
