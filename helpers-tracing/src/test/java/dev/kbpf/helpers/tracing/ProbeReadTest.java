package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The probe_read family — bpf_probe_read (4), bpf_probe_read_str (45), bpf_probe_read_user (112),
 * bpf_probe_read_kernel (113), bpf_probe_read_user_str (114), bpf_probe_read_kernel_str (115) —
 * from verified programs: copies from any address, -EFAULT and a zeroed destination on a fault.
 */
class ProbeReadTest {
    private static final int CTX_SIZE = 64;
    private HelperRuntime k;
    private int results;
    private int other;

    @BeforeEach
    void setUp() {
        k = new HelperRuntime();
        results = k.map(MapType.ARRAY, 4, 40, 1);
        other = k.map(MapType.ARRAY, 4, 16, 1);
        k.bpf.mapUpdate(other, HelperRuntime.le32(0), "other map value\0".getBytes(StandardCharsets.US_ASCII), 0);
    }

    @AfterEach
    void close() { k.close(); }

    /**
     * Calls helper {@code id}(dst = 32 bytes of 0xff on the stack, size, src) and stores r0 and the
     * 32 destination bytes into the results map. {@code src} sets r3 (r6 holds the context).
     */
    private ProgInfo program(int id, int size, String src) {
        String text = """
                mov %r6, %r1
                stdw [%r10-32], -1
                stdw [%r10-24], -1
                stdw [%r10-16], -1
                stdw [%r10-8], -1
                mov %r1, %r10
                add %r1, -32
                mov %r2, SIZE
                SRC
                call ID
                lddw %r7, mapvalue:RESULTS+0
                stxdw [%r7+0], %r0
                ldxdw %r1, [%r10-32]
                stxdw [%r7+8], %r1
                ldxdw %r1, [%r10-24]
                stxdw [%r7+16], %r1
                ldxdw %r1, [%r10-16]
                stxdw [%r7+24], %r1
                ldxdw %r1, [%r10-8]
                stxdw [%r7+32], %r1
                mov %r0, 0
                exit
                """.replace("SIZE", Integer.toString(size)).replace("SRC", src).replace("ID", Integer.toString(id))
                .replace("RESULTS", Integer.toString(results)).replace("OTHER", Integer.toString(other));
        return k.load(ProgType.KPROBE, "probe" + id, text);
    }

    private record Result(long r0, byte[] dst) {}

    private Result run(ProgInfo p, byte[] ctx) {
        assertEquals(0, k.run(p, ctx));
        byte[] v = k.lookup(results, 0);
        return new Result(HelperRuntime.le64(v, 0), Arrays.copyOfRange(v, 8, 40));
    }

