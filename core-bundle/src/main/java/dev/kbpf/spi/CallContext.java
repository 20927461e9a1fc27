package dev.kbpf.spi;

import java.nio.charset.StandardCharsets;

/**
 * What a helper or kfunc sees of the program that calls it: the program's memory, by BPF address.
 *
 * <p>A BPF address is 64 bits: a region id in the high 32 bits, an offset inside the region in
 * the low 32 (context, stack frames, map values, ring buffers, read-only data; id 0 is NULL).
 * Every method checks the whole access against one region and throws
 * {@link MemoryAccessException} when it leaves the region, hits no region, or writes read-only
 * memory — a helper that wants Linux's {@code -EFAULT} behaviour (as {@code bpf_probe_read} does)
 * catches it.
 *
 * <p>One context belongs to one running program on one thread; it is valid only during the call.
 * The runtime extends this interface as helpers need more (current task, the program, …);
 * core-internal helpers reach the executor's own objects through {@link #unwrap(Class)}.
 */
public interface CallContext {

    /** Copies {@code len} bytes starting at {@code addr} into {@code dst[dstOff..]}. */
    void read(long addr, byte[] dst, int dstOff, int len);

    /** Copies {@code src[srcOff..srcOff+len)} to memory starting at {@code addr}. */
    void write(long addr, byte[] src, int srcOff, int len);

    /** Reads a little-endian unsigned value of 1, 2, 4 or 8 bytes. */
    long load(long addr, int size);

    /** Writes the low {@code size} (1, 2, 4 or 8) bytes of {@code value}, little-endian. */
    void store(long addr, int size, long value);

    /** Reads {@code len} bytes starting at {@code addr}. */
    default byte[] readBytes(long addr, int len) {
        if (len < 0) throw new IllegalArgumentException("negative length " + len);
        byte[] out = new byte[len];
        read(addr, out, 0, len);
        return out;
    }

    /** Writes all of {@code bytes} starting at {@code addr}. */
    default void writeBytes(long addr, byte[] bytes) { write(addr, bytes, 0, bytes.length); }

    /**
     * Reads a NUL-terminated string of at most {@code max} bytes (the NUL included), decoded as
     * UTF-8. Without a NUL within {@code max} bytes the first {@code max} bytes are returned, as
     * {@code bpf_probe_read_str} truncates. Only the bytes up to the NUL need to be addressable.
     */
    default String readCString(long addr, int max) {
        byte[] buf = new byte[Math.max(0, max)];
        int n = 0;
        while (n < buf.length) {
            byte b = (byte) load(addr + n, 1);
            if (b == 0) break;
            buf[n++] = b;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * The executor's own object of the given type behind this context (for example core's
     * address space), or {@code null} if it has none — the door for core-internal helpers that
     * need more than this interface, without making the SPI depend on core's private packages.
     */
    <T> T unwrap(Class<T> type);

    /**
     * The runtime's services for helpers: maps, ring buffers, tail calls, callbacks, the trace
     * pipe. Outside a runtime (tests, the conformance plugin) every service answers
     * {@code -ENOTSUPP}.
     */
    HelperServices services();
}
