package dev.kbpf.spi;

import java.util.Objects;

/** An installed OSGi bundle as a crash dump records it; {@code state} is OSGi's name ({@code ACTIVE}, {@code RESOLVED}, ...). */
public record BundleSnapshot(long id, String symbolicName, String version, String state) {
    public BundleSnapshot {
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(state, "state");
    }
}
