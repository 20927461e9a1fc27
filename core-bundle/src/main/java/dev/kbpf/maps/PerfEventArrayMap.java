package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code PERF_EVENT_ARRAY}: an array of per-CPU perf event buffers that
 * {@code bpf_perf_event_output} writes to. Key and value are 4 bytes, as in Linux. Entries are
 * installed by a {@link PerfBuffer} consumer (libbpf's {@code perf_buffer__new} opens a perf event
 * per CPU and stores it at the CPU's index); programs write with {@link #output}.
 */
public final class PerfEventArrayMap extends BpfMap {

    private final AtomicReferenceArray<PerfEventBuffer> entries;

    PerfEventArrayMap(int id, MapAttr attr) {
        super(id, attr);
        this.entries = new AtomicReferenceArray<>(attr.maxEntries());
    }

    /**
     * {@code bpf_perf_event_output}: writes a raw sample to the buffer at the index in the low 32
     * bits of {@code flags} ({@code BPF_F_CURRENT_CPU}: the current CPU's). Answers 0, or
     * {@code -EINVAL} for other flag bits, {@code -E2BIG} for an index beyond max_entries or a
     * sample too large, {@code -ENOENT} when no buffer is installed, {@code -EOPNOTSUPP} when the
     * buffer belongs to another CPU, {@code -ENOSPC} when it is full (the sample is counted lost).
     */
    public int output(long flags, byte[] src, int srcOff, int len) {
        if ((flags & ~MapFlags.BPF_F_INDEX_MASK) != 0) return -Errno.EINVAL.value();
        int cpu = Cpus.current();
        long index = flags & MapFlags.BPF_F_INDEX_MASK;
        if (index == MapFlags.BPF_F_CURRENT_CPU) index = cpu;
        if (index >= entries.length()) return -Errno.E2BIG.value();
        PerfEventBuffer buf = entries.get((int) index);
        if (buf == null) return -Errno.ENOENT.value();
        if (buf.cpu() != cpu) return -Errno.ENOTSUP.value();
        return buf.write(src, srcOff, len);
    }

    /** The buffer installed at {@code index}, or null. */
    public PerfEventBuffer buffer(int index) {
        return index < 0 || index >= entries.length() ? null : entries.get(index);
    }

    void install(int index, PerfEventBuffer buf) { entries.set(index, buf); }

    void uninstall(int index, PerfEventBuffer buf) { entries.compareAndSet(index, buf, null); }

    @Override public int valueStorageCount() { return 0; }

    @Override
    public byte[] valueStorage(int cpu) { throw notSupported(type(), "value storage"); }

    // ================================================================ program face: output only

    @Override public int lookupForProgram(byte[] keyArr, int keyOff) { return -1; }

    @Override
    public int updateFromProgram(byte[] keyArr, int keyOff, byte[] valueArr, int valueOff, long flags) {
        return -Errno.EINVAL.value();
    }

    @Override public int deleteFromProgram(byte[] keyArr, int keyOff) { return -Errno.EINVAL.value(); }

    // ================================================================ syscall face

    @Override
    public byte[] lookup(byte[] key) {
        checkReadable();
        checkKey(key);
        throw notSupported(type(), "lookup");
    }

    /** Entries are perf event buffers; kbpf has no perf event fds to store, so {@link PerfBuffer} installs them. */
    @Override
    public void update(byte[] key, byte[] value, long flags) {
        checkWritable();
        checkKey(key);
        checkValue(value);
        throw new BpfException(Errno.ENOTSUPP, "perf event array entries are installed by a PerfBuffer consumer, not by update");
    }

    @Override
    public void delete(byte[] key) {
        checkWritable();
        checkKey(key);
        int index = Bytes.getInt(key, 0);
        if (Integer.compareUnsigned(index, entries.length()) >= 0) {
            throw new BpfException(Errno.E2BIG, "index " + Integer.toUnsignedString(index) + " is beyond max_entries " + entries.length());
        }
        if (entries.getAndSet(index, null) == null) throw new BpfException(Errno.ENOENT, "no perf event at index " + index);
    }

    @Override
    public byte[] getNextKey(byte[] keyOrNull) {
        checkReadable();
        return ArrayMap.nextIndex(this, keyOrNull);
    }
}
