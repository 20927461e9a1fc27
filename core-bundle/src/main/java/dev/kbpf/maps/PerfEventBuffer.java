package dev.kbpf.maps;

import dev.kbpf.api.Errno;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One CPU's perf event ring, the buffer a {@code PERF_EVENT_ARRAY} entry points to (in Linux, a
 * perf event opened on that CPU with its mmap'ed ring of {@code page_cnt} pages).
 *
 * <p>Records use perf's layout: an 8-byte {@code perf_event_header} (u32 type, u16 misc, u16 size
 * of the whole record), then for {@code PERF_RECORD_SAMPLE} with {@code PERF_SAMPLE_RAW} a u32 raw
 * size and the raw bytes, padded to 8 bytes; a sample that does not fit is counted as lost, and the
 * count is reported in-stream by a {@code PERF_RECORD_LOST} record (u64 id, u64 lost) as soon as
 * there is room, so the consumer sees losses where they happened. Writers serialise on the buffer
 * (several JVM threads can share a CPU); the single consumer advances the tail without a lock.
 */
public final class PerfEventBuffer {

    /** {@code PERF_RECORD_LOST}. */
    public static final int PERF_RECORD_LOST = 2;
    /** {@code PERF_RECORD_SAMPLE}. */
    public static final int PERF_RECORD_SAMPLE = 9;
    static final int HEADER = 8;
    static final int LOST_RECORD = HEADER + 16;
    /** The u16 size field bounds a record. */
    static final int MAX_RECORD = 0xffff & ~7;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(PerfEventBuffer.class, "head", long.class);
            TAIL = l.findVarHandle(PerfEventBuffer.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int cpu;
    private final byte[] data;
    private final int mask;
    @SuppressWarnings("unused") private long head;
    @SuppressWarnings("unused") private long tail;
    /** Samples lost and not yet reported in-stream; guarded by this. */
    private long pendingLost;
    private long totalLost;
    volatile Thread waiter;
    private final Object consumerLock = new Object();

    PerfEventBuffer(int cpu, int bytes) {
        this.cpu = cpu;
        this.data = new byte[bytes];
        this.mask = bytes - 1;
    }

    /** The CPU this buffer belongs to. */
    public int cpu() { return cpu; }

    /** The size of the ring in bytes. */
    public int size() { return data.length; }

    /** How many samples were lost because the ring was full, since it was created. */
    public synchronized long lostTotal() { return totalLost; }

    /** Writes one raw sample: 0, {@code -ENOSPC} when full (counted lost), {@code -E2BIG} when too large. */
    int write(byte[] src, int off, int len) {
        int recLen = (HEADER + 4 + len + 7) & ~7;
        if (len < 0 || recLen > MAX_RECORD || recLen > data.length) return -Errno.E2BIG.value();
        synchronized (this) {
            long h = head;
            long free = data.length - (h - (long) TAIL.getAcquire(this));
            if (pendingLost > 0) {
                if (free < LOST_RECORD + recLen) {
                    pendingLost++;
                    totalLost++;
                    return -Errno.ENOSPC.value();
                }
                putHeader(h, PERF_RECORD_LOST, LOST_RECORD);
                putLong(h + HEADER, 0);
                putLong(h + HEADER + 8, pendingLost);
                h += LOST_RECORD;
                free -= LOST_RECORD;
                pendingLost = 0;
            } else if (free < recLen) {
                pendingLost++;
                totalLost++;
                return -Errno.ENOSPC.value();
            }
            putHeader(h, PERF_RECORD_SAMPLE, recLen);
            putInt(h + HEADER, len);
            copyIn(h + HEADER + 4, src, off, len);
            int pad = recLen - HEADER - 4 - len;
            for (int i = 0; i < pad; i++) data[(int) ((h + HEADER + 4 + len + i) & mask)] = 0;
            HEAD.setVolatile(this, h + recLen); // volatile: ordered before the read of waiter below
        }
        Thread w = waiter;
        if (w != null) LockSupport.unpark(w);
        return 0;
    }

    private void putHeader(long pos, int type, int size) {
        putInt(pos, type);
        putInt(pos + 4, size << 16); // misc 0 in the low half, size in the high half (little-endian)
    }

    // records are 8-aligned and the ring is a power of two >= 8, so a header, an int or a long never wraps
    private void putInt(long pos, int v) { Bytes.putInt(data, (int) (pos & mask), v); }

    private void putLong(long pos, long v) { Bytes.putLong(data, (int) (pos & mask), v); }

    private void copyIn(long pos, byte[] src, int off, int len) {
        int p = (int) (pos & mask);
        int first = Math.min(len, data.length - p);
        System.arraycopy(src, off, data, p, first);
        System.arraycopy(src, off + first, data, 0, len - first);
    }

    Object consumerLock() { return consumerLock; }

    boolean hasData() { return (long) HEAD.getVolatile(this) != (long) TAIL.getVolatile(this); }

    /** Delivers every record to the handlers; answers how many records. Single consumer. */
    int consume(PerfBuffer.SampleHandler onSample, PerfBuffer.LostHandler onLost) {
        long t = (long) TAIL.getAcquire(this);
        long h = (long) HEAD.getAcquire(this);
        int n = 0;
        while (t < h) {
            int p = (int) (t & mask);
            int type = Bytes.getInt(data, p);
            int size = (Bytes.getInt(data, p + 4) >>> 16) & 0xffff;
            if (type == PERF_RECORD_LOST) {
                long lost = Bytes.getLong(data, (int) ((t + HEADER + 8) & mask));
                if (onLost != null) onLost.onLost(cpu, lost);
            } else {
                int len = Bytes.getInt(data, (int) ((t + HEADER) & mask));
                byte[] sample = new byte[len];
                int q = (int) ((t + HEADER + 4) & mask);
                int first = Math.min(len, data.length - q);
                System.arraycopy(data, q, sample, 0, first);
                System.arraycopy(data, 0, sample, first, len - first);
                onSample.onSample(cpu, java.nio.ByteBuffer.wrap(sample).order(java.nio.ByteOrder.LITTLE_ENDIAN));
            }
            t += size;
            TAIL.setRelease(this, t);
            n++;
        }
        return n;
    }
}
