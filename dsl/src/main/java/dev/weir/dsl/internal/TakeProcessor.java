package dev.weir.dsl.internal;

import dev.weir.dsl.Cancellable;
import dev.weir.dsl.Processor;
import dev.weir.dsl.ProcessorContext;
import dev.weir.dsl.Record;
import dev.weir.dsl.RecordBuffer;
import dev.weir.serdes.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Faust's {@code take(n, within)}: buffers values and emits a batch when it holds {@code n}
 * of them or when {@code within} has passed since the batch's first value, whichever comes
 * first. As a {@link RecordBuffer} it keeps the runtime from committing offsets of values
 * still in the batch.
 */
final class TakeProcessor implements Processor<Object, Object, Object, Object>, RecordBuffer {

    private final int size;
    private final Duration within;
    private ProcessorContext<Object, Object> ctx;
    private List<Object> batch = new ArrayList<>();
    private final Map<String, Long> held = new HashMap<>();
    private long lastTimestamp;
    private Cancellable timer;

    TakeProcessor(int size, Duration within) {
        this.size = size;
        this.within = within;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.ctx = context;
    }

    @Override
    public void process(Record<Object, Object> r) {
        if (batch.isEmpty()) {
            timer = ctx.schedule(within, now -> emit());
        }
        batch.add(r.value());
        lastTimestamp = Math.max(lastTimestamp, r.timestamp());
        if (ctx.topic() != null && ctx.offset() >= 0) {
            held.putIfAbsent(ctx.topic(), ctx.offset());
        }
        if (batch.size() >= size) {
            emit();
        }
    }

    private void emit() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (batch.isEmpty()) {
            return;
        }
        List<Object> out = batch;
        batch = new ArrayList<>(Math.min(size, 1024));
        long ts = lastTimestamp;
        lastTimestamp = 0;
        // The offsets are released only once the batch went downstream. If that fails, the
        // error policy decides: "fail" closes the task without a commit (the batch is re-read),
        // "skip" has handled the batch, so its offsets must not hold commits back.
        try {
            ctx.forward(new Record<>(null, java.util.Collections.unmodifiableList(out), ts, Headers.create()));
        } finally {
            held.clear();
        }
    }

    /** A partial batch goes downstream when the task is given up, as if {@code within} had passed. */
    @Override
    public void flush() {
        emit();
    }

    @Override
    public Map<String, Long> heldOffsets() {
        return Map.copyOf(held);
    }
}
