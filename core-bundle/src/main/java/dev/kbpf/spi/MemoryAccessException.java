package dev.kbpf.spi;

/**
 * A BPF memory access that no region allows: outside every region, across a region's end,
 * a write to read-only memory, or a misaligned atomic. Unchecked: it stops the running program.
 *
 * <p>Core throws a subclass with more detail; helpers catch this type (for Linux's
 * {@code -EFAULT} results) without depending on core's private packages.
 */
public class MemoryAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long address;
    private final int size;

    public MemoryAccessException(long address, int size, String message) {
        super(message);
        this.address = address;
        this.size = size;
    }

    /** The BPF address of the first byte accessed. */
    public long address() { return address; }

    /** The number of bytes accessed. */
    public int size() { return size; }
}
