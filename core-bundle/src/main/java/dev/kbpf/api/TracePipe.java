package dev.kbpf.api;

import java.time.Duration;
import java.util.List;

/**
 * The trace pipe ({@code /sys/kernel/tracing/trace_pipe}): the lines that {@code bpf_trace_printk}
 * writes, in order. As in Linux, reading consumes: each line goes to one reader only, and lines
 * nobody reads are dropped oldest first once the pipe's buffer is full.
 */
public interface TracePipe {

    /**
     * Takes up to {@code max} lines, waiting up to {@code timeout} for the first one when the pipe is
     * empty. Returns an empty list when the time ran out; throws nothing when interrupted, but
     * returns what it has with the thread's interrupt flag set again.
     */
    List<TraceRecord> read(int max, Duration timeout);
}
