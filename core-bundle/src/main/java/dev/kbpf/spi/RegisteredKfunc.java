package dev.kbpf.spi;

/**
 * A kfunc known to the registry: the numeric id the registry gave it (what {@code call} with src
 * 2 carries in its imm once loaded), the set and bundle it came from, and the kfunc itself.
 */
public record RegisteredKfunc(int id, String setName, String providerBundle, BpfKfunc kfunc) {

    public String name() { return kfunc.descriptor().name(); }

    public KfuncDescriptor descriptor() { return kfunc.descriptor(); }
}
