package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;

/**
 * {@code ARRAY} and {@code PERCPU_ARRAY} maps: {@code max_entries} values, all present from
 * creation (zeroed), indexed by a 4-byte little-endian key.
 *
 * <p>Element {@code i} lives at {@code valueStorage(cpu)[i * slot]} with
 * {@code slot = round_up(value_size, 8)}. A lookup is a bounds check and a multiplication.
 * Updates overwrite the value in place, as Linux does: aligned 8-byte words are written with
 * single-copy atomic stores, so a concurrent reader never sees half a word, but may see a mix of
 * old and new words of a longer value (Linux offers {@code BPF_F_LOCK} with a
 * {@code bpf_spin_lock} for that; kbpf has no BTF to describe the lock yet).
 * Elements cannot be deleted ({@code EINVAL}).
 */
public final class ArrayMap extends BpfMap {

    private final boolean perCpu;
    private final int slot;
    private final int valueSize;
    private final int maxEntries;
    private final byte[][] values;

    ArrayMap(int id, MapAttr attr) {
        super(id, attr);
        this.perCpu = attr.type() == MapType.PERCPU_ARRAY;
        this.slot = Bytes.roundUp8(attr.valueSize());
        this.valueSize = attr.valueSize();
        this.maxEntries = attr.maxEntries();
        MapFactory.checkAllocation(attr, (long) maxEntries * slot, 0, 0);
        int cpus = perCpu ? Cpus.count() : 1;
        this.values = new byte[cpus][];
        for (int c = 0; c < cpus; c++) values[c] = new byte[maxEntries * slot];
    }

    @Override public boolean isPerCpu() { return perCpu; }

    @Override public int valueStorageCount() { return values.length; }

    @Override
    public byte[] valueStorage(int cpu) { return perCpu ? values[cpu] : values[0]; }

    /** The index of a key, or -1 when it is not below max_entries. */
    private int index(byte[] k, int off) {
        int i = Bytes.getInt(k, off);
        return Integer.compareUnsigned(i, maxEntries) < 0 ? i : -1;
    }

    // ================================================================ program face

    @Override
    public int lookupForProgram(byte[] keyArr, int keyOff) {
        int i = Bytes.getInt(keyArr, keyOff);
        return Integer.compareUnsigned(i, maxEntries) < 0 ? i * slot : -1;
    }

    @Override
    public int updateFromProgram(byte[] keyArr, int keyOff, byte[] valueArr, int valueOff, long flags) {
        int err = updateFlagsError(flags);
        if (err != 0) return err;
        int i = index(keyArr, keyOff);
        if (i < 0) return -Errno.E2BIG.value();
        if (flags == MapFlags.BPF_NOEXIST) return -Errno.EEXIST.value();
        Bytes.copyIntoSlot(valueArr, valueOff, values[perCpu ? Cpus.current() : 0], i * slot, valueSize);
        return 0;
    }

    @Override
    public int deleteFromProgram(byte[] keyArr, int keyOff) { return -Errno.EINVAL.value(); }

    // ================================================================ syscall face

    @Override
    public byte[] lookup(byte[] key) {
        checkReadable();
        checkKey(key);
        int i = index(key, 0);
        if (i < 0) return null;
        byte[] out = new byte[syscallValueSize()];
        for (int c = 0; c < values.length; c++) Bytes.copyOutOfSlot(values[c], i * slot, out, c * slot, valueSize);
        return out;
    }

    @Override
    public void update(byte[] key, byte[] value, long flags) {
        checkWritable();
        checkKey(key);
        checkValue(value);
        checkUpdateFlags(flags);
        int i = index(key, 0);
        if (i < 0) {
            throw new BpfException(Errno.E2BIG, "index " + Integer.toUnsignedString(Bytes.getInt(key, 0))
                    + " is beyond max_entries " + maxEntries);
        }
        if (flags == MapFlags.BPF_NOEXIST) {
            throw new BpfException(Errno.EEXIST, "array elements always exist (BPF_NOEXIST)");
        }
        for (int c = 0; c < values.length; c++) Bytes.copyIntoSlot(value, c * slot, values[c], i * slot, valueSize);
    }

    @Override
    public void delete(byte[] key) {
        checkWritable();
        checkKey(key);
        throw new BpfException(Errno.EINVAL, "array elements cannot be deleted");
    }

    @Override
    public byte[] getNextKey(byte[] keyOrNull) {
        checkReadable();
        return ArrayMap.nextIndex(this, keyOrNull);
    }

    /** Linux's array_map_get_next_key, shared by every array-like map. */
    static byte[] nextIndex(BpfMap map, byte[] keyOrNull) {
        int next;
        if (keyOrNull == null) {
            next = 0;
        } else {
            map.checkKey(keyOrNull);
            int i = Bytes.getInt(keyOrNull, 0);
            if (Integer.compareUnsigned(i, map.maxEntries()) >= 0) next = 0;
            else if (i == map.maxEntries() - 1) return null;
            else next = i + 1;
        }
        byte[] out = new byte[4];
        Bytes.putInt(out, 0, next);
        return out;
    }
}
