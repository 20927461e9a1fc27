package dev.kbpf.runtime;

import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code kernel.bpf_stats_enabled} collects for one program, as Linux's
 * {@code struct bpf_prog_stats}: how many runs and how long they took, in nanoseconds.
 * Counted only while the sysctl is 1 (timing every run costs two clock reads); runs on many
 * threads add without contention.
 */
final class ProgStats {
    private final LongAdder runTimeNanos = new LongAdder();
    private final LongAdder runCount = new LongAdder();

    void add(long nanos) {
        runTimeNanos.add(nanos);
        runCount.increment();
    }

    long runTimeNanos() { return runTimeNanos.sum(); }

    long runCount() { return runCount.sum(); }
}
