package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import dev.kbpf.maps.Cpus;
import dev.kbpf.maps.RingBuffer;
import dev.kbpf.maps.RingbufMap;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bpf_ringbuf_output (130), _reserve (131), _submit (132), _discard (133), _query (134) and
 * bpf_perf_event_output (25) from verified programs, read by the Java consumers.
 */
class OutputHelpersTest {
    private HelperRuntime k;

    @AfterEach
    void close() { if (k != null) k.close(); }

    private static byte[] ctx(long a, long b) {
        byte[] c = new byte[16];
        System.arraycopy(HelperRuntime.le64(a), 0, c, 0, 8);
        System.arraycopy(HelperRuntime.le64(b), 0, c, 8, 8);
        return c;
    }

    private static List<long[]> drain(RingbufMap map) {
        List<long[]> records = new ArrayList<>();
        try (RingBuffer rb = new RingBuffer(map, data -> {
            long[] r = new long[data.remaining() / 8 + 1];
            r[0] = data.remaining();
            for (int i = 1; i < r.length; i++) r[i] = data.getLong();
            records.add(r);
            return 0;
        })) {
            rb.consume();
        }
        return records;
    }

    @ParameterizedTest(name = "jit={0}")
    @ValueSource(booleans = {true, false})
    void ringbufRecordsReachTheConsumerInOrderAndDiscardedOnesDoNot(boolean jit) {
        k = new HelperRuntime(jit);
        int map = k.map(MapType.RINGBUF, 0, 0, 4096);
        // output: 16 bytes {ctx[0], ctx[8]} with flags 0
        ProgInfo output = k.load(ProgType.TRACEPOINT, "output", """
                ldxdw %r2, [%r1+0]
                stxdw [%r10-16], %r2
                ldxdw %r2, [%r1+8]
                stxdw [%r10-8], %r2
                lddw %r1, map:MAP
                mov %r2, %r10
                add %r2, -16
                mov %r3, 16
                mov %r4, 0
                call 130
                exit
                """.replace("MAP", Integer.toString(map)));
        // reserve 24 bytes, fill {ctx[0], 7, 8}, then submit, or discard when ctx[8] != 0
        ProgInfo reserve = k.load(ProgType.TRACEPOINT, "reserve", """
                mov %r6, %r1
                lddw %r1, map:MAP
                mov %r2, 24
                mov %r3, 0
                call 131
                jne %r0, 0, +2
                mov %r0, -1
                exit
                ldxdw %r1, [%r6+0]
                stxdw [%r0+0], %r1
                stdw [%r0+8], 7
                stdw [%r0+16], 8
                ldxdw %r2, [%r6+8]
                mov %r1, %r0
                jne %r2, 0, +4
                mov %r2, 0
                call 132
                mov %r0, 0
                exit
                mov %r2, 0
                call 133
                mov %r0, 1
                exit
                """.replace("MAP", Integer.toString(map)));
        ProgInfo query = k.load(ProgType.TRACEPOINT, "query", """
                ldxdw %r2, [%r1+0]
                lddw %r1, map:MAP
                call 134
                exit
                """.replace("MAP", Integer.toString(map)));

        assertEquals(0, k.run(output, ctx(11, 12)));
        assertEquals(0, k.run(reserve, ctx(21, 0)));
        assertEquals(1, k.run(reserve, ctx(31, 1)), "discarded");
        assertEquals(0, k.run(output, ctx(41, 42)));
        assertEquals(0, k.run(output, ctx(51, 52)));

        // records: (16+8) + (24+8) + (24+8) + (16+8) + (16+8) bytes with headers
        long produced = 24 + 32 + 32 + 24 + 24;
        assertEquals(produced, k.run(query, ctx(MapFlags.BPF_RB_AVAIL_DATA, 0)));
        assertEquals(4096, k.run(query, ctx(MapFlags.BPF_RB_RING_SIZE, 0)));
        assertEquals(produced, k.run(query, ctx(MapFlags.BPF_RB_PROD_POS, 0)));
        assertEquals(0, k.run(query, ctx(MapFlags.BPF_RB_CONS_POS, 0)));
        assertEquals(0, k.run(query, ctx(99, 0)), "unknown query: 0");

        List<long[]> got = drain((RingbufMap) k.bpf.map(map));
        assertEquals(4, got.size(), "the discarded record is skipped");
        assertArrayEquals(new long[] {16, 11, 12}, got.get(0));
        assertArrayEquals(new long[] {24, 21, 7, 8}, got.get(1));
        assertArrayEquals(new long[] {16, 41, 42}, got.get(2));
        assertArrayEquals(new long[] {16, 51, 52}, got.get(3));
        assertEquals(0, k.run(query, ctx(MapFlags.BPF_RB_AVAIL_DATA, 0)));
        assertEquals(produced, k.run(query, ctx(MapFlags.BPF_RB_CONS_POS, 0)));
    }

