package dev.kbpf.api;

/** The Linux capabilities that govern BPF. */
public enum Capability {
    /** Administration; implies CAP_BPF and CAP_PERFMON for BPF, as in Linux. */
    CAP_SYS_ADMIN,
    /** Loading programs and creating maps. */
    CAP_BPF,
    /** Tracing program types, and pointer leaks to user space. */
    CAP_PERFMON,
    /** Reboot, halt, crash dump: what destructive kfuncs need. */
    CAP_SYS_BOOT;

    public static Capability parse(String name) {
        String n = name.trim().toUpperCase(java.util.Locale.ROOT);
        if (!n.startsWith("CAP_")) n = "CAP_" + n;
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new BpfException(Errno.EINVAL, "unknown capability '" + name + "'");
        }
    }
}
