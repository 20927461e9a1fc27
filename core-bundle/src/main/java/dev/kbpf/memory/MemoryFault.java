package dev.kbpf.memory;

import dev.kbpf.spi.MemoryAccessException;

/**
 * A BPF memory access that no region allows. The message names the address, the size, the kind
 * of access and, when the region exists, which region and why.
 */
public final class MemoryFault extends MemoryAccessException {
    private static final long serialVersionUID = 1L;

    private final AccessKind kind;

    public MemoryFault(long address, int size, AccessKind kind, String reason) {
        super(address, size, "invalid " + kind.verb() + " of " + size + " byte" + (size == 1 ? "" : "s") + " at 0x"
                + Long.toHexString(address) + " (" + Address.describe(address) + "): " + reason);
        this.kind = kind;
    }

    public AccessKind kind() { return kind; }
}
