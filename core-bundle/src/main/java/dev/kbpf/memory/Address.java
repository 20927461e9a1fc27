package dev.kbpf.memory;

/**
 * BPF addresses: region id in the high 32 bits, offset in the low 32 (DESIGN.md "Memory model").
 *
 * <p>Region id 0 is never assigned, so NULL and every small integer a program mistakes for a
 * pointer fault. Ids below {@link AddressSpace#LOCAL_SLOTS} belong to one execution (context,
 * stack frames); higher ids to the shared {@link RegionTable} (maps, ring buffers, rodata).
 */
public final class Address {
    private Address() {}

    /** The address of byte {@code offset} of region {@code regionId}. */
    public static long of(int regionId, int offset) {
        return ((long) regionId << 32) | (offset & 0xffffffffL);
    }

    /** The region id of an address (an unsigned 32-bit value held in an int). */
    public static int regionId(long address) { return (int) (address >>> 32); }

    /** The offset of an address inside its region (an unsigned 32-bit value). */
    public static long offset(long address) { return address & 0xffffffffL; }

    /** {@code region 3 + 0x10}: how faults and logs name an address. */
    public static String describe(long address) {
        return "region " + Integer.toUnsignedString(regionId(address)) + " + 0x" + Long.toHexString(offset(address));
    }
}
