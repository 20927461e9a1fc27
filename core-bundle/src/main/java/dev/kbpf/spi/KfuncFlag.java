package dev.kbpf.spi;

/** kfunc flags, as Linux's {@code KF_*} in include/linux/btf.h. */
public enum KfuncFlag {
    /** Returns a reference the program must release. */
    KF_ACQUIRE,
    /** Releases the reference passed as its first argument. */
    KF_RELEASE,
    /** May return NULL: the program must check. */
    KF_RET_NULL,
    /** Acts on the whole system (panic, reboot, crash dump): behind the destructive guard rails. */
    KF_DESTRUCTIVE
}
