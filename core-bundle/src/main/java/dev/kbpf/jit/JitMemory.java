package dev.kbpf.jit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Direct little-endian access to a byte array, for memory instructions whose region the JIT
 * knows at compile time (the stack frame behind {@code r10}, or what the verifier proved). The
 * generated code calls these tiny static methods; C2 inlines them to single machine loads and
 * stores, with no region look-up. Atomics are real atomics on the array, as in
 * {@link dev.kbpf.memory.AddressSpace}.
 */
final class JitMemory {
    private JitMemory() {}

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The index in the context's stack array of a stack address (frame n is region 2+n at n*512). */
    static int stackIndex(long addr) {
        return (((int) (addr >>> 32)) - dev.kbpf.memory.AddressSpace.STACK_ID_BASE) * dev.kbpf.exec.ExecutionContext.STACK_SIZE + (int) addr;
    }

    /**
     * What a memory site caches after a checked access found {@code r}: the span of offsets an
     * access of {@code size} bytes may start at, xor {@code Long.MIN_VALUE} (for an unsigned
     * compare by a signed one). Ring buffer records come and go during a run, so they are not
     * cached (span 0: every access is checked). Other regions live at least as long as the run.
     */
    static long cacheSpan(dev.kbpf.memory.Region r, int size) {
        long span = r.kind() == dev.kbpf.memory.RegionKind.RINGBUF ? 0 : r.size() - size + 1L;
        return span ^ Long.MIN_VALUE;
    }

    /** Stands for an absent context: no byte of it can be read. */
    private static final dev.kbpf.memory.Region NO_CONTEXT =
            new dev.kbpf.memory.Region(dev.kbpf.memory.RegionKind.CONTEXT, "no context", new byte[0], 0, 0, true);

    /** The context region of this run (never null: {@link #NO_CONTEXT} when none is attached). */
    static dev.kbpf.memory.Region context(dev.kbpf.memory.AddressSpace mem) {
        dev.kbpf.memory.Region r = mem.region(dev.kbpf.memory.AddressSpace.CONTEXT_ID);
        return r == null ? NO_CONTEXT : r;
    }

    static long load8(byte[] a, int i) { return a[i] & 0xffL; }
    static long load16(byte[] a, int i) { return (short) I16.get(a, i) & 0xffffL; }
    static long load32(byte[] a, int i) { return (int) I32.get(a, i) & 0xffffffffL; }
    static long load64(byte[] a, int i) { return (long) I64.get(a, i); }

    static void store8(byte[] a, int i, long v) { a[i] = (byte) v; }
    static void store16(byte[] a, int i, long v) { I16.set(a, i, (short) v); }
    static void store32(byte[] a, int i, long v) { I32.set(a, i, (int) v); }
    static void store64(byte[] a, int i, long v) { I64.set(a, i, v); }

    static long fetchAdd32(byte[] a, int i, long v) { return (int) I32.getAndAdd(a, i, (int) v) & 0xffffffffL; }
    static long fetchAnd32(byte[] a, int i, long v) { return (int) I32.getAndBitwiseAnd(a, i, (int) v) & 0xffffffffL; }
    static long fetchOr32(byte[] a, int i, long v) { return (int) I32.getAndBitwiseOr(a, i, (int) v) & 0xffffffffL; }
    static long fetchXor32(byte[] a, int i, long v) { return (int) I32.getAndBitwiseXor(a, i, (int) v) & 0xffffffffL; }
    static long exchange32(byte[] a, int i, long v) { return (int) I32.getAndSet(a, i, (int) v) & 0xffffffffL; }
    static long compareExchange32(byte[] a, int i, long expected, long v) {
        return (int) I32.compareAndExchange(a, i, (int) expected, (int) v) & 0xffffffffL;
    }

    static long fetchAdd64(byte[] a, int i, long v) { return (long) I64.getAndAdd(a, i, v); }
    static long fetchAnd64(byte[] a, int i, long v) { return (long) I64.getAndBitwiseAnd(a, i, v); }
    static long fetchOr64(byte[] a, int i, long v) { return (long) I64.getAndBitwiseOr(a, i, v); }
    static long fetchXor64(byte[] a, int i, long v) { return (long) I64.getAndBitwiseXor(a, i, v); }
    static long exchange64(byte[] a, int i, long v) { return (long) I64.getAndSet(a, i, v); }
    static long compareExchange64(byte[] a, int i, long expected, long v) { return (long) I64.compareAndExchange(a, i, expected, v); }
}
