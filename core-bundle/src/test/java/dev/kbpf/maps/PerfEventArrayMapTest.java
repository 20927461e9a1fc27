package dev.kbpf.maps;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static dev.kbpf.api.MapFlags.*;
import static dev.kbpf.maps.TestBytes.*;
import static org.junit.jupiter.api.Assertions.*;

class PerfEventArrayMapTest {

    private static PerfEventArrayMap perf(int max) {
        return (PerfEventArrayMap) MapFactory.create(MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 4, max), 1);
    }

    @Test
    void samplesReachTheConsumerWithTheirCpu() {
        PerfEventArrayMap m = perf(Cpus.count());
        List<String> got = new ArrayList<>();
        try (PerfBuffer pb = new PerfBuffer(m, 1, (cpu, d) -> got.add(cpu + ":" + d.remaining() + ":" + d.get(0)), null)) {
            assertEquals(-Errno.ENOENT.value(), perf(1).output(BPF_F_CURRENT_CPU, new byte[1], 0, 1));
            assertEquals(0, m.output(BPF_F_CURRENT_CPU, new byte[] {7, 8, 9}, 0, 3));
            assertEquals(0, m.output(Cpus.current(), new byte[] {5}, 0, 1));
            assertEquals(2, pb.poll(100));
            assertEquals(List.of(Cpus.current() + ":3:7", Cpus.current() + ":1:5"), got);
            assertEquals(0, pb.poll(0));
        }
        assertEquals(-Errno.ENOENT.value(), m.output(BPF_F_CURRENT_CPU, new byte[1], 0, 1), "closing uninstalls the buffers");
    }

    @Test
    void outputErrors() throws Exception {
        PerfEventArrayMap m = perf(Math.max(2, Cpus.count()));
        new PerfBuffer(m, 1, (cpu, d) -> {}, null);
        assertEquals(-Errno.EINVAL.value(), m.output(1L << 32, new byte[1], 0, 1));
        assertEquals(-Errno.E2BIG.value(), m.output(m.maxEntries(), new byte[1], 0, 1));
        assertEquals(-Errno.E2BIG.value(), m.output(BPF_F_CURRENT_CPU, new byte[70_000], 0, 70_000));
        if (Cpus.count() >= 2) {
            int[] r = new int[1];
            Thread t = new Thread(() -> { Cpus.pin(0); r[0] = m.output(1, new byte[1], 0, 1); });
            t.start();
            t.join();
            assertEquals(-Errno.ENOTSUP.value(), r[0], "writing another CPU's buffer is EOPNOTSUPP");
        }
    }

    @Test
    void fullBufferLosesSamplesAndReportsThemInStream() {
        PerfEventArrayMap m = perf(Cpus.count());
        List<String> events = new ArrayList<>();
        PerfBuffer pb = new PerfBuffer(m, 1, (cpu, d) -> events.add("s" + d.get(0)), (cpu, n) -> events.add("lost" + n));
        byte[] sample = new byte[500]; // 8 + 4 + 500 -> 512 bytes a record: 8 fit in 4096
        int ok = 0, lost = 0;
        for (int i = 0; i < 12; i++) {
            sample[0] = (byte) i;
            int r = m.output(BPF_F_CURRENT_CPU, sample, 0, 500);
            if (r == 0) ok++; else { assertEquals(-Errno.ENOSPC.value(), r); lost++; }
        }
        assertEquals(8, ok);
        assertEquals(4, lost);
        assertEquals(4, pb.lostTotal());
        assertEquals(8, pb.consume());
        sample[0] = 99;
        assertEquals(0, m.output(BPF_F_CURRENT_CPU, sample, 0, 500));
        assertEquals(2, pb.consume());
        assertEquals(List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "lost4", "s99"), events);
    }

    @Test
    void samplesWrapAroundTheRing() {
        PerfEventArrayMap m = perf(Cpus.count());
        List<byte[]> got = new ArrayList<>();
        PerfBuffer pb = new PerfBuffer(m, 1, (cpu, d) -> { byte[] b = new byte[d.remaining()]; d.get(b); got.add(b); }, null);
        Random rnd = new Random(5);
        List<byte[]> sent = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] s = new byte[rnd.nextInt(700)];
            rnd.nextBytes(s);
            if (m.output(BPF_F_CURRENT_CPU, s, 0, s.length) != 0) {
                refused++; // counted lost, as in Linux; the retry after consuming goes through
                pb.consume();
                assertEquals(0, m.output(BPF_F_CURRENT_CPU, s, 0, s.length));
            }
            sent.add(s);
        }
        pb.consume();
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) assertArrayEquals(sent.get(i), got.get(i), "seed 5, sample " + i);
        assertTrue(refused > 100, "the ring filled up many times");
        assertEquals(refused, pb.lostTotal());
    }

    @Test
    void pollWakesOnOutput() throws Exception {
        PerfEventArrayMap m = perf(Cpus.count());
        int[] n = new int[1];
        PerfBuffer pb = new PerfBuffer(m, 2, (cpu, d) -> n[0]++, null);
        Thread producer = new Thread(() -> {
            try { Thread.sleep(30); } catch (InterruptedException e) { return; }
            m.output(BPF_F_CURRENT_CPU, new byte[8], 0, 8);
        });
        producer.start();
        long t0 = System.nanoTime();
        assertEquals(1, pb.poll(20_000));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
        producer.join();
        assertEquals(1, n[0]);
    }

    @Test
    void syscallFaceAndBadPageCounts() {
        PerfEventArrayMap m = perf(4);
        assertErrno(Errno.EINVAL, () -> new PerfBuffer(m, 3, (c, d) -> {}, null));
        assertErrno(Errno.EINVAL, () -> new PerfBuffer(m, 0, (c, d) -> {}, null));
        assertErrno(Errno.ENOTSUPP, () -> m.lookup(u32(0)));
        assertErrno(Errno.ENOTSUPP, () -> m.update(u32(0), u32(3), BPF_ANY));
        assertErrno(Errno.ENOENT, () -> m.delete(u32(0)));
        assertErrno(Errno.E2BIG, () -> m.delete(u32(4)));
        new PerfBuffer(m, 1, (c, d) -> {}, null);
        m.delete(u32(0));
        assertNull(m.buffer(0));
        assertEquals(1, asU32(m.getNextKey(u32(0))));
        assertEquals(0, m.valueStorageCount());
    }
}