    @Test
    void ringbufFullOrBadFlagsAsLinux() {
        k = new HelperRuntime();
        int map = k.map(MapType.RINGBUF, 0, 0, 4096);
        ProgInfo output = k.load(ProgType.TRACEPOINT, "output", """
                ldxdw %r4, [%r1+0]
                stdw [%r10-8], 1
                lddw %r1, map:MAP
                mov %r2, %r10
                add %r2, -8
                mov %r3, 8
                call 130
                exit
                """.replace("MAP", Integer.toString(map)));
        assertEquals(Errno.EINVAL.negative(), k.run(output, ctx(4, 0)), "flags other than NO_WAKEUP / FORCE_WAKEUP");
        assertEquals(0, k.run(output, ctx(MapFlags.BPF_RB_NO_WAKEUP, 0)));
        for (int i = 1; i < 4096 / 16; i++) assertEquals(0, k.run(output, ctx(0, 0)), "record " + i);
        assertEquals(Errno.EAGAIN.negative(), k.run(output, ctx(0, 0)), "full");
        ProgInfo tooBig = k.load(ProgType.TRACEPOINT, "toobig", """
                lddw %r1, map:MAP
                mov %r2, 8192
                mov %r3, 0
                call 131
                jne %r0, 0, +2
                mov %r0, -1
                exit
                mov %r1, %r0
                mov %r2, 0
                call 133
                mov %r0, 0
                exit
                """.replace("MAP", Integer.toString(map)));
        assertEquals(-1, k.run(tooBig), "a record larger than the ring: NULL");
    }

    @ParameterizedTest(name = "jit={0}")
    @ValueSource(booleans = {true, false})
    void perfEventOutputSendsASampleToTheCurrentCpusBuffer(boolean jit) {
        k = new HelperRuntime(jit);
        int map = k.map(MapType.PERF_EVENT_ARRAY, 4, 4, Cpus.count());
        // sample: 12 bytes {ctx[0] (8 bytes), 0xcafe (4 bytes)}; flags from ctx[8]
        ProgInfo p = k.load(ProgType.TRACEPOINT, "perf", """
                mov %r6, %r1
                ldxdw %r2, [%r6+0]
                stxdw [%r10-16], %r2
                stw [%r10-8], 0xcafe
                mov %r1, %r6
                lddw %r2, map:MAP
                ldxdw %r3, [%r6+8]
                mov %r4, %r10
                add %r4, -16
                mov %r5, 12
                call 25
                exit
                """.replace("MAP", Integer.toString(map)));
        assertEquals(Errno.ENOENT.negative(), k.run(p, ctx(1, MapFlags.BPF_F_CURRENT_CPU)), "no perf buffer opened yet");
        List<String> samples = new ArrayList<>();
        // through the Bpf service's reader, as a user of the API opens it (libbpf's perf_buffer__new)
        try (var pb = k.bpf.perfBufferOpen(map, 1, (cpu, data) -> {
            ByteBuffer d = data.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            samples.add(cpu + ":" + d.remaining() + ":" + d.getLong() + ":" + Integer.toHexString(d.getInt()));
        }, null)) {
            assertEquals(0, k.run(p, ctx(77, MapFlags.BPF_F_CURRENT_CPU)));
            assertEquals(0, k.run(p, ctx(78, Cpus.current())), "the current CPU's index, given explicitly");
            assertEquals(Errno.EINVAL.negative(), k.run(p, ctx(79, 1L << 40)), "flags beyond BPF_F_INDEX_MASK");
            assertEquals(Errno.E2BIG.negative(), k.run(p, ctx(80, Cpus.count())), "index beyond max_entries");
            if (Cpus.count() > 1) {
                int other = (Cpus.current() + 1) % Cpus.count();
                assertEquals(Errno.ENOTSUP.negative(), k.run(p, ctx(81, other)), "another CPU's buffer");
            }
            assertEquals(2, pb.consume());
            assertEquals(0, pb.lost());
        }
        assertEquals(Errno.ENOENT.negative(), k.run(p, ctx(82, MapFlags.BPF_F_CURRENT_CPU)), "the reader closed: its rings are gone");
        int cpu = Cpus.current();
        assertEquals(List.of(cpu + ":12:77:cafe", cpu + ":12:78:cafe"), samples);
    }
}
