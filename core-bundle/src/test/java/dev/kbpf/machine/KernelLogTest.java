package dev.kbpf.machine;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.spi.LogLevel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KernelLogTest {
    private final AtomicLong uptime = new AtomicLong();
    private final List<String> console = Collections.synchronizedList(new ArrayList<>());

    @Test
    void linesLookLikeLinuxDmesg() {
        KernelLog log = new KernelLog(16, uptime::get, console::add);
        log.printk(LogLevel.KERN_INFO, "first");
        uptime.set(12_345_678_901L);
        log.printk(LogLevel.KERN_WARNING, "message");
        uptime.set(123_456L * 1_000_000_000L + 1_999L);
        log.printk(LogLevel.KERN_ERR, "late");
        assertEquals("[    0.000000] first\n[   12.345678] message\n[123456.000001] late\n", log.format());
        assertEquals("<4>[   12.345678] message", log.records().get(1).formatRaw());
        assertEquals(List.of(0L, 1L, 2L), log.records().stream().map(KmsgRecord::seq).toList());
    }

    @Test
    void theRingKeepsTheNewestLines() {
        KernelLog log = new KernelLog(3, uptime::get, console::add);
        for (int i = 0; i < 5; i++) log.printk(LogLevel.KERN_INFO, "line " + i);
        assertEquals(3, log.size());
        assertEquals(List.of("line 2", "line 3", "line 4"), log.records().stream().map(KmsgRecord::text).toList());
        assertEquals(List.of(2L, 3L, 4L), log.records().stream().map(KmsgRecord::seq).toList());
        assertEquals(List.of("line 4"), log.since(4).stream().map(KmsgRecord::text).toList());
        assertEquals(3, log.since(0).size(), "lines already overwritten are simply gone");
        assertEquals(5, log.nextSeq());
        log.clear();
        assertEquals(0, log.size());
        log.printk(LogLevel.KERN_INFO, "after clear");
        assertEquals(5, log.records().get(0).seq(), "sequence numbers keep counting after dmesg -C");
    }

    @Test
    void theRingHoldsExactlyTheLastCapacityLinesWhateverTheCounts() {
        long seed = 0x6b627066L;
        java.util.Random rnd = new java.util.Random(seed);
        for (int round = 0; round < 200; round++) {
            int capacity = 1 + rnd.nextInt(40), n = rnd.nextInt(120);
            KernelLog log = new KernelLog(capacity, uptime::get, console::add);
            for (int i = 0; i < n; i++) log.printk(LogLevel.KERN_INFO, "l" + i);
            int kept = Math.min(n, capacity);
            List<KmsgRecord> rs = log.records();
            String where = "seed " + seed + " round " + round + " capacity " + capacity + " n " + n;
            assertEquals(kept, rs.size(), where);
            for (int i = 0; i < kept; i++) {
                assertEquals(n - kept + i, rs.get(i).seq(), where);
                assertEquals("l" + (n - kept + i), rs.get(i).text(), where);
            }
            int from = n == 0 ? 0 : rnd.nextInt(n);
            assertEquals(Math.min(kept, n - from), log.since(from).size(), where + " since " + from);
        }
    }

    @Test
    void messagesAreSplitEscapedAndCut() {
        KernelLog log = new KernelLog(16, uptime::get, console::add);
        log.printk(LogLevel.KERN_INFO, "one\ntwo\n");
        log.printk(LogLevel.KERN_INFO, "bell\u0007 and esc\u001b[0m\ttab");
        log.printk(LogLevel.KERN_INFO, null);
        log.printk(LogLevel.KERN_INFO, "x".repeat(5000));
        List<String> texts = log.records().stream().map(KmsgRecord::text).toList();
        assertEquals(List.of("one", "two", "bell\\x07 and esc\\x1b[0m\ttab", "(null)"), texts.subList(0, 4));
        assertEquals(KernelLog.LINE_MAX, texts.get(4).length());
    }

    @Test
    void onlyUrgentLinesReachTheConsoleUnlessForced() {
        KernelLog log = new KernelLog(16, uptime::get, console::add);
        log.printk(LogLevel.KERN_EMERG, "emerg");
        log.printk(LogLevel.KERN_ERR, "err");
        log.printk(LogLevel.KERN_WARNING, "warning");
        log.printk(LogLevel.KERN_INFO, "info");
        log.printkToConsole(LogLevel.KERN_INFO, "forced");
        assertEquals(List.of("[    0.000000] emerg", "[    0.000000] err", "[    0.000000] forced"), console);
        log.setConsoleLoglevel(8);
        log.printk(LogLevel.KERN_DEBUG, "debug");
        assertEquals("[    0.000000] debug", console.get(3));
        assertThrows(dev.kbpf.api.BpfException.class, () -> log.setConsoleLoglevel(0));
        assertEquals(5, log.records().size() - 1, "every line is in dmesg whatever the console shows");
    }

    @Test
    void manyThreadsLogWithoutLosingOrDuplicatingLines() throws Exception {
        KernelLog log = new KernelLog(10_000, uptime::get, console::add);
        int threads = 4, each = 1000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try { start.await(); } catch (InterruptedException e) { return; }
                for (int i = 0; i < each; i++) log.printk(LogLevel.KERN_INFO, id + ":" + i);
            });
            th.start();
            ts.add(th);
        }
        start.countDown();
        for (Thread th : ts) th.join();
        List<KmsgRecord> rs = log.records();
        assertEquals(threads * each, rs.size());
        for (int i = 0; i < rs.size(); i++) assertEquals(i, rs.get(i).seq());
        assertEquals(threads * each, rs.stream().map(KmsgRecord::text).distinct().count());
    }

    @Test
    void levelsParseFromNamesAndNumbers() {
        assertEquals(LogLevel.KERN_WARNING, LogLevel.parse("4"));
        assertEquals(LogLevel.KERN_WARNING, LogLevel.parse("warn"));
        assertEquals(LogLevel.KERN_EMERG, LogLevel.parse("KERN_EMERG"));
        assertThrows(dev.kbpf.api.BpfException.class, () -> LogLevel.parse("loud"));
    }
}
