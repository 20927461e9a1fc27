package dev.kbpf.maps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian access to map memory. Value slots are 8-byte aligned, so whole words are copied
 * with opaque (single-copy atomic) stores: a program or a Java reader never sees half of an
 * aligned 8-byte counter, even while a value is overwritten in place.
 */
final class Bytes {
    private Bytes() {}

    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** {@code round_up(n, 8)}. */
    static int roundUp8(int n) { return (n + 7) & ~7; }

    static int getInt(byte[] a, int off) { return (int) INT.get(a, off); }

    static long getLong(byte[] a, int off) { return (long) LONG.get(a, off); }

    static void putInt(byte[] a, int off, int v) { INT.set(a, off, v); }

    static void putLong(byte[] a, int off, long v) { LONG.set(a, off, v); }

    /**
     * Copies {@code len} bytes into a value slot at an 8-byte aligned {@code dstOff}: aligned words
     * with opaque stores, then the tail bytes. The source may be unaligned.
     */
    static void copyIntoSlot(byte[] src, int srcOff, byte[] dst, int dstOff, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            LONG.setOpaque(dst, dstOff + i, (long) LONG.get(src, srcOff + i));
        }
        for (; i < len; i++) dst[dstOff + i] = src[srcOff + i];
    }

    /** Copies {@code len} bytes out of a value slot, reading aligned words with opaque loads. */
    static void copyOutOfSlot(byte[] src, int srcOff, byte[] dst, int dstOff, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            LONG.set(dst, dstOff + i, (long) LONG.getOpaque(src, srcOff + i));
        }
        for (; i < len; i++) dst[dstOff + i] = src[srcOff + i];
    }

    /** Zeroes {@code len} bytes of a value slot with opaque word stores. */
    static void zeroSlot(byte[] dst, int dstOff, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) LONG.setOpaque(dst, dstOff + i, 0L);
        for (; i < len; i++) dst[dstOff + i] = 0;
    }

    /** The 64-bit finaliser of MurmurHash3: a fast mixer with good avalanche. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Hash of {@code len} key bytes with a seed. */
    static int hash(byte[] k, int off, int len, long seed) {
        long h = seed ^ (len * 0x9e3779b97f4a7c15L);
        int i = 0;
        for (; i + 8 <= len; i += 8) h = mix(h ^ (long) LONG.get(k, off + i)) + 0x9e3779b97f4a7c15L;
        if (i + 4 <= len) {
            h = mix(h ^ ((int) INT.get(k, off + i) & 0xffffffffL));
            i += 4;
        }
        for (; i < len; i++) h = mix(h ^ (k[off + i] & 0xffL));
        h = mix(h);
        return (int) (h ^ (h >>> 32));
    }
}
