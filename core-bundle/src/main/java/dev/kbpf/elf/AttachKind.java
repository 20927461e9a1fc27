package dev.kbpf.elf;

/**
 * How a program attaches, as its libbpf {@code SEC()} prefix says. Finer than {@link
 * dev.kbpf.api.ProgType}: a {@code kretprobe} is a {@code KPROBE} program attached at return,
 * {@code fentry} and {@code fexit} are both {@code TRACING} (Linux's {@code expected_attach_type}).
 */
public enum AttachKind {
    TRACEPOINT, RAW_TRACEPOINT, KPROBE, KRETPROBE, FENTRY, FEXIT, PERF_EVENT, SOCKET_FILTER, XDP, LIRC_MODE2
}
