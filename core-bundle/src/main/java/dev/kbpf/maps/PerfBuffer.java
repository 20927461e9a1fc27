package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Java consumer of a {@code PERF_EVENT_ARRAY}, like libbpf's {@code struct perf_buffer}: the
 * constructor is {@code perf_buffer__new(map_fd, page_cnt, sample_cb, lost_cb)} — it creates a
 * ring of {@code page_cnt} pages for every CPU below {@code min(nr_cpus, max_entries)} and installs
 * it at the CPU's index — {@link #poll} is {@code perf_buffer__poll}, {@link #consume} is
 * {@code perf_buffer__consume}, {@link #close} is {@code perf_buffer__free}.
 * Samples of one CPU arrive in order; lost samples are reported where they happened.
 */
public final class PerfBuffer implements AutoCloseable {

    /** libbpf's {@code perf_buffer_sample_fn}: one raw sample, a little-endian buffer the handler may keep. */
    @FunctionalInterface
    public interface SampleHandler {
        void onSample(int cpu, ByteBuffer data);
    }

    /** libbpf's {@code perf_buffer_lost_fn}: {@code count} samples of {@code cpu} were dropped because its ring was full. */
    @FunctionalInterface
    public interface LostHandler {
        void onLost(int cpu, long count);
    }

    /** The page size of perf rings. */
    public static final int PAGE_SIZE = 4096;

    private final PerfEventArrayMap map;
    private final PerfEventBuffer[] buffers;
    private final SampleHandler onSample;
    private final LostHandler onLost;
    private volatile boolean closed;

    /**
     * Opens per-CPU rings of {@code pageCount} pages (a power of two) on {@code map}.
     *
     * @param onLost may be null: losses are then only counted
     */
    public PerfBuffer(PerfEventArrayMap map, int pageCount, SampleHandler onSample, LostHandler onLost) {
        if (map == null || onSample == null) throw new BpfException(Errno.EINVAL, "perf event array and sample handler are required");
        if (pageCount <= 0 || Integer.bitCount(pageCount) != 1 || pageCount > (1 << 16)) {
            throw new BpfException(Errno.EINVAL, "page_cnt " + pageCount + " must be a power of two, at most 65536");
        }
        this.map = map;
        this.onSample = onSample;
        this.onLost = onLost;
        int n = Math.min(Cpus.count(), map.maxEntries());
        this.buffers = new PerfEventBuffer[n];
        for (int cpu = 0; cpu < n; cpu++) {
            buffers[cpu] = new PerfEventBuffer(cpu, pageCount * PAGE_SIZE);
            map.install(cpu, buffers[cpu]);
        }
    }

    /** {@code perf_buffer__consume}: delivers everything available now; answers how many records. */
    public int consume() {
        long total = 0;
        for (PerfEventBuffer b : buffers) {
            synchronized (b.consumerLock()) {
                total += b.consume(onSample, onLost);
            }
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /**
     * {@code perf_buffer__poll}: waits up to {@code timeoutMillis} (-1: for ever, 0: not at all) for
     * records, then delivers what is available.
     *
     * @return the number of records (samples and lost reports) delivered, or {@code -EINTR}
     */
    public int poll(long timeoutMillis) {
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Thread me = Thread.currentThread();
        try {
            for (;;) {
                int n = consume();
                if (n != 0 || closed) return n;
                long left = deadline - System.nanoTime();
                if (left <= 0) return 0;
                for (PerfEventBuffer b : buffers) b.waiter = me;
                boolean ready = false;
                for (PerfEventBuffer b : buffers) ready |= b.hasData();
                if (!ready) {
                    if (timeoutMillis < 0) LockSupport.park(this);
                    else LockSupport.parkNanos(this, left);
                }
                if (Thread.interrupted()) return -Errno.EINTR.value();
            }
        } finally {
            for (PerfEventBuffer b : buffers) if (b.waiter == me) b.waiter = null;
        }
    }

    /** The per-CPU rings, indexed by CPU. */
    public int bufferCount() { return buffers.length; }

    /** Samples lost on every CPU so far. */
    public long lostTotal() {
        long n = 0;
        for (PerfEventBuffer b : buffers) n += b.lostTotal();
        return n;
    }

    /** {@code perf_buffer__free}: removes the rings from the map; a poll in progress returns. */
    @Override
    public void close() {
        closed = true;
        for (int cpu = 0; cpu < buffers.length; cpu++) {
            map.uninstall(cpu, buffers[cpu]);
            Thread w = buffers[cpu].waiter;
            if (w != null) LockSupport.unpark(w);
        }
    }
}
