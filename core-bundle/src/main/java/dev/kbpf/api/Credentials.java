package dev.kbpf.api;

import java.util.EnumSet;
import java.util.Set;

/** The capabilities of whoever calls bpf(2). */
public record Credentials(Set<Capability> capabilities) {

    public Credentials {
        capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
    }

    /** Every capability: root running bpftool. */
    public static Credentials root() { return new Credentials(EnumSet.allOf(Capability.class)); }

    public static Credentials none() { return new Credentials(Set.of()); }

    public static Credentials of(Capability... caps) { return new Credentials(Set.of(caps)); }

    /** True if held directly or, for CAP_BPF and CAP_PERFMON, through CAP_SYS_ADMIN as Linux allows. */
    public boolean has(Capability cap) {
        if (capabilities.contains(cap)) return true;
        return (cap == Capability.CAP_BPF || cap == Capability.CAP_PERFMON) && capabilities.contains(Capability.CAP_SYS_ADMIN);
    }
}
