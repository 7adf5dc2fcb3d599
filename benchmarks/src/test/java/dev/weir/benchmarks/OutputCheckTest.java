package dev.weir.benchmarks;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A fast wrong answer cannot pass: each way an output can be wrong is refused. */
class OutputCheckTest {

    private static final int RECORDS = 100;

    private static OutputCheck correctUpTo(int records, long skip) {
        OutputCheck check = new OutputCheck("test", RECORDS);
        for (long seq = 0; seq < records; seq++) {
            String v = StatelessWorkload.value(seq);
            if (seq != skip && StatelessWorkload.keep(v)) {
                check.accept(StatelessWorkload.key(seq), StatelessWorkload.transform(v));
            }
        }
        return check;
    }

    @Test
    void exactOutputPasses() {
        assertThatCode(() -> correctUpTo(RECORDS, -1).verify()).doesNotThrowAnyException();
    }

    @Test
    void missingRecordFails() {
        assertThatThrownBy(() -> correctUpTo(RECORDS, 57).verify())
                .hasMessageContaining("got 89 records, expected exactly 90");
    }

    @Test
    void duplicateFails() {
        OutputCheck check = correctUpTo(RECORDS, -1);
        assertThatThrownBy(() -> check.accept(StatelessWorkload.key(3), StatelessWorkload.transform(StatelessWorkload.value(3))))
                .hasMessageContaining("seq 3 appears twice");
    }

    @Test
    void unmappedValueFails() {
        OutputCheck check = new OutputCheck("test", RECORDS);
        assertThatThrownBy(() -> check.accept(StatelessWorkload.key(3), StatelessWorkload.value(3)))
                .hasMessageContaining("has value seq=0000000003");
    }

    @Test
    void recordTheFilterDropsFails() {
        OutputCheck check = new OutputCheck("test", RECORDS);
        assertThatThrownBy(() -> check.accept(StatelessWorkload.key(10), StatelessWorkload.transform(StatelessWorkload.value(10))))
                .hasMessageContaining("should have been filtered out");
    }

    @Test
    void wrongKeyFails() {
        OutputCheck check = new OutputCheck("test", RECORDS);
        assertThatThrownBy(() -> check.accept(StatelessWorkload.key(4), StatelessWorkload.transform(StatelessWorkload.value(3))))
                .hasMessageContaining("has key key-00004, expected key-00003");
    }

    @Test
    void recordBeyondTheInputOrGarbageFails() {
        OutputCheck check = new OutputCheck("test", RECORDS);
        assertThatThrownBy(() -> check.accept(StatelessWorkload.key(101), StatelessWorkload.transform(StatelessWorkload.value(101))))
                .hasMessageContaining("the input ended at 99");
        assertThatThrownBy(() -> check.accept("k", "garbage")).hasMessageContaining("not a value of this workload");
    }
}
