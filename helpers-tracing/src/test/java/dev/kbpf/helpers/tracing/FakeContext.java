package dev.kbpf.helpers.tracing;

import dev.kbpf.spi.CallContext;
import dev.kbpf.spi.HelperServices;
import dev.kbpf.spi.MemoryAccessException;
import dev.kbpf.spi.ProgRef;
import java.util.ArrayList;
import java.util.List;

/**
 * A call context over one array of memory at {@link #BASE}, for unit tests of helper bodies
 * outside a runtime; its services record trace lines and run callbacks through
 * {@link #callbacks}, everything else answers -ENOTSUPP.
 */
final class FakeContext implements CallContext {
    static final long BASE = 0x7_0000_0000L;
    final byte[] memory;
    final List<String> traceLines = new ArrayList<>();
    /** What {@code callback} runs; null: -ENOTSUPP. */
    Callback callbacks;

    interface Callback {
        long call(long function, long r1, long r2);
    }

    FakeContext(int size) { this.memory = new byte[size]; }

    private int offset(long addr, int len) {
        long off = addr - BASE;
        if (addr < BASE || off + len > memory.length || len < 0) throw new MemoryAccessException(addr, len, "no memory at 0x" + Long.toHexString(addr));
        return (int) off;
    }

    /** Puts bytes at an address; answers it. */
    long put(long addr, byte[] bytes) {
        System.arraycopy(bytes, 0, memory, offset(addr, bytes.length), bytes.length);
        return addr;
    }

    @Override public void read(long addr, byte[] dst, int dstOff, int len) { System.arraycopy(memory, offset(addr, len), dst, dstOff, len); }

    @Override public void write(long addr, byte[] src, int srcOff, int len) { System.arraycopy(src, srcOff, memory, offset(addr, len), len); }

    @Override
    public long load(long addr, int size) {
        int o = offset(addr, size);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) v = v << 8 | (memory[o + i] & 0xff);
        return v;
    }

    @Override
    public void store(long addr, int size, long value) {
        int o = offset(addr, size);
        for (int i = 0; i < size; i++) memory[o + i] = (byte) (value >>> (8 * i));
    }

    @Override public <T> T unwrap(Class<T> type) { return null; }

    @Override
    public HelperServices services() {
        return new HelperServices() {
            private static final long ENOTSUPP = -524;
            @Override public long mapLookup(CallContext c, long m, long k) { return 0; }
            @Override public long mapUpdate(CallContext c, long m, long k, long v, long f) { return ENOTSUPP; }
            @Override public long mapDelete(CallContext c, long m, long k) { return ENOTSUPP; }
            @Override public long ringbufOutput(CallContext c, long m, long d, long s, long f) { return ENOTSUPP; }
            @Override public long ringbufReserve(CallContext c, long m, long s, long f) { return 0; }
            @Override public void ringbufSubmit(CallContext c, long r, long f) {}
            @Override public void ringbufDiscard(CallContext c, long r, long f) {}
            @Override public long ringbufQuery(CallContext c, long m, long f) { return 0; }
            @Override public long perfEventOutput(CallContext c, long m, long f, long d, long s) { return ENOTSUPP; }
            @Override public long tailCall(CallContext c, long a, long i) { return ENOTSUPP; }
            @Override public long callback(CallContext c, long fn, long r1, long r2, long r3, long r4, long r5) {
                return callbacks == null ? ENOTSUPP : callbacks.call(fn, r1, r2);
            }
            @Override public int cpu() { return 0; }
            @Override public int cpuCount() { return 1; }
            @Override public ProgRef program(CallContext c) { return new ProgRef(0, "", ""); }
            @Override public void tracePrintk(CallContext c, String text) { traceLines.add(text); }
        };
    }
}
