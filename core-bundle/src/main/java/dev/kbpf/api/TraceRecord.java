package dev.kbpf.api;

import java.util.Locale;
import java.util.Objects;

/**
 * One line of the trace pipe: what a {@code bpf_trace_printk} call wrote, with the task that
 * wrote it, as Linux's {@code /sys/kernel/tracing/trace_pipe} shows it.
 *
 * @param task         the writing thread's name ({@code comm}, at most 16 bytes in Linux)
 * @param pid          the writing thread's id
 * @param cpu          the CPU as kbpf defines it (a stable slot per thread)
 * @param uptimeNanos  when it was written, as the machine's uptime
 * @param message      the formatted text, without a trailing newline
 */
public record TraceRecord(String task, long pid, int cpu, long uptimeNanos, String message) {

    public TraceRecord {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(message, "message");
    }

    /** As trace_pipe prints it: {@code <task>-<pid> [<cpu>] <secs>.<usecs>: bpf_trace_printk: <message>}. */
    public String format() {
        return String.format(Locale.ROOT, "%16s-%-7d [%03d] %6d.%06d: bpf_trace_printk: %s", task, pid, cpu,
                uptimeNanos / 1_000_000_000L, (uptimeNanos % 1_000_000_000L) / 1_000L, message);
    }
}
