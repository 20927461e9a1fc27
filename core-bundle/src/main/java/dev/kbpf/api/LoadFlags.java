package dev.kbpf.api;

/** Program load flags ({@code prog_flags}), Linux's and kbpf's own. */
public final class LoadFlags {
    private LoadFlags() {}

    public static final int BPF_F_STRICT_ALIGNMENT = 1 << 0;
    public static final int BPF_F_ANY_ALIGNMENT = 1 << 1;
    public static final int BPF_F_SLEEPABLE = 1 << 4;

    /**
     * kbpf's own flag from the first version of the destructive-BPF patch set. Linux's bit 6
     * now means BPF_F_XDP_DEV_BOUND_ONLY, so kbpf uses a bit that Linux leaves free.
     */
    public static final int BPF_F_DESTRUCTIVE = 1 << 24;
}
