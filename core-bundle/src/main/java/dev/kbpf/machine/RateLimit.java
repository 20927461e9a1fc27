package dev.kbpf.machine;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Linux's {@code ratelimit_state} ({@code printk_ratelimited}): at most {@code burst} messages per
 * {@code interval}; the first message of the next interval is told how many were suppressed, so the
 * log says "N callbacks suppressed" instead of going silent. A program that keeps calling a
 * disarmed kfunc on every event must not flood dmesg (whose ring buffer then loses everything
 * else). Thread-safe.
 */
public final class RateLimit {
    /** The kernel's defaults: {@code DEFAULT_RATELIMIT_INTERVAL} 5 s, {@code DEFAULT_RATELIMIT_BURST} 10. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_BURST = 10;

    private final long intervalNanos;
    private final int burst;
    private final LongSupplier clock;
    private long begin;
    private int printed;
    private int missed;
    private boolean started;

    public RateLimit() { this(DEFAULT_INTERVAL, DEFAULT_BURST, System::nanoTime); }

    /** With another interval, burst and clock (nanoseconds, monotonic): tests use a hand-driven clock. */
    public RateLimit(Duration interval, int burst, LongSupplier clock) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("rate limit interval must be positive: " + interval);
        if (burst <= 0) throw new IllegalArgumentException("rate limit burst must be positive: " + burst);
        this.intervalNanos = interval.toNanos();
        this.burst = burst;
        this.clock = clock;
    }

    /**
     * Whether a message may go out now: -1 if it must be suppressed, otherwise how many were
     * suppressed since the last one that went out (to report first when it is not 0).
     */
    public synchronized int acquire() {
        long now = clock.getAsLong();
        int report = 0;
        if (!started || now - begin >= intervalNanos) {
            started = true;
            begin = now;
            printed = 0;
            report = missed;
            missed = 0;
        }
        if (printed < burst) {
            printed++;
            return report;
        }
        missed++;
        return -1;
    }
}
