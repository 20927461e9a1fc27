package dev.kbpf.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LinkInfo;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.api.TracepointField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The acceptance test of the runtime: a counting program on a tracepoint fired from 8 threads counts exactly. */
class CountingTracepointTest {
    private final RuntimeFixture f = new RuntimeFixture();

    @AfterEach
    void close() { f.close(); }

    private int counterMap() {
        return f.bpf.mapCreate(MapAttr.of(MapType.ARRAY, 4, 8, 1).withName("counts")).id();
    }

    private static String countingProgram(int map) {
        return """
                stw [%r10-4], 0
                mov %r2, %r10
                add %r2, -4
                lddw %r1, map:MAP
                call 1
                jeq %r0, 0, +2
                mov %r1, 1
                lock add [%r0+0], %r1
                mov %r0, 0
                exit
                """.replace("MAP", Integer.toString(map));
    }

    private long total(int map) {
        byte[] v = f.bpf.mapLookup(map, new byte[4]).orElseThrow();
        return ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void eightThreadsFiringAMillionEventsCountExactlyAMillion() throws Exception {
        int map = counterMap();
        ProgInfo prog = f.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "count", RuntimeFixture.asm(countingProgram(map))));
        Tracepoint tp = f.bpf.defineTracepoint("test", "tick", List.of(TracepointField.u64("n", 0)));
        LinkInfo link = f.bpf.attach(prog.id(), "test:tick");
        int threads = 8, perThread = 125_000;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) tp.fire((long) i);
            });
            ts[t].start();
        }
        start.countDown();
        for (Thread t : ts) t.join();
        assertEquals(1_000_000L, total(map));
        f.bpf.detach(link.id());
        tp.fire(1L);
        assertEquals(1_000_000L, total(map), "a detached program does not run");
    }

    @Test
    void testRunReturnsR0AndTheProgramShowsItsTagAndMaps() {
        int map = counterMap();
        ProgInfo prog = f.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "count", RuntimeFixture.asm(countingProgram(map))));
        assertEquals(16, prog.tag().length());
        assertEquals(List.of(map), prog.mapIds());
        assertEquals(List.of("bpf_map_lookup_elem"), prog.helpers());
        var r = f.bpf.progTestRun(prog.id(), new byte[8], 10);
        assertEquals(0, r.retval());
        assertEquals(10, total(map));
    }

    @Test
    void unloadingDetachesAndMapsInUseCannotBeDeleted() {
        int map = counterMap();
        ProgInfo prog = f.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "count", RuntimeFixture.asm(countingProgram(map))));
        f.bpf.defineTracepoint("test", "tick", List.of(TracepointField.u64("n", 0)));
        f.bpf.attach(prog.id(), "test:tick");
        assertEquals(Errno.EBUSY, assertThrows(BpfException.class, () -> f.bpf.mapDelete(map)).errno());
        f.bpf.progUnload(prog.id());
        assertTrue(f.bpf.linkList().isEmpty());
        f.bpf.mapDelete(map);
        assertEquals(Errno.ENOENT, assertThrows(BpfException.class, () -> f.bpf.progShow(prog.id())).errno());
    }

    @Test
    void attachChecksTheProgramTypeAndTheRecordSize() {
        int map = counterMap();
        f.bpf.defineTracepoint("test", "small", List.of(TracepointField.u32("x", 0)));
        ProgInfo socket = f.bpf.progLoad(ProgLoadAttr.of(ProgType.SOCKET_FILTER, "sock", RuntimeFixture.asm("mov %r0, 0\nexit")));
        assertEquals(Errno.EINVAL, assertThrows(BpfException.class, () -> f.bpf.attach(socket.id(), "test:small")).errno());
        ProgInfo wide = f.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "wide", RuntimeFixture.asm("ldxdw %r0, [%r1+16]\nexit")));
        BpfException e = assertThrows(BpfException.class, () -> f.bpf.attach(wide.id(), "test:small"));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("reads context up to offset 24"), e.getMessage());
        assertEquals(Errno.ENOENT, assertThrows(BpfException.class, () -> f.bpf.attach(wide.id(), "no:such")).errno());
        assertNotNull(f.bpf.mapShow(map));
    }

    @Test
    void removingTheHelperProviderUnloadsItsUsersWithADmesgLine() {
        int map = counterMap();
        ProgInfo counting = f.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "count", RuntimeFixture.asm(countingProgram(map))));
        ProgInfo plain = f.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "plain", RuntimeFixture.asm("mov %r0, 7\nexit")));
        f.bpf.removeHelperProvider(RuntimeFixture.MAP_HELPERS, "dev.kbpf.helpers.tracing");
        assertEquals(List.of(plain.id()), f.bpf.progList().stream().map(ProgInfo::id).toList());
        String dmesg = f.machine.dmesg().stream().map(r -> r.text()).reduce("", (a, b) -> a + b + "\n");
        assertTrue(dmesg.contains("prog " + counting.id() + " (count) detached and unloaded: helper bpf_map_lookup_elem#1 is gone"), dmesg);
        BpfException again = assertThrows(BpfException.class,
                () -> f.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "count", RuntimeFixture.asm(countingProgram(map)))));
        assertTrue(again.getMessage().contains("unknown func bpf_map_lookup_elem#1") || again.log().contains("unknown func"), again.getMessage() + "\n" + again.log());
    }
}
