package dev.kbpf.sysctl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Time a test drives: a monotonic nanosecond counter, a wall clock that moves with it, and a
 * scheduler whose tasks run (on the test's thread) only when {@link #advance} passes their time.
 */
public final class ManualTime implements LongSupplier {
    private long nanos;
    private final Instant epoch;
    private long seq;
    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq));
    private final Scheduler scheduler = new Scheduler();

    public ManualTime() { this(Instant.parse("2026-11-25T12:00:00Z")); }

    public ManualTime(Instant epoch) { this.epoch = epoch; }

    @Override public synchronized long getAsLong() { return nanos; }

    public Clock clock() {
        return new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException(); }
            @Override public Instant instant() { return epoch.plusNanos(getAsLong()); }
        };
    }

    public ScheduledExecutorService scheduler() { return scheduler; }

    /** Tasks scheduled and neither run nor cancelled. */
    public synchronized List<Duration> pending() {
        List<Duration> out = new ArrayList<>();
        for (Task t : queue) if (!t.isDone()) out.add(Duration.ofNanos(t.due - nanos));
        out.sort(null);
        return out;
    }

    /** Moves time forward, running every task that falls due, in order, at its own time. */
    public void advance(Duration d) {
        long target;
        synchronized (this) { target = nanos + d.toNanos(); }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) { nanos = target; return; }
                queue.poll();
                nanos = Math.max(nanos, next.due);
            }
            next.run();
        }
    }

    private final class Task implements ScheduledFuture<Object> {
        final long due;
        final long seq;
        final Callable<?> body;
        volatile boolean cancelled, done;
        Object result;

        Task(long due, long seq, Callable<?> body) { this.due = due; this.seq = seq; this.body = body; }

        void run() {
            if (cancelled) return;
            try { result = body.call(); } catch (Exception e) { throw new AssertionError("scheduled task failed", e); }
            finally { done = true; }
        }

        @Override public long getDelay(TimeUnit unit) { return unit.convert(due - getAsLong(), TimeUnit.NANOSECONDS); }
        @Override public int compareTo(Delayed o) { return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS)); }
        @Override public boolean cancel(boolean mayInterrupt) { if (done) return false; cancelled = true; return true; }
        @Override public boolean isCancelled() { return cancelled; }
        @Override public boolean isDone() { return done || cancelled; }
        @Override public Object get() throws ExecutionException { if (!done) throw new IllegalStateException("not run yet"); return result; }
        @Override public Object get(long t, TimeUnit u) throws ExecutionException { return get(); }
    }

    private final class Scheduler extends AbstractExecutorService implements ScheduledExecutorService {
        private ScheduledFuture<?> add(long delayNanos, Callable<?> body) {
            synchronized (ManualTime.this) {
                Task t = new Task(nanos + Math.max(0, delayNanos), seq++, body);
                queue.add(t);
                return t;
            }
        }
        @Override public ScheduledFuture<?> schedule(Runnable r, long delay, TimeUnit unit) {
            return add(unit.toNanos(delay), () -> { r.run(); return null; });
        }
        @SuppressWarnings("unchecked")
        @Override public <V> ScheduledFuture<V> schedule(Callable<V> c, long delay, TimeUnit unit) {
            return (ScheduledFuture<V>) add(unit.toNanos(delay), c);
        }
        @Override public ScheduledFuture<?> scheduleAtFixedRate(Runnable r, long i, long p, TimeUnit u) { throw new UnsupportedOperationException(); }
        @Override public ScheduledFuture<?> scheduleWithFixedDelay(Runnable r, long i, long d, TimeUnit u) { throw new UnsupportedOperationException(); }
        @Override public void execute(Runnable r) { schedule(r, 0, TimeUnit.NANOSECONDS); }
        @Override public void shutdown() {}
        @Override public List<Runnable> shutdownNow() { return List.of(); }
        @Override public boolean isShutdown() { return false; }
        @Override public boolean isTerminated() { return false; }
        @Override public boolean awaitTermination(long t, TimeUnit u) { return true; }
    }
}
