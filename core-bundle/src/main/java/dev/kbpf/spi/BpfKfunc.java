package dev.kbpf.spi;

import java.util.Objects;

/** A kfunc as a provider offers it: its description (name, prototype, flags, program types) and its body. */
public record BpfKfunc(KfuncDescriptor descriptor, HelperFunction function) {
    public BpfKfunc {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(function, "function");
    }

    public String name() { return descriptor.name(); }
}
