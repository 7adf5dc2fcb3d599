package dev.weir.dsl;

/**
 * A {@link Table} or a {@link WindowedTable}: what agents and processors declare they use,
 * e.g. {@code app.agent("track", clicks, agent, counts, perMinute)}.
 */
public interface TableHandle {

    /** The table as the topology sees it. */
    Table<?, ?> table();
}
