package dev.weir.runtime.engine;

import dev.weir.dsl.Cancellable;
import dev.weir.dsl.Punctuator;
import dev.weir.runtime.engine.RecordProcessingException;
import java.util.PriorityQueue;

/**
 * Wall-clock callbacks of one task. {@link #run(long)} calls those that are due; a periodic
 * callback that missed several periods runs once and is rescheduled after {@code now}, so a
 * long pause (or a big jump of the testkit's clock) does not replay a burst.
 */
final class TaskScheduler {

    private static final class Entry implements Cancellable {
        final String node;
        final long interval;
        final Punctuator punctuator;
        final long seq;
        long due;
        boolean cancelled;

        Entry(String node, long due, long interval, Punctuator punctuator, long seq) {
            this.node = node;
            this.due = due;
            this.interval = interval;
            this.punctuator = punctuator;
            this.seq = seq;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final TaskState state;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) ->
            a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long seq;

    TaskScheduler(TaskState state) {
        this.state = state;
    }

    Cancellable schedule(String node, long intervalMs, Punctuator punctuator) {
        if (intervalMs < 1) {
            throw new IllegalArgumentException("Node \"" + node + "\": schedule interval must be >= 1 ms, got " + intervalMs + " ms");
        }
        Entry e = new Entry(node, state.wallClock.getAsLong() + intervalMs, intervalMs, punctuator, seq++);
        queue.add(e);
        return e;
    }

    /** The wall-clock time of the next due callback, or {@code Long.MAX_VALUE}. */
    long nextDue() {
        while (!queue.isEmpty() && queue.peek().cancelled) {
            queue.poll();
        }
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().due;
    }

    /**
     * Runs every callback due at {@code now}; returns how many ran. A callback that throws is
     * reported to the task's {@link CallbackFailureHandler} and stays scheduled.
     */
    int run(long now) {
        int ran = 0;
        while (nextDue() <= now) {
            Entry e = queue.poll();
            state.leave();
            try {
                e.punctuator.punctuate(now);
            } catch (RecordProcessingException ex) {
                state.failures.failed(ex, null, null);
            } catch (Exception ex) {
                state.failures.failed(new RecordProcessingException(RecordProcessingException.Stage.PUNCTUATION, e.node, null, -1, -1, ex),
                        null, null);
            } finally {
                ran++;
                if (!e.cancelled) {
                    long periods = (now - e.due) / e.interval + 1;
                    e.due += periods * e.interval;
                    queue.add(e);
                }
            }
        }
        return ran;
    }
}
