package dev.kbpf.machine;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    private long now = 1_000;

    @Test
    void aBurstGoesOutThenTheRestIsCountedAndReportedInTheNextInterval() {
        RateLimit limit = new RateLimit(Duration.ofSeconds(5), 3, () -> now);
        for (int k = 0; k < 3; k++) assertEquals(0, limit.acquire(), "message " + k + " of the burst");
        for (int k = 0; k < 7; k++) assertEquals(-1, limit.acquire(), "suppressed " + k);
        now += Duration.ofSeconds(4).toNanos();
        assertEquals(-1, limit.acquire(), "still the same interval");
        now += Duration.ofSeconds(1).toNanos();
        assertEquals(8, limit.acquire(), "the next interval's first message reports the 8 suppressed");
        assertEquals(0, limit.acquire());
        now += Duration.ofSeconds(10).toNanos();
        assertEquals(0, limit.acquire(), "nothing was suppressed in between");
    }

    @Test
    void nonsenseLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(Duration.ZERO, 1, () -> 0));
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(Duration.ofSeconds(1), 0, () -> 0));
    }
}
