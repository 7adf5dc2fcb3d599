package dev.weir.dsl;

/**
 * A window close callback that can send records: {@link WindowCloseCallback} with a
 * {@link WindowCloseContext}.
 *
 * <pre>{@code
 * .onWindowClose((uri, window, count, ctx) -> ctx.send(alerts, uri, count + " clicks in " + window))
 * }</pre>
 */
@FunctionalInterface
public interface WindowCloseHandler<K, V> {

    void onWindowClose(K key, Window window, V finalValue, WindowCloseContext context) throws Exception;
}
