package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.ProgType;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * {@code PROG_ARRAY}: the jump table of {@code bpf_tail_call}. Key and value are 4 bytes: an
 * index, and from the syscall face a program id (Linux takes a program fd and shows the id).
 * Entries are set from Java; programs only read them, through {@link #program(int)}; the executor
 * enforces the limit of 33 tail calls in a chain. Every program in one array has the type of the
 * first one stored ({@code EINVAL} otherwise, as Linux's {@code bpf_prog_map_compatible}).
 */
public final class ProgArrayMap extends BpfMap {

    private final AtomicReferenceArray<TailCallTarget> entries;
    private volatile IntFunction<? extends TailCallTarget> resolver;
    private volatile ProgType ownerType;

    ProgArrayMap(int id, MapAttr attr) {
        super(id, attr);
        this.entries = new AtomicReferenceArray<>(attr.maxEntries());
    }

    /**
     * Tells the map how the syscall face turns a program id into a program (the program table of
     * the {@code Bpf} service). Without one, {@link #update} answers {@code EBADF}.
     */
    public void setProgramResolver(IntFunction<? extends TailCallTarget> resolver) { this.resolver = resolver; }

    /**
     * The program at {@code index} for {@code bpf_tail_call} (the executor passes the u32 index),
     * or null: the call then falls through, as in Linux.
     */
    public TailCallTarget program(long index) {
        if (index < 0 || index >= entries.length()) return null;
        return entries.get((int) index);
    }

    /** Stores {@code prog} at {@code index}; {@code E2BIG} beyond max_entries, {@code EINVAL} for a program of another type. */
    public void setProgram(int index, TailCallTarget prog) {
        checkWritable();
        if (prog == null) throw new BpfException(Errno.EINVAL, "program is missing");
        if (Integer.compareUnsigned(index, entries.length()) >= 0) {
            throw new BpfException(Errno.E2BIG, "index " + Integer.toUnsignedString(index) + " is beyond max_entries " + entries.length());
        }
        synchronized (this) {
            if (ownerType != null && ownerType != prog.progType()) {
                throw new BpfException(Errno.EINVAL, "program " + prog.progId() + " of type " + prog.progType()
                        + " cannot join a prog array of " + ownerType + " programs");
            }
            ownerType = prog.progType();
            entries.set(index, prog);
        }
    }

    /** Removes every entry that holds {@code prog} (when it is unloaded); answers how many. */
    public int removeProgram(TailCallTarget prog) {
        int n = 0;
        for (int i = 0; i < entries.length(); i++) if (entries.compareAndSet(i, prog, null)) n++;
        return n;
    }

    @Override public int valueStorageCount() { return 0; }

    @Override
    public byte[] valueStorage(int cpu) { throw notSupported(type(), "value storage"); }

    // ================================================================ program face: only tail calls

    @Override public int lookupForProgram(byte[] keyArr, int keyOff) { return -1; }

    @Override
    public int updateFromProgram(byte[] keyArr, int keyOff, byte[] valueArr, int valueOff, long flags) {
        return -Errno.EINVAL.value();
    }

    @Override public int deleteFromProgram(byte[] keyArr, int keyOff) { return -Errno.EINVAL.value(); }

    // ================================================================ syscall face

    /** The id of the program at the index (4 bytes), or null. */
    @Override
    public byte[] lookup(byte[] key) {
        checkReadable();
        checkKey(key);
        TailCallTarget p = program(Integer.toUnsignedLong(Bytes.getInt(key, 0)));
        if (p == null) return null;
        byte[] out = new byte[4];
        Bytes.putInt(out, 0, p.progId());
        return out;
    }

    /** Stores the program whose id is the value; only {@code BPF_ANY}, as in Linux. */
    @Override
    public void update(byte[] key, byte[] value, long flags) {
        checkWritable();
        checkKey(key);
        checkValue(value);
        if (flags != MapFlags.BPF_ANY) {
            throw new BpfException(Errno.EINVAL, "prog array updates take BPF_ANY only, not 0x" + Long.toHexString(flags));
        }
        int index = Bytes.getInt(key, 0);
        if (Integer.compareUnsigned(index, entries.length()) >= 0) {
            throw new BpfException(Errno.E2BIG, "index " + Integer.toUnsignedString(index) + " is beyond max_entries " + entries.length());
        }
        IntFunction<? extends TailCallTarget> r = resolver;
        int progId = Bytes.getInt(value, 0);
        TailCallTarget prog = r == null ? null : r.apply(progId);
        if (prog == null) throw new BpfException(Errno.EBADF, "no program with id " + progId);
        setProgram(index, prog);
    }

    @Override
    public void delete(byte[] key) {
        checkWritable();
        checkKey(key);
        int index = Bytes.getInt(key, 0);
        if (Integer.compareUnsigned(index, entries.length()) >= 0) {
            throw new BpfException(Errno.E2BIG, "index " + Integer.toUnsignedString(index) + " is beyond max_entries " + entries.length());
        }
        if (entries.getAndSet(index, null) == null) throw new BpfException(Errno.ENOENT, "no program at index " + index);
    }

    @Override
    public byte[] getNextKey(byte[] keyOrNull) {
        checkReadable();
        return ArrayMap.nextIndex(this, keyOrNull);
    }
}
