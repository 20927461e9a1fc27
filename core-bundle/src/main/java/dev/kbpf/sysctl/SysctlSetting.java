package dev.kbpf.sysctl;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One sysctl's value as it is listed and stored: the name, the value and, for a write made for
 * a limited time, the instant at which it returns to its default.
 */
public record SysctlSetting(String name, int value, Optional<Instant> expiresAt) {

    public SysctlSetting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expiresAt, "expiresAt (use Optional.empty())");
    }

    public static SysctlSetting permanent(String name, int value) { return new SysctlSetting(name, value, Optional.empty()); }

    /** As {@code sysctl -a} prints it: {@code kernel.panic = 0}, with the expiry when there is one. */
    @Override
    public String toString() {
        return name + " = " + value + expiresAt.map(t -> " (until " + t + ")").orElse("");
    }
}