    private static byte[] ctxWith(int at, String text) {
        byte[] ctx = new byte[CTX_SIZE];
        for (int i = 0; i < ctx.length; i++) ctx[i] = (byte) (0x40 + i);
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, ctx, at, Math.min(b.length, ctx.length - at));
        return ctx;
    }

    private static byte[] ff(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) -1);
        return b;
    }

    @ParameterizedTest(name = "helper {0}")
    @ValueSource(ints = {4, 112, 113})
    void probeReadCopiesAnyReadableAddress(int id) {
        byte[] ctx = ctxWith(0, "");
        Result r = run(program(id, 16, "mov %r3, %r6\nadd %r3, 8"), ctx);
        assertEquals(0, r.r0());
        assertArrayEquals(Arrays.copyOfRange(ctx, 8, 24), Arrays.copyOf(r.dst(), 16));
        assertArrayEquals(ff(16), Arrays.copyOfRange(r.dst(), 16, 32), "only size bytes are written");

        r = run(program(id, 15, "lddw %r3, mapvalue:OTHER+0"), ctx);
        assertEquals(0, r.r0(), "another map's value is readable memory too");
        assertEquals("other map value", new String(r.dst(), 0, 15, StandardCharsets.US_ASCII));
    }

    @ParameterizedTest(name = "helper {0}")
    @ValueSource(ints = {4, 112, 113})
    void probeReadFaultZeroesTheDestinationAndAnswersEfault(int id) {
        Result r = run(program(id, 24, "mov %r3, 0"), ctxWith(0, ""));
        assertEquals(Errno.EFAULT.negative(), r.r0(), "NULL");
        assertArrayEquals(new byte[24], Arrays.copyOf(r.dst(), 24), "the whole destination is zeroed");
        assertArrayEquals(ff(8), Arrays.copyOfRange(r.dst(), 24, 32));

        r = run(program(id, 8, "mov %r3, %r6\nadd %r3, 60"), ctxWith(0, ""));
        assertEquals(Errno.EFAULT.negative(), r.r0(), "4 of 8 bytes beyond the context's end");
        assertArrayEquals(new byte[8], Arrays.copyOf(r.dst(), 8));

        r = run(program(id, 8, "lddw %r3, 0x12345678"), ctxWith(0, ""));
        assertEquals(Errno.EFAULT.negative(), r.r0(), "an address in no region");

        r = run(program(id, 0, "mov %r3, 0"), ctxWith(0, ""));
        assertEquals(0, r.r0(), "size 0 reads nothing, even from NULL");
        assertArrayEquals(ff(32), r.dst());
    }

    @ParameterizedTest(name = "helper {0}")
    @ValueSource(ints = {45, 114, 115})
    void probeReadStrCopiesUpToTheNulAndAnswersTheLengthWithIt(int id) {
        Result r = run(program(id, 16, "mov %r3, %r6\nadd %r3, 4"), ctxWith(4, "hello\0"));
        assertEquals(6, r.r0());
        assertEquals("hello", HelperRuntime.cString(r.dst(), 0));
        assertEquals(0, r.dst()[5]);
        assertArrayEquals(ff(26), Arrays.copyOfRange(r.dst(), 6, 32), "bytes after the NUL are left alone");

        r = run(program(id, 4, "mov %r3, %r6\nadd %r3, 4"), ctxWith(4, "hello\0"));
        assertEquals(4, r.r0(), "cut to size - 1 bytes and a NUL");
        assertEquals("hel", HelperRuntime.cString(r.dst(), 0));
        assertEquals(0, r.dst()[3]);
        assertEquals(-1, r.dst()[4]);

        r = run(program(id, 32, "mov %r3, %r6\nadd %r3, 58"), ctxWith(58, "abcd\0"));
        assertEquals(5, r.r0(), "a string ending just before the region's end: only its bytes must be readable");
        assertEquals("abcd", HelperRuntime.cString(r.dst(), 0));

        r = run(program(id, 1, "mov %r3, %r6"), ctxWith(0, "xyz\0"));
        assertEquals(1, r.r0(), "size 1: just the NUL");
        assertEquals(0, r.dst()[0]);
    }

    @ParameterizedTest(name = "helper {0}")
    @ValueSource(ints = {45, 114, 115})
    void probeReadStrFaultZeroesTheDestinationAndAnswersEfault(int id) {
        Result r = run(program(id, 16, "mov %r3, %r6\nadd %r3, 60"), ctxWith(60, "abcd"));
        assertEquals(Errno.EFAULT.negative(), r.r0(), "the string runs off the end of its region");
        assertArrayEquals(new byte[16], Arrays.copyOf(r.dst(), 16));
        assertArrayEquals(ff(16), Arrays.copyOfRange(r.dst(), 16, 32));

        r = run(program(id, 16, "mov %r3, 0"), ctxWith(0, ""));
        assertEquals(Errno.EFAULT.negative(), r.r0(), "NULL");
        assertArrayEquals(new byte[16], Arrays.copyOf(r.dst(), 16));

        r = run(program(id, 0, "mov %r3, 0"), ctxWith(0, ""));
        assertEquals(0, r.r0(), "size 0");
    }

    @ParameterizedTest(name = "helper {0}")
    @ValueSource(ints = {4, 112, 113})
    void largeReadsBetweenMapValues(int id) {
        int size = 100_000;
        int from = k.map(MapType.ARRAY, 4, size, 1);
        int to = k.map(MapType.ARRAY, 4, size, 1);
        byte[] data = new byte[size];
        new java.util.Random(6).nextBytes(data);
        k.bpf.mapUpdate(from, HelperRuntime.le32(0), data, 0);
        ProgInfo p = k.load(ProgType.KPROBE, "big" + id, """
                lddw %r1, mapvalue:TO+0
                mov %r2, SIZE
                lddw %r3, mapvalue:FROM+0
                call ID
                exit
                """.replace("TO", Integer.toString(to)).replace("FROM", Integer.toString(from))
                .replace("SIZE", Integer.toString(size)).replace("ID", Integer.toString(id)));
        for (int round = 0; round < 2; round++) {
            assertEquals(0, k.run(p));
            assertArrayEquals(data, k.lookup(to, 0));
            data[round] ^= 1;
            k.bpf.mapUpdate(from, HelperRuntime.le32(0), data, 0);
        }
    }
}
