package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.maps.RingBuffer;
import dev.kbpf.maps.RingbufMap;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The helpers as clang-compiled libbpf programs combine them: pointers into ring buffer records
 * and map values at offsets, formats in .rodata, sizes bounded by the program, unprivileged
 * socket filters. Each is a shape the verifier must accept.
 */
class IdiomsTest {
    private final HelperRuntime k = new HelperRuntime();

    @AfterEach
    void close() { k.close(); }

    private List<byte[]> drain(int ringbuf) {
        List<byte[]> out = new ArrayList<>();
        try (RingBuffer rb = new RingBuffer((RingbufMap) k.bpf.map(ringbuf), d -> {
            byte[] b = new byte[d.remaining()];
            d.duplicate().get(b);
            out.add(b);
            return 0;
        })) {
            rb.consume();
        }
        return out;
    }

    @Test
    void eventRecordFilledByHelpersInPlace() {
        // struct { u64 pid_tgid; char comm[16]; char name[32]; } *e = bpf_ringbuf_reserve(&rb, 56, 0);
        // e->pid_tgid = bpf_get_current_pid_tgid(); bpf_get_current_comm(e->comm, 16);
        // bpf_probe_read_kernel_str(e->name, 32, ctx + 8); bpf_ringbuf_submit(e, 0);
        int rb = k.map(MapType.RINGBUF, 0, 0, 4096);
        ProgInfo p = k.load(ProgType.TRACEPOINT, "event", """
                mov %r6, %r1
                lddw %r1, map:RB
                mov %r2, 56
                mov %r3, 0
                call 131
                jeq %r0, 0, +17
                mov %r7, %r0
                call 14
                stxdw [%r7+0], %r0
                mov %r1, %r7
                add %r1, 8
                mov %r2, 16
                call 16
                mov %r1, %r7
                add %r1, 24
                mov %r2, 32
                mov %r3, %r6
                add %r3, 8
                call 115
                mov %r1, %r7
                mov %r2, 0
                call 132
                mov %r0, 0
                exit
                """.replace("RB", Integer.toString(rb)));
        byte[] ctx = new byte[64];
        byte[] name = "org.example.bundle\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, ctx, 8, name.length);
        String thread = Thread.currentThread().getName();
        assertEquals(0, k.run(p, ctx));
        List<byte[]> events = drain(rb);
        assertEquals(1, events.size());
        byte[] e = events.get(0);
        assertEquals(ProcessHandle.current().pid() << 32 | Thread.currentThread().getId(), HelperRuntime.le64(e, 0));
        byte[] comm = thread.getBytes(StandardCharsets.UTF_8);
        assertEquals(new String(comm, 0, Math.min(15, comm.length), StandardCharsets.UTF_8), HelperRuntime.cString(e, 8));
        assertEquals("org.example.bundle", HelperRuntime.cString(e, 24));
    }

    @Test
    void bpfPrintkWithItsFormatInRodata() {
        byte[] fmt = "value %d from %s\n\0".getBytes(StandardCharsets.US_ASCII);
        int rodata = k.bpf.mapCreateGlobalData(MapAttr.of(MapType.ARRAY, 4, fmt.length, 1)
                .withFlags(MapFlags.BPF_F_RDONLY_PROG).withName(".rodata"), fmt, true).id();
        ProgInfo p = k.load(ProgType.TRACEPOINT, "printk", HelperRuntime.stackString("kbpf", 8) + """
                lddw %r1, mapvalue:RO+0
                mov %r2, LEN
                mov %r3, -7
                mov %r4, %r10
                add %r4, -8
                call 6
                exit
                """.replace("RO", Integer.toString(rodata)).replace("LEN", Integer.toString(fmt.length)));
        assertEquals("value -7 from kbpf\n".length(), k.run(p));
        assertEquals("value -7 from kbpf", k.traceLines().get(0).message());
    }

    @Test
    void stringLengthBoundsTheOutputSize() {
        // len = bpf_probe_read_kernel_str(buf, 64, ctx); if (len > 0 && len <= 64) bpf_ringbuf_output(&rb, buf, len, 0);
        int rb = k.map(MapType.RINGBUF, 0, 0, 4096);
        ProgInfo p = k.load(ProgType.TRACEPOINT, "strout", """
                mov %r3, %r1
                mov %r1, %r10
                add %r1, -64
                mov %r2, 64
                call 115
                jsle %r0, 0, +9
                jsgt %r0, 64, +8
                mov %r3, %r0
                lddw %r1, map:RB
                mov %r2, %r10
                add %r2, -64
                mov %r4, 0
                call 130
                exit
                mov %r0, -1
                exit
                """.replace("RB", Integer.toString(rb)));
        byte[] ctx = new byte[64];
        byte[] s = "hello ring\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, ctx, 0, s.length);
        assertEquals(0, k.run(p, ctx));
        List<byte[]> got = drain(rb);
        assertEquals(1, got.size());
        assertEquals(11, got.get(0).length, "the string and its NUL");
        assertEquals("hello ring", HelperRuntime.cString(got.get(0), 0));
    }

    @Test
    void helpersWriteIntoMapValuesAtAnOffset() {
        // u8 *v = bpf_map_lookup_elem(&m, &key); if (v) { bpf_probe_read_kernel(v + 8, 8, ctx); bpf_get_current_comm(v + 16, 16); }
        int m = k.map(MapType.HASH, 4, 32, 4);
        k.bpf.mapUpdate(m, HelperRuntime.le32(1), new byte[32], 0);
        ProgInfo p = k.load(ProgType.KPROBE, "offsets", """
                mov %r6, %r1
                stw [%r10-4], 1
                lddw %r1, map:M
                mov %r2, %r10
                add %r2, -4
                call 1
                jeq %r0, 0, +11
                mov %r7, %r0
                mov %r1, %r7
                add %r1, 8
                mov %r2, 8
                mov %r3, %r6
                call 113
                mov %r1, %r7
                add %r1, 16
                mov %r2, 16
                call 16
                mov %r0, 0
                exit
                """.replace("M", Integer.toString(m)));
        byte[] ctx = new byte[16];
        ByteBuffer.wrap(ctx).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, 0x1122334455667788L);
        assertEquals(0, k.run(p, ctx));
        byte[] v = k.lookup(m, 1);
        assertEquals(0x1122334455667788L, HelperRuntime.le64(v, 8));
        String name = Thread.currentThread().getName();
        assertTrue(name.startsWith(HelperRuntime.cString(v, 16)) && !HelperRuntime.cString(v, 16).isEmpty(), HelperRuntime.cString(v, 16));
    }

    @Test
    void unprivilegedSocketFiltersMayUseTheBaseHelpers() {
        k.sysctls.set("kernel.unprivileged_bpf_disabled", 0, Credentials.root());
        int m = k.map(MapType.ARRAY, 4, 8, 1);
        ProgInfo p = k.bpf.progLoad(ProgLoadAttr.of(ProgType.SOCKET_FILTER, "unpriv", HelperRuntime.asm("""
                call 5
                mov %r6, %r0
                call 7
                stw [%r10-4], 0
                lddw %r1, map:M
                mov %r2, %r10
                add %r2, -4
                call 1
                jeq %r0, 0, +1
                stxdw [%r0+0], %r6
                mov %r0, 0
                exit
                """.replace("M", Integer.toString(m)))).withCredentials(Credentials.none()));
        long before = System.nanoTime();
        assertEquals(0, k.run(p));
        assertTrue(k.lookupLong(m, 0) >= before);
    }
}
