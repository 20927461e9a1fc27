package dev.kbpf.verifier;

import dev.kbpf.spi.KfuncDescriptor;

import java.util.Objects;

/**
 * A kfunc as the registry answered the verifier: the numeric id the call instruction carries in
 * its {@code imm} (Linux: the BTF id) and the descriptor registered under it.
 */
public record ResolvedKfunc(int id, KfuncDescriptor descriptor) {
    public ResolvedKfunc {
        Objects.requireNonNull(descriptor, "descriptor");
    }

    public String name() { return descriptor.name(); }
}
