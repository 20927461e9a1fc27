package dev.kbpf.sysctl;

import java.time.Instant;
import java.util.Optional;

/** A change of one sysctl's value, as {@link SysctlListener}s are told of it. */
public record SysctlChange(Sysctl sysctl, int oldValue, int newValue, Cause cause, Optional<Instant> expiresAt) {

    /** Why the value changed. */
    public enum Cause {
        /** A holder of CAP_SYS_ADMIN wrote it. */
        WRITE,
        /** A write made for a limited time ran out: the value went back to its default. */
        EXPIRY,
        /** A stored value was restored when the sysctl was registered (a boot). */
        RESTORE
    }

    public String name() { return sysctl.name(); }
}
