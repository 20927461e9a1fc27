package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** bpf_ktime_get_ns (5), bpf_jiffies64 (118), bpf_ktime_get_boot_ns (125) from verified programs. */
class TimeHelpersTest {
    private final HelperRuntime k = new HelperRuntime();

    @AfterEach
    void close() { k.close(); }

    @Test
    void ktimeIsTheMonotonicClock() {
        for (int id : new int[] {5, 125}) {
            ProgInfo p = k.load(ProgType.TRACEPOINT, "ktime" + id, "call " + id + "\nexit\n");
            long before = System.nanoTime();
            long t = k.run(p);
            long after = System.nanoTime();
            assertTrue(before <= t && t <= after, "helper " + id + ": " + before + " <= " + t + " <= " + after);
        }
    }

    @Test
    void twoReadingsInOneProgramNeverGoBack() {
        ProgInfo p = k.load(ProgType.TRACEPOINT, "elapsed", """
                call 5
                mov %r6, %r0
                call 5
                sub %r0, %r6
                exit
                """);
        for (int i = 0; i < 100; i++) assertTrue(k.run(p) >= 0);
    }

    @Test
    void jiffiesCountTicksOf250HzFromInitialJiffies() {
        ProgInfo p = k.load(ProgType.TRACEPOINT, "jiffies", "call 118\nexit\n");
        long before = System.nanoTime();
        long j = k.run(p);
        long after = System.nanoTime();
        assertTrue(KernelClock.INITIAL_JIFFIES + before / 4_000_000 <= j && j <= KernelClock.INITIAL_JIFFIES + after / 4_000_000, Long.toString(j));
        ProgInfo socket = k.load(ProgType.SOCKET_FILTER, "sockjiffies", "call 118\nexit\n");
        assertTrue(k.run(socket) >= j);
    }

    @Test
    void clockArithmetic() {
        AtomicLong now = new AtomicLong();
        KernelClock c = new KernelClock(now::get);
        assertEquals(4294892296L, KernelClock.INITIAL_JIFFIES, "(unsigned int)(-300 * 250)");
        assertEquals(KernelClock.INITIAL_JIFFIES, c.jiffies64());
        now.set(3_999_999);
        assertEquals(KernelClock.INITIAL_JIFFIES, c.jiffies64());
        now.set(1_000_000_000L);
        assertEquals(KernelClock.INITIAL_JIFFIES + 250, c.jiffies64());
        assertEquals(1_000_000_000L, c.ktimeGetNs());
        assertEquals(1_000_000_000L, c.ktimeGetBootNs());
        now.set(300_000_000_000L);
        assertEquals(1L << 32, c.jiffies64(), "the 32-bit jiffies wraps five minutes after boot");
    }
}
