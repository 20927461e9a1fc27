package dev.kbpf.memory;

import java.util.Objects;

/**
 * A contiguous slice {@code bytes[base, base+size)} that BPF addresses {@code (id, 0..size-1)}
 * name. The array is shared, not copied: a map registers its own value array and sees the
 * program's stores at once. Immutable.
 *
 * <p>The checks of {@link #readIndex} and {@link #writeIndex} are one comparison each (a
 * read-only region simply has no writable bytes), and both methods stay under HotSpot's 35-byte
 * limit for inlining call sites it does not consider hot: in an interpreter loop shared by many
 * programs, every memory access must inline to be fast.
 */
public final class Region {
    /** What id 0, unattached ids and unregistered ids resolve to: no addressable byte. */
    static final Region UNMAPPED = new Region(RegionKind.RAW, "no region", new byte[0], 0, 0, true);

    private final RegionKind kind;
    private final String name;
    final byte[] bytes;
    final int base;
    private final int size;
    private final int writableSize;
    private final boolean readOnly;

    /**
     * @param kind     what the region holds
     * @param name     for fault messages and logs ({@code "stack frame 0"}, {@code "map counts"})
     * @param bytes    the backing array, little-endian
     * @param base     index in {@code bytes} of offset 0; a multiple of 8 for atomics to work on it
     * @param size     the number of addressable bytes
     * @param readOnly whether stores and atomics fault
     */
    public Region(RegionKind kind, String name, byte[] bytes, int base, int size, boolean readOnly) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = Objects.requireNonNull(name, "name");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        if (base < 0 || size < 0 || base > bytes.length - size) {
            throw new IllegalArgumentException("region " + name + " [" + base + ", +" + size + ") does not fit in an array of "
                    + bytes.length + " bytes");
        }
        this.base = base;
        this.size = size;
        this.writableSize = readOnly ? 0 : size;
        this.readOnly = readOnly;
    }

    /** A writable region covering the whole array. */
    public static Region of(RegionKind kind, String name, byte[] bytes) {
        return new Region(kind, name, bytes, 0, bytes.length, false);
    }

    public RegionKind kind() { return kind; }
    public String name() { return name; }
    public byte[] bytes() { return bytes; }
    public int base() { return base; }
    public int size() { return size; }
    public boolean readOnly() { return readOnly; }

    /**
     * The array index of the {@code n} bytes at {@code addr} (whose low 32 bits are the offset),
     * or a {@link MemoryFault} if they are not all inside this region. An offset of 2^31 or more
     * is negative as an int and faults: no region is that large.
     */
    int readIndex(long addr, int n) {
        int off = (int) addr;
        if (off < 0 || off > size - n) throw readFault(addr, n);
        return base + off;
    }

    /** As {@link #readIndex} for a store: a read-only region has no writable byte. */
    int writeIndex(long addr, int n) {
        int off = (int) addr;
        if (off < 0 || off > writableSize - n) throw writeFault(addr, n);
        return base + off;
    }

    // out of line, so the index checks stay small enough to inline
    private MemoryFault readFault(long addr, int n) { return AddressSpace.fault(addr, n, AccessKind.READ, this); }

    private MemoryFault writeFault(long addr, int n) { return AddressSpace.fault(addr, n, AccessKind.WRITE, this); }

    @Override
    public String toString() {
        return name + " (" + kind + ", " + size + " bytes" + (readOnly() ? ", read-only" : "") + ")";
    }
}
