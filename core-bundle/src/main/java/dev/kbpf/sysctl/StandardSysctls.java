package dev.kbpf.sysctl;

import java.util.List;

/** The sysctls kbpf defines, with Linux's names, defaults and ranges where Linux has them. */
public final class StandardSysctls {
    private StandardSysctls() {}

    /**
     * Rail 4 of the destructive guard rails, from the first version of the Linux destructive-BPF
     * patch set: destructive kfunc calls load only while this is 1. Setting it back to 0 also
     * disarms programs already loaded.
     */
    public static final Sysctl DESTRUCTIVE_BPF_ENABLED = Sysctl.bool("kernel.destructive_bpf_enabled", false,
            "1 allows programs calling destructive kfuncs to load and run; 0 rejects and disarms them");

    /** What a panic does next, as Linux's panic_timeout: 0 halt and stay halted, N &gt; 0 reboot after N seconds, N &lt; 0 reboot at once. */
    public static final Sysctl PANIC = new Sysctl("kernel.panic", 0, Integer.MIN_VALUE, Integer.MAX_VALUE,
            "after a panic: 0 halt, N>0 reboot after N seconds, N<0 reboot at once");

    /** Whether programs are compiled to JVM bytecode (1) or interpreted (0). */
    public static final Sysctl BPF_JIT_ENABLE = Sysctl.bool("net.core.bpf_jit_enable", true,
            "1 compiles programs to JVM bytecode, 0 interprets them");

    /** As Linux: 0 unprivileged bpf(2) allowed, 1 and 2 forbidden (Linux's default is 2). */
    public static final Sysctl UNPRIVILEGED_BPF_DISABLED = new Sysctl("kernel.unprivileged_bpf_disabled", 2, 0, 2,
            "0 lets callers without CAP_BPF use bpf(2); 1 or 2 forbids it");

    /** Whether run time and run count are collected per program, as Linux's static key. */
    public static final Sysctl BPF_STATS_ENABLED = Sysctl.bool("kernel.bpf_stats_enabled", false,
            "1 collects run_time_ns and run_cnt for every program");

    public static List<Sysctl> all() {
        return List.of(DESTRUCTIVE_BPF_ENABLED, PANIC, BPF_JIT_ENABLE, UNPRIVILEGED_BPF_DISABLED, BPF_STATS_ENABLED);
    }
}
