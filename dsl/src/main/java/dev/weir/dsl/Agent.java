package dev.weir.dsl;

/**
 * Faust's {@code @app.agent}: code that handles every event of a topic and may send to
 * other topics through the context. Register with {@link App#agent(String, Topic, Agent)}.
 *
 * <pre>{@code
 * app.agent("flag-big-orders", orders, (event, ctx) -> {
 *     if (event.value().amount() > 1000) ctx.send(bigOrders, event.key(), event.value());
 * });
 * }</pre>
 */
@FunctionalInterface
public interface Agent<K, V> {

    /** Handles one event. May throw: the runtime's error policy applies. */
    void process(Record<K, V> event, ProcessorContext<Void, Void> context) throws Exception;
}
