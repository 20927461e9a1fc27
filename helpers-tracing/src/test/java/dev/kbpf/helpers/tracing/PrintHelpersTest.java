package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.TraceRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bpf_trace_printk (6) to the trace pipe and bpf_snprintf (165) into program memory, from verified programs. */
class PrintHelpersTest {
    private HelperRuntime k;

    @AfterEach
    void close() { if (k != null) k.close(); }

    /** trace_printk(fmt on the stack, fmtSize, 42, 0xbeef, pointer to "abc" on the stack). */
    private ProgInfo printk(String fmt, int fmtSize) {
        return k.load(ProgType.TRACEPOINT, "printk", HelperRuntime.stackString(fmt, 72) + HelperRuntime.stackString("abc", 8) + """
                mov %r1, %r10
                add %r1, -72
                mov %r2, SIZE
                mov %r3, 42
                mov %r4, 0xbeef
                mov %r5, %r10
                add %r5, -8
                call 6
                exit
                """.replace("SIZE", Integer.toString(fmtSize)));
    }

    @ParameterizedTest(name = "jit={0}")
    @ValueSource(booleans = {true, false})
    void tracePrintkWritesALineToTheTracePipe(boolean jit) {
        k = new HelperRuntime(jit);
        String fmt = "n=%d x=%x s=%s\n";
        ProgInfo p = printk(fmt, HelperRuntime.stackSize(fmt));
        long before = k.machine.uptimeNanos();
        long r0 = k.run(p);
        assertEquals("n=42 x=beef s=abc\n".length(), r0, "the length of the formatted text");
        List<TraceRecord> lines = k.traceLines();
        assertEquals(1, lines.size(), lines.toString());
        TraceRecord line = lines.get(0);
        assertEquals("n=42 x=beef s=abc", line.message(), "the trailing newline ends the line");
        assertEquals(Thread.currentThread().getId(), line.pid());
        assertTrue(line.uptimeNanos() >= before, "stamped with the machine's uptime");
        assertTrue(line.format().endsWith("bpf_trace_printk: n=42 x=beef s=abc"), line.format());
    }

    @Test
    void tracePrintkRefusesWhatLinuxRefusesAndPrintsNothing() {
        k = new HelperRuntime();
        assertEquals(Errno.EINVAL.negative(), k.run(printk("bad %q\n", HelperRuntime.stackSize("bad %q\n"))));
        String four = "%d %d %d %d";
        assertEquals(Errno.EINVAL.negative(), k.run(printk(four, HelperRuntime.stackSize(four))), "at most 3 values");
        assertEquals(Errno.EINVAL.negative(), k.run(printk("abcd", 4)), "no NUL within fmt_size");
        assertTrue(k.traceLines().isEmpty());
        assertEquals(5, k.run(printk("abcd\n", 6)));
        assertEquals("abcd", k.traceLines().get(0).message());
    }

    @Test
    void tracePrintkKeepsAtMost1023BytesButAnswersTheFullLength() {
        k = new HelperRuntime();
        String fmt = "%2000d";
        assertEquals(2000, k.run(printk(fmt, HelperRuntime.stackSize(fmt))));
        String msg = k.traceLines().get(0).message();
        assertEquals(1023, msg.length());
        assertTrue(msg.isBlank());
    }

    @Test
    void tracePrintkCanBeCalledWithFewerValuesThanItTakes() {
        k = new HelperRuntime();
        // r3..r5 never set: Linux's prototype declares only fmt and fmt_size
        String fmt = "hello\n";
        ProgInfo p = k.load(ProgType.TRACEPOINT, "hello", HelperRuntime.stackString(fmt, 8) + """
                mov %r1, %r10
                add %r1, -8
                mov %r2, 7
                call 6
                exit
                """);
        assertEquals(6, k.run(p));
        assertEquals("hello", k.traceLines().get(0).message());
    }

    // ------------------------------------------------------------------ snprintf

    /** A frozen, program-read-only map holding the format (libbpf's .rodata): what ARG_PTR_TO_CONST_STR needs. */
    private int rodata(String text) {
        byte[] b = (text + "\0").getBytes(StandardCharsets.US_ASCII);
        return k.bpf.mapCreateGlobalData(MapAttr.of(MapType.ARRAY, 4, b.length, 1)
                .withFlags(MapFlags.BPF_F_RDONLY_PROG).withName(".rodata"), b, true).id();
    }

