package dev.weir.runtime.engine;

import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The global tables of one worker (or test driver), by name, shared by all its tasks. A host
 * marks them {@link #markReady() ready} once every store has read its topic up to the end it had
 * when the host started; tasks process no record before.
 */
public final class GlobalStores {

    private static final GlobalStores NONE = new GlobalStores(Map.of());

    private final Map<String, GlobalStore> stores;
    private volatile boolean ready;

    public GlobalStores(Map<String, GlobalStore> stores) {
        this.stores = Map.copyOf(stores);
        this.ready = this.stores.isEmpty();
    }

    /** No global tables: always ready. */
    public static GlobalStores none() {
        return NONE;
    }

    /** @throws NoSuchElementException naming the known tables */
    public GlobalStore get(String table) {
        GlobalStore s = stores.get(table);
        if (s == null) {
            throw new NoSuchElementException("No global table \"" + table + "\" on this worker; global tables: " + stores.keySet());
        }
        return s;
    }

    public Map<String, GlobalStore> all() {
        return stores;
    }

    /** Whether every global table has been read up to where it stood at start. */
    public boolean ready() {
        return ready;
    }

    public void markReady() {
        ready = true;
    }
}
