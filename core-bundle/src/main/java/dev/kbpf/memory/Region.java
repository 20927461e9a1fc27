package dev.kbpf.memory;

import java.util.Objects;

/**
 * A contiguous slice {@code bytes[base, base+size)} that BPF addresses {@code (id, 0..size-1)}
 * name. The array is shared, not copied: a map registers its own value array and sees the
 * program's stores at once. Immutable; a record so the JIT compiler trusts its fields.
 *
 * @param kind     what the region holds
 * @param name     for fault messages and logs ({@code "stack frame 0"}, {@code "map counts"})
 * @param bytes    the backing array, little-endian
 * @param base     index in {@code bytes} of offset 0; a multiple of 8 for atomics to work on it
 * @param size     the number of addressable bytes
 * @param readOnly whether stores and atomics fault
 */
public record Region(RegionKind kind, String name, byte[] bytes, int base, int size, boolean readOnly) {

    public Region {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bytes, "bytes");
        if (base < 0 || size < 0 || base > bytes.length - size) {
            throw new IllegalArgumentException("region " + name + " [" + base + ", +" + size + ") does not fit in an array of "
                    + bytes.length + " bytes");
        }
    }

    /** A writable region covering the whole array. */
    public static Region of(RegionKind kind, String name, byte[] bytes) {
        return new Region(kind, name, bytes, 0, bytes.length, false);
    }

    @Override
    public String toString() {
        return name + " (" + kind + ", " + size + " bytes" + (readOnly ? ", read-only" : "") + ")";
    }
}
