package dev.kbpf.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The trace pipe ({@code /sys/kernel/tracing/trace_pipe}): where {@code bpf_trace_printk} lines go,
 * formatted as Linux formats them —
 * {@code <comm>-<pid> [<cpu>] ....  <seconds>.<micros>: bpf_trace_printk: <text>}.
 * A bounded buffer keeps the latest lines for readers that come later; followers get every new
 * line as it is written.
 */
public final class TracePipe {
    private final int capacity;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final List<Consumer<String>> followers = new CopyOnWriteArrayList<>();
    private final LongSupplier uptimeNanos;
    private long seq;

    public TracePipe(int capacity, LongSupplier uptimeNanos) {
        this.capacity = capacity;
        this.uptimeNanos = uptimeNanos;
    }

    /** Writes one {@code bpf_trace_printk} line from the current thread. */
    public void printk(int cpu, String text) {
        Thread t = Thread.currentThread();
        String comm = t.getName().length() > 16 ? t.getName().substring(0, 16) : t.getName();
        long ns = uptimeNanos.getAsLong();
        String line = String.format("%16s-%-7d [%03d] .....  %5d.%06d: bpf_trace_printk: %s",
                comm.replace(' ', '_'), t.getId(), cpu, ns / 1_000_000_000L, (ns / 1000) % 1_000_000, text);
        synchronized (this) {
            if (lines.size() == capacity) lines.removeFirst();
            lines.addLast(line);
            seq++;
        }
        for (Consumer<String> f : followers) f.accept(line);
    }

    /** The lines still buffered, oldest first. */
    public synchronized List<String> lines() { return new ArrayList<>(lines); }

    /** How many lines were ever written. */
    public synchronized long written() { return seq; }

    /** Calls {@code follower} with every line written from now on, until {@link #unfollow}. */
    public void follow(Consumer<String> follower) { followers.add(follower); }

    public void unfollow(Consumer<String> follower) { followers.remove(follower); }
}
