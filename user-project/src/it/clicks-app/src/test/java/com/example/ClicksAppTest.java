package com.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.testkit.TestDriver;
import org.junit.jupiter.api.Test;

class ClicksAppTest {

    @Test
    void countsClicksPerUser() {
        ClicksApp clicks = new ClicksApp();
        try (TestDriver d = TestDriver.create(clicks.app.topology())) {
            d.input(clicks.clicks).send("ada", "/home").send("ada", "/cart");
            assertThat(d.table(clicks.perUser).get("ada")).isEqualTo(2L);
        }
    }
}