    /**
     * snprintf(out map value, size, fmt, data = {-5, 255, &"xyz"} on the stack, dataLen).
     * {@code out} is a 48-byte array value, filled with '#' first.
     */
    private ProgInfo snprintf(int out, int rodata, int size, int dataLen) {
        return k.load(ProgType.TRACEPOINT, "snprintf", HelperRuntime.stackString("xyz", 32) + """
                stdw [%r10-24], -5
                stdw [%r10-16], 255
                mov %r1, %r10
                add %r1, -32
                stxdw [%r10-8], %r1
                lddw %r1, mapvalue:OUT+0
                mov %r2, SIZE
                lddw %r3, mapvalue:RODATA+0
                mov %r4, %r10
                add %r4, -24
                mov %r5, LEN
                call 165
                exit
                """.replace("OUT", Integer.toString(out)).replace("RODATA", Integer.toString(rodata))
                .replace("SIZE", Integer.toString(size)).replace("LEN", Integer.toString(dataLen)));
    }

    private int outMap() {
        int out = k.map(MapType.ARRAY, 4, 48, 1);
        byte[] hashes = new byte[48];
        Arrays.fill(hashes, (byte) '#');
        k.bpf.mapUpdate(out, HelperRuntime.le32(0), hashes, 0);
        return out;
    }

    @ParameterizedTest(name = "jit={0}")
    @ValueSource(booleans = {true, false})
    void snprintfFormatsTheDataArrayIntoMemory(boolean jit) {
        k = new HelperRuntime(jit);
        int out = outMap();
        String text = "a=-5 b=ff s=xyz";
        ProgInfo p = snprintf(out, rodata("a=%d b=%x s=%s"), 48, 24);
        assertEquals(text.length() + 1, k.run(p), "the length with the NUL");
        byte[] v = k.lookup(out, 0);
        assertEquals(text, HelperRuntime.cString(v, 0));
        assertEquals('#', v[text.length() + 1], "nothing written after the NUL");
    }

    @Test
    void snprintfCutsToTheSizeButAnswersTheFullLength() {
        k = new HelperRuntime();
        int out = outMap();
        ProgInfo p = snprintf(out, rodata("a=%d b=%x s=%s"), 8, 24);
        assertEquals("a=-5 b=ff s=xyz".length() + 1, k.run(p));
        byte[] v = k.lookup(out, 0);
        assertEquals("a=-5 b=", HelperRuntime.cString(v, 0));
        assertEquals(0, v[7]);
        assertEquals('#', v[8]);
    }

    @Test
    void snprintfWithNullAndSizeZeroOnlyMeasures() {
        k = new HelperRuntime();
        int ro = rodata("value %lu");
        ProgInfo p = k.load(ProgType.TRACEPOINT, "measure", """
                stdw [%r10-8], -1
                mov %r1, 0
                mov %r2, 0
                lddw %r3, mapvalue:RO+0
                mov %r4, %r10
                add %r4, -8
                mov %r5, 8
                call 165
                exit
                """.replace("RO", Integer.toString(ro)));
        assertEquals("value 18446744073709551615".length() + 1, k.run(p));
    }

    @Test
    void snprintfRefusesBadDataLengthsAndFormats() {
        k = new HelperRuntime();
        int out = outMap();
        assertEquals(Errno.EINVAL.negative(), k.run(snprintf(out, rodata("a=%d b=%x s=%s"), 48, 20)), "data_len not a multiple of 8");
        assertEquals(Errno.EINVAL.negative(), k.run(snprintf(out, rodata("a=%d b=%x s=%s"), 48, 16)), "three conversions, two values");
        assertEquals(Errno.EINVAL.negative(), k.run(snprintf(out, rodata("a=%y"), 48, 24)), "unknown conversion");
        byte[] untouched = new byte[48];
        Arrays.fill(untouched, (byte) '#');
        assertArrayEquals(untouched, k.lookup(out, 0), "a refused call writes nothing");
        assertEquals("-5 255".length() + 1, k.run(snprintf(out, rodata("%ld %lu"), 48, 16)));
        assertEquals("-5 255", HelperRuntime.cString(k.lookup(out, 0), 0));
        ProgInfo tooMany = k.load(ProgType.TRACEPOINT, "toomany", """
                mov %r1, 0
                mov %r2, 0
                lddw %r3, mapvalue:RO+0
                mov %r4, %r10
                add %r4, -104
                mov %r5, 104
                """.replace("RO", Integer.toString(rodata("x"))) + zeroStack(104) + "call 165\nexit\n");
        assertEquals(Errno.EINVAL.negative(), k.run(tooMany), "13 values: more than MAX_BPRINTF_VARARGS");
    }

    private static String zeroStack(int bytes) {
        StringBuilder sb = new StringBuilder();
        for (int off = 8; off <= bytes; off += 8) sb.append("stdw [%r10-").append(off).append("], 0\n");
        return sb.toString();
    }
}
