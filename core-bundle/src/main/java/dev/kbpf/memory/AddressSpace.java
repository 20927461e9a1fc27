package dev.kbpf.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The memory one execution of a program sees: a few per-execution regions under small ids
 * (context, stack frames, raw memory) and, for every other id, the shared {@link RegionTable}.
 *
 * <p>Every access is checked against exactly one region: the whole access must lie inside it,
 * stores and atomics need a writable region, atomics need an address aligned to their size.
 * Anything else raises {@link MemoryFault} — never an array index exception. Plain accesses may be
 * misaligned (BPF allows it; x86 does it). Atomics are real atomics on the backing array, so two
 * threads adding to one map value lose nothing.
 *
 * <p>Not thread-safe itself: one address space per running thread (the regions it reaches may
 * be shared). Small methods, so the JVM inlines them into the interpreter loop.
 */
public final class AddressSpace {
    /** Ids below this are per-execution; the shared table hands out ids from here on. */
    public static final int LOCAL_SLOTS = 16;
    /** The program's context (r1 on entry for most program types). */
    public static final int CONTEXT_ID = 1;
    /** Stack frame {@code n} (0 = the program's own, 1..7 = local calls) is id {@code STACK_ID_BASE + n}. */
    public static final int STACK_ID_BASE = 2;
    /** How many stack frame ids exist: Linux's MAX_CALL_FRAMES. */
    public static final int MAX_FRAMES = 8;
    /** First per-execution id free for other uses (raw memory, packet data); ids up to {@code CODE_ID - 1}. */
    public static final int FIRST_EXTRA_ID = STACK_ID_BASE + MAX_FRAMES;
    /**
     * Code addresses: {@code Address.of(CODE_ID, slot)} names instruction slot {@code slot} of the
     * running program (what {@code lddw} pseudo func loads, for callbacks). No region is ever
     * attached here, so loading or storing through a code address faults.
     */
    public static final int CODE_ID = LOCAL_SLOTS - 1;

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Region[] locals = new Region[LOCAL_SLOTS];
    private final RegionTable shared;

    /** An address space whose ids from {@link #LOCAL_SLOTS} on resolve in {@code shared}. */
    public AddressSpace(RegionTable shared) {
        this.shared = Objects.requireNonNull(shared, "shared");
        java.util.Arrays.fill(locals, Region.UNMAPPED);
    }

    /** An address space with only per-execution regions. */
    public AddressSpace() { this(new RegionTable()); }

    public RegionTable shared() { return shared; }

    /** Puts {@code region} under per-execution id {@code id} (1..15) and returns the address of its first byte. */
    public long attach(int id, Region region) {
        if (id <= 0 || id >= CODE_ID) throw new IllegalArgumentException("per-execution region ids are 1.." + (CODE_ID - 1) + ", not " + id);
        locals[id] = Objects.requireNonNull(region, "region");
        return Address.of(id, 0);
    }

    /** Removes the per-execution region {@code id}; its addresses fault afterwards. */
    public void detach(int id) {
        if (id <= 0 || id >= LOCAL_SLOTS) throw new IllegalArgumentException("per-execution region ids are 1.." + (LOCAL_SLOTS - 1) + ", not " + id);
        locals[id] = Region.UNMAPPED;
    }

    /** The region an id names, or {@code null}. */
    public Region region(int id) {
        Region r = (id & -LOCAL_SLOTS) == 0 ? locals[id] : shared.get(id);
        return r == Region.UNMAPPED ? null : r;
    }

    /** The region of {@code addr}, or {@link Region#UNMAPPED}: never null, so the hot path needs no null check. */
    private Region at(long addr) {
        int id = (int) (addr >>> 32);
        return (id & -LOCAL_SLOTS) == 0 ? locals[id] : shared.at(id);
    }

    /** The region holding all of {@code [addr, addr+size)} for reading, or a fault. */
    public Region readable(long addr, int size) {
        Region r = at(addr);
        r.readIndex(addr, size);
        return r;
    }

    /** The region holding all of {@code [addr, addr+size)} for writing, or a fault. */
    public Region writable(long addr, int size) {
        Region r = at(addr);
        r.writeIndex(addr, size);
        return r;
    }

    /** The array index for an atomic of {@code size} bytes at {@code addr} in {@code r}: writable and aligned. */
    private static int atomicIndex(Region r, long addr, int size) {
        int off = (int) addr;
        if (off < 0 || off > r.size() - size || r.readOnly() || ((r.base + off) & (size - 1)) != 0) {
            throw fault(addr, size, AccessKind.ATOMIC, r);
        }
        return r.base + off;
    }

    /** The fault for an access {@code r} does not allow ({@code r} may be {@link Region#UNMAPPED}). */
    static MemoryFault fault(long addr, int size, AccessKind kind, Region r) {
        if (r == Region.UNMAPPED) r = null;
        String reason;
        if (r == null) {
            int id = Address.regionId(addr);
            reason = id == 0 ? "NULL pointer (region 0)" : id == CODE_ID ? "a code address is not data" : "no such region";
        } else if (Address.offset(addr) + size > r.size()) {
            reason = Address.offset(addr) >= r.size() ? "outside " + r : "crosses the end of " + r;
        } else if (r.readOnly() && kind != AccessKind.READ) {
            reason = r + " is read-only";
        } else {
            reason = "misaligned: atomics need an address aligned to " + size + " bytes";
        }
        return new MemoryFault(addr, size, kind, reason);
    }

    // ---- plain loads: zero-extended to 64 bits

