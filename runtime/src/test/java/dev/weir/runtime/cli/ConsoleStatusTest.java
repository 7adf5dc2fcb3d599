package dev.weir.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleStatusTest {

    @Test
    void theBarShowsTheShareDoneTheRateAndTheTimeLeft() {
        assertThat(ConsoleStatus.bar(250_000, 750_000, 250_000))
                .startsWith("Restoring [########......................]  25%  250,000 / 1,000,000 records  250,000/s  about 3 s left");
        assertThat(ConsoleStatus.bar(0, 10, 0)).contains("[..............................]   0%", "starting");
    }
}
