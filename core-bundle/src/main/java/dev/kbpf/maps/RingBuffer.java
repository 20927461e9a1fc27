package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Java consumer of one or more {@code RINGBUF} maps, like libbpf's {@code struct ring_buffer}:
 * {@code new RingBuffer(map, handler)} is {@code ring_buffer__new}, {@link #add} is
 * {@code ring_buffer__add}, {@link #poll} is {@code ring_buffer__poll} and {@link #consume} is
 * {@code ring_buffer__consume}. Records arrive in the order producers reserved them; discarded
 * records are skipped. One thread at a time should poll a given ring (as with libbpf, which
 * expects one consumer); a second one is safe but may sleep until its timeout.
 */
public final class RingBuffer implements AutoCloseable {

    private record Ring(RingbufMap map, RecordHandler handler) {}

    private final List<Ring> rings = new ArrayList<>();
    private volatile boolean closed;

    /** {@code ring_buffer__new}: a consumer of {@code map}. */
    public RingBuffer(RingbufMap map, RecordHandler handler) {
        add(map, handler);
    }

    /** {@code ring_buffer__add}: also consume {@code map}, with its own handler. */
    public synchronized RingBuffer add(RingbufMap map, RecordHandler handler) {
        if (map == null || handler == null) throw new BpfException(Errno.EINVAL, "ring buffer map and handler are required");
        if (closed) throw new BpfException(Errno.EINVAL, "ring buffer consumer is closed");
        rings.add(new Ring(map, handler));
        return this;
    }

    /**
     * {@code ring_buffer__consume}: delivers every record available now, without waiting.
     *
     * @return the number of records delivered, or the first negative handler result
     */
    public int consume() {
        List<Ring> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(rings);
        }
        long total = 0;
        for (Ring r : snapshot) {
            int n = r.map.consume(r.handler);
            if (n < 0) return n;
            total += n;
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /**
     * {@code ring_buffer__poll}: waits up to {@code timeoutMillis} (-1: for ever, 0: not at all)
     * for records, then delivers what is available.
     *
     * @return the number of records delivered (0 on timeout), or the first negative handler result;
     *         {@code -EINTR} when the waiting thread is interrupted
     */
    public int poll(long timeoutMillis) {
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<Ring> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(rings);
        }
        Thread me = Thread.currentThread();
        try {
            for (;;) {
                int n = consume();
                if (n != 0 || closed) return n;
                long left = deadline - System.nanoTime();
                if (left <= 0) return 0;
                for (Ring r : snapshot) r.map.waiter = me;
                // re-check after announcing ourselves, so a submit in between is not missed
                boolean ready = false;
                for (Ring r : snapshot) ready |= r.map.hasCommitted();
                if (!ready) {
                    if (timeoutMillis < 0) LockSupport.park(this);
                    else LockSupport.parkNanos(this, left);
                }
                if (Thread.interrupted()) return -Errno.EINTR.value();
            }
        } finally {
            for (Ring r : snapshot) if (r.map.waiter == me) r.map.waiter = null;
        }
    }

    /** {@code ring_buffer__free}: stops consuming; a poll in progress returns. */
    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            for (Ring r : rings) {
                Thread w = r.map.waiter;
                if (w != null) LockSupport.unpark(w);
            }
            rings.clear();
        }
    }
}
