package dev.kbpf.verifier;

/**
 * Which of the destructive guard rails of DESIGN.md apply at load time. The rails are always
 * checked in the same order; a policy only decides how many of them there are.
 */
public enum DestructivePolicy {
    /**
     * All four rails: program type, {@code CAP_SYS_BOOT}, the {@code BPF_F_DESTRUCTIVE} load flag and
     * the sysctl {@code kernel.destructive_bpf_enabled} (the first version of the Linux patch set).
     */
    FULL,
    /** Rails 1 and 2 only (program type and {@code CAP_SYS_BOOT}), as Linux 6.1 merged {@code KF_DESTRUCTIVE}. */
    LINUX_6_1
}