    public long load8(long addr) {
        Region r = at(addr);
        return r.bytes[r.readIndex(addr, 1)] & 0xffL;
    }

    public long load16(long addr) {
        Region r = at(addr);
        return (short) I16.get(r.bytes, r.readIndex(addr, 2)) & 0xffffL;
    }

    public long load32(long addr) {
        Region r = at(addr);
        return (int) I32.get(r.bytes, r.readIndex(addr, 4)) & 0xffffffffL;
    }

    public long load64(long addr) {
        Region r = at(addr);
        return (long) I64.get(r.bytes, r.readIndex(addr, 8));
    }

    /** A load of {@code size} = 1, 2, 4 or 8 bytes, zero-extended. */
    public long load(long addr, int size) {
        return switch (size) {
            case 1 -> load8(addr);
            case 2 -> load16(addr);
            case 4 -> load32(addr);
            case 8 -> load64(addr);
            default -> throw new IllegalArgumentException("access size must be 1, 2, 4 or 8, not " + size);
        };
    }

    // ---- plain stores: the low bytes of value

    public void store8(long addr, long value) {
        Region r = at(addr);
        r.bytes[r.writeIndex(addr, 1)] = (byte) value;
    }

    public void store16(long addr, long value) {
        Region r = at(addr);
        I16.set(r.bytes, r.writeIndex(addr, 2), (short) value);
    }

    public void store32(long addr, long value) {
        Region r = at(addr);
        I32.set(r.bytes, r.writeIndex(addr, 4), (int) value);
    }

    public void store64(long addr, long value) {
        Region r = at(addr);
        I64.set(r.bytes, r.writeIndex(addr, 8), value);
    }

    /** A store of {@code size} = 1, 2, 4 or 8 bytes. */
    public void store(long addr, int size, long value) {
        switch (size) {
            case 1 -> store8(addr, value);
            case 2 -> store16(addr, value);
            case 4 -> store32(addr, value);
            case 8 -> store64(addr, value);
            default -> throw new IllegalArgumentException("access size must be 1, 2, 4 or 8, not " + size);
        }
    }

    // ---- atomics (RFC 9669 section 5.3): the old value is returned, 32-bit ones zero-extended

    public long fetchAdd32(long addr, long v) {
        Region r = at(addr);
        return (int) I32.getAndAdd(r.bytes, atomicIndex(r, addr, 4), (int) v) & 0xffffffffL;
    }

    public long fetchAdd64(long addr, long v) {
        Region r = at(addr);
        return (long) I64.getAndAdd(r.bytes, atomicIndex(r, addr, 8), v);
    }

    public long fetchAnd32(long addr, long v) {
        Region r = at(addr);
        return (int) I32.getAndBitwiseAnd(r.bytes, atomicIndex(r, addr, 4), (int) v) & 0xffffffffL;
    }

    public long fetchAnd64(long addr, long v) {
        Region r = at(addr);
        return (long) I64.getAndBitwiseAnd(r.bytes, atomicIndex(r, addr, 8), v);
    }

    public long fetchOr32(long addr, long v) {
        Region r = at(addr);
        return (int) I32.getAndBitwiseOr(r.bytes, atomicIndex(r, addr, 4), (int) v) & 0xffffffffL;
    }

    public long fetchOr64(long addr, long v) {
        Region r = at(addr);
        return (long) I64.getAndBitwiseOr(r.bytes, atomicIndex(r, addr, 8), v);
    }

    public long fetchXor32(long addr, long v) {
        Region r = at(addr);
        return (int) I32.getAndBitwiseXor(r.bytes, atomicIndex(r, addr, 4), (int) v) & 0xffffffffL;
    }

    public long fetchXor64(long addr, long v) {
        Region r = at(addr);
        return (long) I64.getAndBitwiseXor(r.bytes, atomicIndex(r, addr, 8), v);
    }

    public long exchange32(long addr, long v) {
        Region r = at(addr);
        return (int) I32.getAndSet(r.bytes, atomicIndex(r, addr, 4), (int) v) & 0xffffffffL;
    }

    public long exchange64(long addr, long v) {
        Region r = at(addr);
        return (long) I64.getAndSet(r.bytes, atomicIndex(r, addr, 8), v);
    }

    /** Compares the 32-bit value at {@code addr} with the low half of {@code expected}, stores the low half of {@code v} if equal; returns the old value. */
    public long compareExchange32(long addr, long expected, long v) {
        Region r = at(addr);
        return (int) I32.compareAndExchange(r.bytes, atomicIndex(r, addr, 4), (int) expected, (int) v) & 0xffffffffL;
    }

    public long compareExchange64(long addr, long expected, long v) {
        Region r = at(addr);
        return (long) I64.compareAndExchange(r.bytes, atomicIndex(r, addr, 8), expected, v);
    }

    // ---- bulk copies, for helpers

    /** Copies {@code len} bytes at {@code addr} into {@code dst[dstOff..]}; the range must lie in one region. */
    public void read(long addr, byte[] dst, int dstOff, int len) {
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        if (len == 0) return;
        Region r = at(addr);
        System.arraycopy(r.bytes, r.readIndex(addr, len), dst, dstOff, len);
    }

    /** Copies {@code src[srcOff..srcOff+len)} to {@code addr}; the range must lie in one writable region. */
    public void write(long addr, byte[] src, int srcOff, int len) {
        Objects.checkFromIndexSize(srcOff, len, src.length);
        if (len == 0) return;
        Region r = at(addr);
        System.arraycopy(src, srcOff, r.bytes, r.writeIndex(addr, len), len);
    }
}
