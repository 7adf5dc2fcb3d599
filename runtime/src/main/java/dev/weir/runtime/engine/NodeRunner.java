package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import dev.weir.runtime.engine.RecordProcessingException.Stage;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-task instance of one topology node. Records are pushed depth-first: a node
 * handles a record and forwards to its children before the next record enters the task.
 * As the {@link RecordCollector.Origin} of what it sends, it names itself and the input record
 * being processed.
 */
abstract class NodeRunner implements RecordCollector.Origin {

    private static final Logger log = LoggerFactory.getLogger(NodeRunner.class);

    final String name;
    final TaskState state;
    NodeRunner[] children = new NodeRunner[0];

    NodeRunner(String name, TaskState state) {
        this.name = name;
        this.state = state;
    }

    public String name() {
        return name;
    }

    void setChildren(NodeRunner[] children) {
        this.children = children;
    }

    /** Handles one record, wrapping any failure with this node's name and the input's location. */
    public final void process(Record<Object, Object> record) {
        try {
            handle(record);
        } catch (RecordProcessingException e) {
            throw e;
        } catch (Exception e) {
            BadRecordException bad = BadRecordException.explain(name, e, record.key(), record.value());
            throw fail(Stage.PROCESSING, bad != null ? bad : e);
        }
    }

    RecordProcessingException fail(Stage stage, Throwable cause) {
        return new RecordProcessingException(stage, name, state.topic, state.partition, state.offset, cause);
    }

    abstract void handle(Record<Object, Object> record) throws Exception;

    final void forwardAll(Record<Object, Object> record) {
        NodeRunner[] cs = children;
        for (NodeRunner c : cs) {
            c.process(record);
        }
    }

    /**
     * Counts (in {@code weir.records.late.dropped}) and logs an input record dropped because it
     * arrived later than {@code grace} behind {@code table}'s event time {@code time}.
     */
    final void lateDropped(String table, long timestamp, long time, long grace) {
        if (state.metrics != null) {
            Counter.builder("weir.records.late.dropped").tag("app", state.appId).tag("table", table)
                    .register(state.metrics).increment();
        }
        log.debug("Node {} dropped a record at {}-{}@{} with timestamp {}: too late for table {} (its time {}, grace {} ms)",
                name, state.topic, state.partition, state.offset, timestamp, table, time, grace);
    }

    /** Called when the task closes. */
    void close() {
    }

    @Override
    public String node() {
        return name;
    }

    @Override
    public String inputTopic() {
        return state.topic;
    }

    @Override
    public int inputPartition() {
        return state.partition;
    }

    @Override
    public long inputOffset() {
        return state.offset;
    }
}
