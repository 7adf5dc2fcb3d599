package dev.weir.runtime;

/**
 * What a worker promises about each input record's effects (its output records, its table
 * updates) when it crashes, is fenced off, or loses its broker.
 */
public enum Guarantee {

    /**
     * Nothing is lost; after a failure some records are processed again, so output and tables
     * may hold their effects twice (a count may be too high, never too low). Output is flushed
     * before input offsets are committed. The default; commit interval 1 s.
     */
    AT_LEAST_ONCE,

    /**
     * Every input record's effects appear exactly once in the output topics and the tables, as
     * seen by consumers that read committed data ({@code isolation.level=read_committed}): one
     * transaction per stream thread and commit (Kafka's exactly-once v2) holds the output,
     * changelog and repartition records and the input offsets. A worker whose tasks moved to
     * another worker while it was paused is fenced: none of its later writes become visible.
     * Needs brokers of Kafka 2.5 or newer. Commit interval 100 ms.
     */
    EXACTLY_ONCE
}
