package dev.kbpf.spi;

/** Why a crash dump was taken: which call asked for it. */
public enum CrashReason {
    /** {@code bpf_panic(msg)}: the dump of a panic, before the machine halts or reboots. */
    PANIC("bpf_panic"),
    /** {@code crash_kexec()}: a dump, then a reboot, as Linux's kfunc. */
    CRASH_KEXEC("crash_kexec"),
    /** {@code bpf_crash_dump(msg)}: a dump, and the system carries on. */
    CRASH_DUMP("bpf_crash_dump");

    private final String kfunc;

    CrashReason(String kfunc) { this.kfunc = kfunc; }

    /** The kfunc that takes a dump for this reason. */
    public String kfunc() { return kfunc; }
}
