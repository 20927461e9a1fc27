package dev.kbpf.runtime;

import dev.kbpf.api.TracePipe;
import dev.kbpf.api.TraceRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The trace pipe ({@code /sys/kernel/tracing/trace_pipe}) that {@code bpf_trace_printk} writes
 * to. Like Linux's, reading consumes: each line goes to one reader. A bounded buffer holds the
 * lines nobody has read yet; when it is full the oldest line is dropped (Linux's ring buffer
 * overwrites too), so a program printing on every event never blocks.
 */
final class TraceBuffer implements TracePipe {
    private final int capacity;
    private final ArrayDeque<TraceRecord> records = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private final LongSupplier uptimeNanos;
    private long dropped;

    TraceBuffer(int capacity, LongSupplier uptimeNanos) {
        this.capacity = capacity;
        this.uptimeNanos = uptimeNanos;
    }

    /** Writes one {@code bpf_trace_printk} line from the current thread (the task) on a CPU. */
    void printk(int cpu, String text) {
        Thread t = Thread.currentThread();
        String comm = t.getName().length() > 15 ? t.getName().substring(0, 15) : t.getName();
        TraceRecord r = new TraceRecord(comm.replace(' ', '_'), t.getId(), cpu, uptimeNanos.getAsLong(), text);
        lock.lock();
        try {
            if (records.size() == capacity) {
                records.removeFirst();
                dropped++;
            }
            records.addLast(r);
            written.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<TraceRecord> read(int max, Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        lock.lock();
        try {
            while (records.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return List.of();
                written.await(left, TimeUnit.NANOSECONDS);
            }
            List<TraceRecord> out = new ArrayList<>(Math.min(max, records.size()));
            while (!records.isEmpty() && out.size() < max) out.add(records.removeFirst());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    /** Lines dropped because nobody read them in time. */
    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
