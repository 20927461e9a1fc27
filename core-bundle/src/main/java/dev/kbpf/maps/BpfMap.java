package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;

/**
 * A BPF map: its attributes, the syscall face used from Java and the program face used by
 * helpers while programs run. Create maps with {@link MapFactory#create(MapAttr, int)}.
 *
 * <h2>Syscall face</h2>
 * {@link #lookup}, {@link #update}, {@link #delete} and {@link #getNextKey} take and return
 * copies, check sizes and flags and throw {@link BpfException} with Linux's errno: {@code EINVAL}
 * for a key or value of the wrong size or bad flags, {@code ENOENT} for a missing key,
 * {@code EEXIST}/{@code ENOENT} for {@code BPF_NOEXIST}/{@code BPF_EXIST}, {@code E2BIG} for a
 * full map or an index beyond {@code max_entries}, {@code EPERM} for writes to a
 * {@code BPF_F_RDONLY} map and reads of a {@code BPF_F_WRONLY} one, {@code ENOTSUPP} for
 * operations the map type does not have. A failed call changes nothing.
 * For per-CPU maps the value of the syscall face is every CPU's value, each in
 * {@link #valueSlotSize()} bytes, concatenated in CPU order ({@code Cpus.count()} of them).
 *
 * <h2>Program face</h2>
 * Keys and values are {@code (array, offset)} pairs in program memory; results are value
 * offsets into {@link #valueStorage(int)} (or -1) and {@code 0}/{@code -errno}. These methods
 * allocate nothing and never throw for bad input the verifier cannot rule out: the verifier has
 * already checked that {@code key_size}/{@code value_size} bytes are readable at the offsets.
 * For per-CPU maps, the offset returned by a lookup is valid in the storage of every CPU; the
 * program uses the one of {@link Cpus#current()}.
 */
public abstract sealed class BpfMap
        permits HashTabMap, ArrayMap, ProgArrayMap, PerfEventArrayMap, RingbufMap {

    private final int id;
    private final MapAttr attr;

    BpfMap(int id, MapAttr attr) {
        this.id = id;
        this.attr = attr;
    }

    /** The map id ({@code bpftool map show}). */
    public final int id() { return id; }

    public final MapAttr attr() { return attr; }

    public final MapType type() { return attr.type(); }

    public final int keySize() { return attr.keySize(); }

    public final int valueSize() { return attr.valueSize(); }

    public final int maxEntries() { return attr.maxEntries(); }

    public final int mapFlags() { return attr.mapFlags(); }

    public final String name() { return attr.name(); }

    /** {@code round_up(value_size, 8)}: the distance between two values in a storage array. */
    public final int valueSlotSize() { return Bytes.roundUp8(attr.valueSize()); }

    /** True for maps with one value per CPU. */
    public boolean isPerCpu() { return false; }

    /**
     * How many value storage arrays this map has: {@code Cpus.count()} for per-CPU maps, 1 for
     * hash and array maps and for the ring buffer's data area, 0 for maps whose values programs
     * never address (program and perf event arrays).
     */
    public int valueStorageCount() { return 1; }

    /**
     * The array that holds the values a program addresses: the CPU's array for per-CPU maps,
     * the only one otherwise (then {@code cpu} is ignored). The array never changes for the life
     * of the map, so it can be registered once as a memory region.
     *
     * @throws BpfException {@code ENOTSUPP} when the map has no value storage
     */
    public abstract byte[] valueStorage(int cpu);

    // ---------------------------------------------------------------- syscall face

    /** A copy of the value of {@code key}, or null when there is none. */
    public abstract byte[] lookup(byte[] key);

    /** Creates or updates the element of {@code key}; {@code flags} are {@code MapFlags.BPF_*}. */
    public abstract void update(byte[] key, byte[] value, long flags);

    /** Deletes the element of {@code key}; {@code ENOENT} when there is none. */
    public abstract void delete(byte[] key);

    /**
     * The key after {@code key} in this map's iteration order, the first key when {@code key} is
     * null or not in the map (as Linux does), or null at the end (Linux's {@code ENOENT}).
     */
    public abstract byte[] getNextKey(byte[] keyOrNull);

    // ---------------------------------------------------------------- program face

    /**
     * {@code bpf_map_lookup_elem}: the offset of the value of the key at {@code keyArr[keyOff..]}
     * in {@link #valueStorage(int)}, or -1 when there is none.
     */
    public abstract int lookupForProgram(byte[] keyArr, int keyOff);

    /** {@code bpf_map_update_elem}: 0, or {@code -errno}. */
    public abstract int updateFromProgram(byte[] keyArr, int keyOff, byte[] valueArr, int valueOff, long flags);

    /** {@code bpf_map_delete_elem}: 0, or {@code -errno}. */
    public abstract int deleteFromProgram(byte[] keyArr, int keyOff);

    // ---------------------------------------------------------------- shared checks

    final void checkKey(byte[] key) {
        if (key == null) throw new BpfException(Errno.EINVAL, "key is missing");
        if (key.length != keySize()) {
            throw new BpfException(Errno.EINVAL,
                    "key size " + key.length + " does not match the map's key_size " + keySize());
        }
    }

    /** The value size the syscall face expects: value_size, or a slot per CPU for per-CPU maps. */
    final int syscallValueSize() {
        return isPerCpu() ? valueSlotSize() * Cpus.count() : valueSize();
    }

    final void checkValue(byte[] value) {
        if (value == null) throw new BpfException(Errno.EINVAL, "value is missing");
        int expected = syscallValueSize();
        if (value.length != expected) {
            throw new BpfException(Errno.EINVAL, "value size " + value.length + " does not match "
                    + (isPerCpu() ? "round_up(value_size, 8) * nr_cpus = " : "the map's value_size ") + expected);
        }
    }

    final void checkReadable() {
        if ((mapFlags() & MapFlags.BPF_F_WRONLY) != 0) {
            throw new BpfException(Errno.EPERM, "map '" + name() + "' is write-only (BPF_F_WRONLY)");
        }
    }

    final void checkWritable() {
        if ((mapFlags() & MapFlags.BPF_F_RDONLY) != 0) {
            throw new BpfException(Errno.EPERM, "map '" + name() + "' is read-only (BPF_F_RDONLY)");
        }
    }

    /** The checks Linux's hash and array maps make on update flags. */
    static void checkUpdateFlags(long flags) {
        if ((flags & ~MapFlags.BPF_F_LOCK) > MapFlags.BPF_EXIST || flags < 0) {
            throw new BpfException(Errno.EINVAL, "invalid update flags 0x" + Long.toHexString(flags));
        }
        if ((flags & MapFlags.BPF_F_LOCK) != 0) {
            throw new BpfException(Errno.EINVAL, "BPF_F_LOCK needs a bpf_spin_lock in the map value, described by BTF");
        }
    }

    /** {@link #checkUpdateFlags} for the program face: 0 or -EINVAL. */
    static int updateFlagsError(long flags) {
        if (flags < 0 || flags > MapFlags.BPF_EXIST) return -Errno.EINVAL.value();
        return 0;
    }

    static BpfException notSupported(MapType type, String op) {
        return new BpfException(Errno.ENOTSUPP, op + " is not supported by " + type + " maps");
    }

    @Override
    public String toString() {
        return "map " + id + " " + type() + " '" + name() + "' key " + keySize() + " value " + valueSize()
                + " max_entries " + maxEntries() + " flags 0x" + Integer.toHexString(mapFlags());
    }
}
