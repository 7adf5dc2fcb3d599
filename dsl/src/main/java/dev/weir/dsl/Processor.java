package dev.weir.dsl;

/**
 * A node of user code that receives records one at a time and forwards any number of
 * records downstream, Kafka Streams' Processor API in Weir. Add one with
 * {@link Stream#process(String, java.util.function.Supplier)}.
 *
 * <p>Each task (sub-topology and partition) gets its own instance from the supplier, so a
 * processor may keep fields without synchronization; those fields are not fault tolerant
 * (use a table for that).
 *
 * <pre>{@code
 * stream.process("score", () -> new Processor<String, Click, String, ScoredClick>() {
 *     private ProcessorContext<String, ScoredClick> ctx;
 *     public void init(ProcessorContext<String, ScoredClick> ctx) { this.ctx = ctx; }
 *     public void process(Record<String, Click> r) {
 *         ctx.forward(r.withValue(new ScoredClick(r.value(), score(r.value()))));
 *     }
 * });
 * }</pre>
 */
public interface Processor<KIn, VIn, KOut, VOut> {

    /** Called once per task before the first record. */
    default void init(ProcessorContext<KOut, VOut> context) {
    }

    /** Called for every record; forward results with the context. May throw: the runtime's error policy applies. */
    void process(Record<KIn, VIn> record) throws Exception;

    /** Called when the task closes (revocation, shutdown). */
    default void close() {
    }
}
