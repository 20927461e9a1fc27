package dev.kbpf.spi;

import java.util.Objects;

/** A stable helper as a provider offers it: what the verifier checks calls against, and the body executors call. */
public record BpfHelper(HelperDescriptor descriptor, HelperFunction function) {
    public BpfHelper {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(function, "function");
    }
}
