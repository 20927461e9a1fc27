package dev.kbpf.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.api.TracepointField;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kernel.bpf_stats_enabled}: while it is 1, every run of a program — fired by a tracepoint
 * or a test run — adds to its {@code run_cnt} and {@code run_time_ns}; while it is 0 nothing is
 * counted (and nothing timed), as in Linux.
 */
class ProgStatsTest {
    private final RuntimeFixture f = new RuntimeFixture();

    @AfterEach
    void close() { f.close(); }

    @Test
    void runsAreCountedAndTimedOnlyWhileTheSysctlIsOn() {
        ProgInfo p = f.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "spin", RuntimeFixture.asm(
                "mov %r0, 0\nmov %r1, 0\nloop:\nadd %r1, 1\njlt %r1, 1000, loop\nexit")));
        Tracepoint tp = f.bpf.defineTracepoint("test", "tick", List.of(TracepointField.u64("n", 0)));
        f.bpf.attach(p.id(), "test:tick");
        for (int k = 0; k < 5; k++) tp.fire(k);
        assertEquals(0, f.bpf.progShow(p.id()).runCount(), "off by default: nothing counted");

        f.sysctls.set("kernel.bpf_stats_enabled", 1, Credentials.root());
        for (int k = 0; k < 7; k++) tp.fire(k);
        f.bpf.progTestRun(p.id(), new byte[8], 3);
        ProgInfo on = f.bpf.progShow(p.id());
        assertEquals(10, on.runCount(), "7 firings and 3 test runs");
        assertTrue(on.runTimeNanos() > 0, "a thousand-trip loop takes time: " + on.runTimeNanos());

        f.sysctls.set("kernel.bpf_stats_enabled", 0, Credentials.root());
        for (int k = 0; k < 4; k++) tp.fire(k);
        ProgInfo off = f.bpf.progShow(p.id());
        assertEquals(10, off.runCount(), "off again: the counts stay");
        assertEquals(on.runTimeNanos(), off.runTimeNanos());
    }
}
