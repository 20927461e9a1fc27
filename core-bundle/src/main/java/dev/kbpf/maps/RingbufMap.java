package dev.kbpf.maps;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code RINGBUF}: Linux's BPF ring buffer, a multi-producer, single-consumer queue of
 * variable-length records shared by every CPU.
 *
 * <h2>Layout</h2>
 * The data area is {@code max_entries} bytes (a power of two, a multiple of 4096). Producer and
 * consumer positions only grow; a position maps to {@code pos & (size - 1)}. Each record starts
 * with an 8-byte header: a 32-bit length whose bit 31 is {@code BUSY} (reserved, not yet committed)
 * and bit 30 {@code DISCARD}, then 32 bits of page offset; the record takes
 * {@code round_up(len + 8, 8)} bytes. Linux maps the data pages twice in a row so that a record
 * that wraps around the end is contiguous in memory. kbpf gets the same effect with an array of
 * twice the size: a record's bytes past the end of the data area stay in the second half, where
 * programs write and consumers read them contiguously (the first half's bytes they stand for are
 * never used in that lap). {@link #valueStorage(int)} is that array; the region programs see.
 *
 * <h2>Protocol</h2>
 * Producers (programs) reserve under a lock, as Linux does with its spinlock: check that the record
 * fits before the consumer position, write the header with {@code BUSY}, advance the producer
 * position. Submit and discard are lock-free: they rewrite the header without {@code BUSY} (with
 * {@code DISCARD} for a discard). The consumer reads records in order from its position up to the
 * producer position, stops at the first {@code BUSY} one, skips discarded ones, and advances its
 * position after each record so that producers can reuse the space.
 */
public final class RingbufMap extends BpfMap {

    /** Bit 31 of a record header: reserved but not yet submitted or discarded. */
    public static final int BUSY_BIT = 1 << 31;
    /** Bit 30 of a record header: discarded, the consumer skips it. */
    public static final int DISCARD_BIT = 1 << 30;
    /** Size of a record header. */
    public static final int HDR_SZ = 8;
    /** Largest record Linux accepts ({@code RINGBUF_MAX_RECORD_SZ}). */
    public static final int MAX_RECORD_SZ = (int) (0xffffffffL / 4);

    private static final VarHandle CONSUMER_POS;
    private static final VarHandle PRODUCER_POS;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CONSUMER_POS = l.findVarHandle(RingbufMap.class, "consumerPos", long.class);
            PRODUCER_POS = l.findVarHandle(RingbufMap.class, "producerPos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int size;
    private final int mask;
    private final byte[] data;
    @SuppressWarnings("unused") private long consumerPos;
    @SuppressWarnings("unused") private long producerPos;
    private final ReentrantLock producerLock = new ReentrantLock();
    /** Serialises consumers: records are delivered once, in order. */
    final Object consumerLock = new Object();
    /** The thread parked in a poll of this ring, if any. */
    volatile Thread waiter;

    RingbufMap(int id, MapAttr attr) {
        super(id, attr);
        this.size = attr.maxEntries();
        this.mask = size - 1;
        MapFactory.checkAllocation(attr, 2L * size, 0, 0);
        this.data = new byte[2 * size];
    }

    /** The data area and its overflow half (see the class comment). */
    @Override
    public byte[] valueStorage(int cpu) { return data; }

    /** The size of the data area: {@code max_entries}. */
    public int ringSize() { return size; }

    // ================================================================ producer side (helpers)

    /**
     * {@code bpf_ringbuf_reserve}: the offset in {@link #valueStorage(int)} of {@code len} bytes
     * for a record, or -1 (NULL to the program) when the flags are not 0, the record is too large,
     * or the ring has no room.
     */
    public int reserve(long len, long flags) {
        if (flags != 0 || len < 0 || len > MAX_RECORD_SZ) return -1;
        long recLen = (len + HDR_SZ + 7) & ~7L;
        if (recLen > size) return -1;
        producerLock.lock();
        try {
            long cons = (long) CONSUMER_POS.getAcquire(this);
            long prod = producerPos;
            long newProd = prod + recLen;
            if (newProd - cons > size) return -1;
            int hdr = (int) (prod & mask);
            Bytes.INT.setRelease(data, hdr + 4, hdr >>> 12);
            Bytes.INT.setRelease(data, hdr, (int) len | BUSY_BIT);
            PRODUCER_POS.setRelease(this, newProd);
            return hdr + HDR_SZ;
        } finally {
            producerLock.unlock();
        }
    }

    /**
     * {@code bpf_ringbuf_submit}: commits the record at {@code dataOff}, as reserve returned it.
     * The verifier guarantees that a program submits or discards each reserved record exactly once;
     * anything else is a bug in the caller:
     *
     * @throws IllegalArgumentException when {@code dataOff} cannot be a record of this ring
     * @throws IllegalStateException when the record was already submitted or discarded
     */
    public void submit(int dataOff, long flags) { commit(dataOff, flags, false); }

    /** {@code bpf_ringbuf_discard}: drops the record at {@code dataOff}; the consumer skips it. Throws as {@link #submit}. */
    public void discard(int dataOff, long flags) { commit(dataOff, flags, true); }

    private void commit(int dataOff, long flags, boolean discard) {
        int hdr = dataOff - HDR_SZ;
        if (hdr < 0 || hdr >= size || (hdr & 7) != 0) {
            throw new IllegalArgumentException("not a ring buffer record: offset " + dataOff);
        }
        int word = (int) Bytes.INT.getAcquire(data, hdr);
        if ((word & BUSY_BIT) == 0) throw new IllegalStateException("ring buffer record at " + dataOff + " was already committed");
        int committed = (word & ~BUSY_BIT) | (discard ? DISCARD_BIT : 0);
        Bytes.INT.setVolatile(data, hdr, committed);
        wakeUp(hdr, flags);
    }

    /**
     * {@code bpf_ringbuf_output}: copies {@code len} bytes into a new record and submits it;
     * 0, {@code -EINVAL} for bad flags, or {@code -EAGAIN} when the ring has no room.
     */
    public int output(byte[] src, int srcOff, long len, long flags) {
        if ((flags & ~(MapFlags.BPF_RB_NO_WAKEUP | MapFlags.BPF_RB_FORCE_WAKEUP)) != 0) return -Errno.EINVAL.value();
        int off = reserve(len, 0);
        if (off < 0) return -Errno.EAGAIN.value();
        System.arraycopy(src, srcOff, data, off, (int) len);
        submit(off, flags);
        return 0;
    }

    /** {@code bpf_ringbuf_query}: available data, ring size, consumer or producer position; 0 for unknown flags. */
    public long query(long flags) {
        if (flags == MapFlags.BPF_RB_AVAIL_DATA) {
            long cons = (long) CONSUMER_POS.getAcquire(this);
            return (long) PRODUCER_POS.getAcquire(this) - cons;
        }
        if (flags == MapFlags.BPF_RB_RING_SIZE) return size;
        if (flags == MapFlags.BPF_RB_CONS_POS) return (long) CONSUMER_POS.getAcquire(this);
        if (flags == MapFlags.BPF_RB_PROD_POS) return (long) PRODUCER_POS.getAcquire(this);
        return 0;
    }

    /** Linux's rule: wake on FORCE, or when the consumer has caught up with this record, unless NO_WAKEUP. */
    private void wakeUp(int hdr, long flags) {
        Thread w = waiter;
        if (w == null) return;
        boolean wake = (flags & MapFlags.BPF_RB_FORCE_WAKEUP) != 0
                || ((flags & MapFlags.BPF_RB_NO_WAKEUP) == 0 && (((long) CONSUMER_POS.getAcquire(this)) & mask) == hdr);
        if (wake) LockSupport.unpark(w);
    }

    // ================================================================ consumer side

    /** True if a committed or discarded record waits at the consumer position. */
    boolean hasCommitted() {
        // volatile reads: they must not move before the consumer's volatile write of waiter
        // (and the producer's volatile header write before its read of waiter), or a wakeup is lost
        long cons = (long) CONSUMER_POS.getVolatile(this);
        if (cons >= (long) PRODUCER_POS.getVolatile(this)) return false;
        return ((int) Bytes.INT.getVolatile(data, (int) (cons & mask)) & BUSY_BIT) == 0;
    }

    /**
     * Delivers committed records in order to {@code handler} until the ring is empty or the next
     * record is still busy; answers how many, or the handler's negative result (which stops).
     */
    int consume(RecordHandler handler) {
        synchronized (consumerLock) {
            long cons = (long) CONSUMER_POS.getAcquire(this);
            int n = 0;
            for (;;) {
                long prod = (long) PRODUCER_POS.getAcquire(this);
                if (cons >= prod) return n;
                int hdr = (int) (cons & mask);
                int word = (int) Bytes.INT.getAcquire(data, hdr);
                if ((word & BUSY_BIT) != 0) return n;
                int len = word & ~(BUSY_BIT | DISCARD_BIT);
                cons += (len + HDR_SZ + 7) & ~7L;
                if ((word & DISCARD_BIT) != 0) {
                    CONSUMER_POS.setRelease(this, cons);
                    continue;
                }
                int r = handler.onRecord(java.nio.ByteBuffer.wrap(data, hdr + HDR_SZ, len).slice()
                        .asReadOnlyBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN));
                CONSUMER_POS.setRelease(this, cons);
                if (n < Integer.MAX_VALUE) n++;
                if (r < 0) return r;
            }
        }
    }

    // ================================================================ map faces: none

    @Override public byte[] lookup(byte[] key) { throw notSupported(type(), "lookup"); }

    @Override public void update(byte[] key, byte[] value, long flags) { throw notSupported(type(), "update"); }

    @Override public void delete(byte[] key) { throw notSupported(type(), "delete"); }

    @Override public byte[] getNextKey(byte[] keyOrNull) { throw notSupported(type(), "get_next_key"); }

    @Override public int lookupForProgram(byte[] keyArr, int keyOff) { return -1; }

    @Override
    public int updateFromProgram(byte[] keyArr, int keyOff, byte[] valueArr, int valueOff, long flags) {
        return -Errno.ENOTSUPP.value();
    }

    @Override public int deleteFromProgram(byte[] keyArr, int keyOff) { return -Errno.ENOTSUPP.value(); }
}
