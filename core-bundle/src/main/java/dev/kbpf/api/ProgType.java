package dev.kbpf.api;

/** Program types, with Linux's names and {@code enum bpf_prog_type} numbers. */
public enum ProgType {
    SOCKET_FILTER(1, false),
    KPROBE(2, true),
    TRACEPOINT(5, true),
    XDP(6, false),
    PERF_EVENT(7, true),
    RAW_TRACEPOINT(17, true),
    LIRC_MODE2(20, false),
    TRACING(26, true);

    private final int linuxId;
    private final boolean tracing;

    ProgType(int linuxId, boolean tracing) {
        this.linuxId = linuxId;
        this.tracing = tracing;
    }

    /** The value of {@code BPF_PROG_TYPE_*} in Linux's UAPI. */
    public int linuxId() { return linuxId; }

    /** Tracing types observe the system; only they may call destructive kfuncs. */
    public boolean isTracing() { return tracing; }

    /** Accepts {@code TRACEPOINT}, {@code tracepoint} and {@code BPF_PROG_TYPE_TRACEPOINT}. */
    public static ProgType parse(String name) {
        String n = name.trim().toUpperCase(java.util.Locale.ROOT);
        if (n.startsWith("BPF_PROG_TYPE_")) n = n.substring("BPF_PROG_TYPE_".length());
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new BpfException(Errno.EINVAL, "unknown program type '" + name + "'");
        }
    }
}
