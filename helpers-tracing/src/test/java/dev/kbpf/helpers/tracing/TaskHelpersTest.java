package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import dev.kbpf.maps.Cpus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The current task and CPU — bpf_get_current_pid_tgid (14), bpf_get_current_uid_gid (15),
 * bpf_get_current_comm (16), bpf_get_smp_processor_id (8) — and bpf_get_prandom_u32 (7), from
 * verified programs run on threads of known names and CPUs.
 */
class TaskHelpersTest {
    private HelperRuntime k;

    @BeforeEach
    void setUp() { k = new HelperRuntime(); }

    @AfterEach
    void close() { k.close(); }

    private ProgInfo callOnly(int id) {
        return k.load(ProgType.KPROBE, "call" + id, "call " + id + "\nexit\n");
    }

    /** Runs {@code p} on a new thread named {@code name}, pinned to {@code cpu} when it is not negative. */
    private long runOnThread(ProgInfo p, String name, int cpu, AtomicLong threadId) throws InterruptedException {
        AtomicLong r0 = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                if (cpu >= 0) Cpus.pin(cpu);
                threadId.set(Thread.currentThread().getId());
                r0.set(k.run(p));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        t.start();
        t.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
        return r0.get();
    }

    @Test
    void pidTgidIsTheProcessAndTheThread() throws InterruptedException {
        ProgInfo p = callOnly(14);
        assertEquals(ProcessHandle.current().pid() << 32 | Thread.currentThread().getId(), k.run(p));
        AtomicLong tid = new AtomicLong();
        long other = runOnThread(p, "other", -1, tid);
        assertEquals(ProcessHandle.current().pid(), other >>> 32);
        assertEquals(tid.get(), other & 0xffff_ffffL);
        assertNotEquals(Thread.currentThread().getId(), tid.get());
    }

    @Test
    void uidGidIsTheProcesssUserAndGroup() {
        var unix = new com.sun.security.auth.module.UnixSystem();
        assertEquals(unix.getGid() << 32 | unix.getUid(), k.run(callOnly(15)));
    }

    /** get_current_comm into 16 stack bytes pre-filled with 0xff (size from the argument), copied to a map. */
    private ProgInfo commProgram(int results, int size) {
        return k.load(ProgType.KPROBE, "comm", """
                stdw [%r10-16], -1
                stdw [%r10-8], -1
                mov %r1, %r10
                add %r1, -16
                mov %r2, SIZE
                call 16
                lddw %r7, mapvalue:RESULTS+0
                stxdw [%r7+0], %r0
                ldxdw %r1, [%r10-16]
                stxdw [%r7+8], %r1
                ldxdw %r1, [%r10-8]
                stxdw [%r7+16], %r1
                mov %r0, 0
                exit
                """.replace("SIZE", Integer.toString(size)).replace("RESULTS", Integer.toString(results)));
    }

    private byte[] comm(int results, ProgInfo p, String threadName) throws InterruptedException {
        runOnThread(p, threadName, -1, new AtomicLong());
        byte[] v = k.lookup(results, 0);
        assertEquals(0, HelperRuntime.le64(v, 0), "bpf_get_current_comm answers 0");
        return Arrays.copyOfRange(v, 8, 24);
    }

    @Test
    void commIsTheThreadNameCutTo15BytesAndANul() throws InterruptedException {
        int results = k.map(MapType.ARRAY, 4, 24, 1);
        ProgInfo p16 = commProgram(results, 16);
        byte[] c = comm(results, p16, "kbpf-comm-test-thread-with-a-long-name");
        assertEquals("kbpf-comm-test-", new String(c, 0, 15, StandardCharsets.UTF_8));
        assertEquals(0, c[15]);

        c = comm(results, p16, "ab");
        byte[] expected = new byte[16];
        expected[0] = 'a';
        expected[1] = 'b';
        assertArrayEquals(expected, c, "NUL-padded to the size, as strscpy_pad");

        ProgInfo p8 = commProgram(results, 8);
        c = comm(results, p8, "kbpf-comm-test-thread");
        assertEquals("kbpf-co", HelperRuntime.cString(c, 0));
        assertEquals(0, c[7]);
        assertEquals(-1, c[8], "nothing beyond the size");

        c = comm(results, p16, "ünïcödé-ñämé-xyz");
        byte[] utf8 = "ünïcödé-ñämé-xyz".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(Arrays.copyOf(utf8, 15), Arrays.copyOf(c, 15), "cut at 15 bytes of UTF-8, as Linux cuts bytes");
        assertEquals(0, c[15]);
    }

    @Test
    void commFollowsARenamedThread() throws InterruptedException {
        int results = k.map(MapType.ARRAY, 4, 24, 1);
        ProgInfo p = commProgram(results, 16);
        AtomicReference<String> first = new AtomicReference<>();
        AtomicReference<String> second = new AtomicReference<>();
        Thread t = new Thread(() -> {
            k.run(p);
            first.set(HelperRuntime.cString(k.lookup(results, 0), 8));
            Thread.currentThread().setName("renamed");
            k.run(p);
            second.set(HelperRuntime.cString(k.lookup(results, 0), 8));
        }, "before");
        t.start();
        t.join();
        assertEquals("before", first.get());
        assertEquals("renamed", second.get());
    }

    @Test
    void smpProcessorIdIsTheThreadsCpu() throws InterruptedException {
        ProgInfo p = callOnly(8);
        for (int cpu = 0; cpu < Cpus.count(); cpu++) {
            assertEquals(cpu, runOnThread(p, "cpu" + cpu, cpu, new AtomicLong()), "pinned to cpu " + cpu);
        }
        assertEquals(Cpus.current(), k.run(p));
        ProgInfo socket = k.load(ProgType.SOCKET_FILTER, "sockcpu", "call 8\nexit\n");
        assertEquals(Cpus.current(), k.run(socket), "socket filters may ask too");
    }

    @Test
    void prandomU32IsThirtyTwoRandomBits() {
        ProgInfo p = callOnly(7);
        Set<Long> seen = new HashSet<>();
        boolean high = false;
        for (int i = 0; i < 200; i++) {
            long v = k.run(p);
            assertTrue(v >= 0 && v <= 0xffff_ffffL, "u32: " + v);
            high |= v >= 1L << 31;
            seen.add(v);
        }
        assertTrue(seen.size() > 190, "mostly distinct: " + seen.size());
        assertTrue(high, "the top bit is used");
    }
}
