package dev.weir.benchmarks;

import java.util.BitSet;

/**
 * Verifies a contender's output of {@link StatelessWorkload} exactly, so that a fast wrong answer
 * cannot win: every record that passes the filter appears once, with its own key and its mapped
 * value, and nothing else appears. Feed it every output record with {@link #accept}, then call
 * {@link #verify}. Order is not checked: on Kafka, records of different partitions interleave.
 */
public final class OutputCheck {

    private final String contender;
    private final long inputRecords;
    private final BitSet seen = new BitSet();
    private long count;

    /**
     * @param contender    named in failure messages
     * @param inputRecords the input held the records {@code 0 .. inputRecords-1}
     */
    public OutputCheck(String contender, long inputRecords) {
        this.contender = contender;
        this.inputRecords = inputRecords;
    }

    /** Checks one output record. @throws IllegalStateException when it is wrong or a duplicate */
    public void accept(String key, String value) {
        long seq;
        try {
            seq = StatelessWorkload.seqOf(value);
        } catch (IllegalArgumentException e) {
            throw fail("record #" + count + " (key " + key + "): " + e.getMessage());
        }
        if (seq >= inputRecords) {
            throw fail("record #" + count + " carries seq " + seq + ", but the input ended at " + (inputRecords - 1));
        }
        String input = StatelessWorkload.value(seq);
        if (!StatelessWorkload.keep(input)) {
            throw fail("record seq " + seq + " should have been filtered out");
        }
        if (!StatelessWorkload.key(seq).equals(key)) {
            throw fail("record seq " + seq + " has key " + key + ", expected " + StatelessWorkload.key(seq));
        }
        if (!StatelessWorkload.transform(input).equals(value)) {
            throw fail("record seq " + seq + " has value " + value + ", expected " + StatelessWorkload.transform(input));
        }
        if (seen.get((int) seq)) {
            throw fail("record seq " + seq + " appears twice");
        }
        seen.set((int) seq);
        count++;
    }

    /** Records accepted so far. */
    public long count() {
        return count;
    }

    /**
     * Checks that every expected record arrived. Together with {@link #accept} refusing wrong
     * records and duplicates, a matching count means the output is exactly the expected set.
     *
     * @throws IllegalStateException when records are missing
     */
    public void verify() {
        long expected = StatelessWorkload.expectedOutputs(inputRecords);
        if (count != expected) {
            throw fail("got " + count + " records, expected exactly " + expected + " (input " + inputRecords + ")");
        }
    }

    private IllegalStateException fail(String what) {
        return new IllegalStateException("Wrong output from " + contender + ": " + what);
    }
}
