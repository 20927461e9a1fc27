package dev.kbpf.elf;

import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked little-endian view of part of a byte array. Every read checks its range and
 * fails with an {@link ElfException} that names the slice, so that no malformed object can
 * cause an {@code ArrayIndexOutOfBoundsException}.
 */
public final class ByteSlice {
    private final byte[] data;
    private final int base;
    private final int length;
    private final String what;

    private ByteSlice(byte[] data, int base, int length, String what) {
        this.data = data;
        this.base = base;
        this.length = length;
        this.what = what;
    }

    /** A view of the whole array. */
    public static ByteSlice of(byte[] data, String what) {
        return new ByteSlice(data, 0, data.length, what);
    }

    /** A view of {@code [offset, offset + size)} of this slice, named {@code what}. */
    public ByteSlice slice(long offset, long size, String what) {
        if (offset < 0 || size < 0 || offset > length || size > length - offset) {
            throw new ElfException(what + ": range [" + offset + ", " + offset + "+" + size + ") is outside "
                    + this.what + " (" + length + " bytes)");
        }
        return new ByteSlice(data, base + (int) offset, (int) size, what);
    }

    public int length() { return length; }

    public String what() { return what; }

    private int at(long off, int n) {
        if (off < 0 || off > length - n) {
            throw new ElfException(what + ": read of " + n + " bytes at offset " + off + " is past its end (" + length + " bytes)");
        }
        return base + (int) off;
    }

    public int u8(long off) { return data[at(off, 1)] & 0xff; }

    public int u16(long off) {
        int p = at(off, 2);
        return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8;
    }

    public int s32(long off) {
        int p = at(off, 4);
        return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8 | (data[p + 2] & 0xff) << 16 | (data[p + 3] & 0xff) << 24;
    }

    public long u32(long off) { return s32(off) & 0xffffffffL; }

    public long u64(long off) {
        return u32(off) | ((long) s32(off + 4) << 32);
    }

    /** An unsigned 32-bit field that must fit in a Java int (sizes, offsets, counts). */
    public int u32AsInt(long off, String field) {
        long v = u32(off);
        if (v > Integer.MAX_VALUE) throw new ElfException(what + ": " + field + " " + v + " is too large");
        return (int) v;
    }

    /** An unsigned 64-bit field that must fit in a Java int. */
    public int u64AsInt(long off, String field) {
        long v = u64(off);
        if (v < 0 || v > Integer.MAX_VALUE) throw new ElfException(what + ": " + field + " " + Long.toUnsignedString(v) + " is too large");
        return (int) v;
    }

    /** A copy of {@code [off, off + n)}. */
    public byte[] bytes(long off, int n) {
        if (n < 0) throw new ElfException(what + ": negative length " + n);
        int p = at(off, n);
        byte[] out = new byte[n];
        System.arraycopy(data, p, out, 0, n);
        return out;
    }

    /** The NUL-terminated string at {@code off}; the NUL must lie inside this slice. */
    public String cString(long off) {
        int start = at(off, 0);
        if (off >= length) throw new ElfException(what + ": string offset " + off + " is past its end (" + length + " bytes)");
        int end = start;
        int limit = base + length;
        while (end < limit && data[end] != 0) end++;
        if (end == limit) throw new ElfException(what + ": string at offset " + off + " is not NUL-terminated");
        return new String(data, start, end - start, StandardCharsets.UTF_8);
    }
}
