package dev.kbpf.helpers.tracing;

import dev.kbpf.api.Errno;
import dev.kbpf.spi.CallContext;
import dev.kbpf.spi.MemoryAccessException;
import java.util.Arrays;

/**
 * The {@code bpf_probe_read} family: copies from any address into the program's memory,
 * without trusting the address. kbpf has one address space (BPF addresses: a region and an
 * offset), so the {@code _user} and {@code _kernel} variants and the legacy ones read the same
 * memory, as Linux's legacy {@code bpf_probe_read} does on architectures where the address alone
 * tells user from kernel.
 *
 * <p>As Linux: when the source is not readable the whole destination is zeroed and the answer is
 * {@code -EFAULT}, so a program ignoring the result never sees stale bytes.
 */
final class ProbeRead {
    private ProbeRead() {}

    private static final long EFAULT = Errno.EFAULT.negative();

    /** Scratch space per thread, so that a read allocates nothing once the thread has read that much. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);
    /** Larger reads get a buffer of their own, so that no thread keeps a huge one for ever. */
    private static final int MAX_KEPT = 64 * 1024;

    private static byte[] scratch(int size) {
        byte[] b = SCRATCH.get();
        if (b.length >= size) return b;
        if (size > MAX_KEPT) return new byte[size];
        b = new byte[Math.min(MAX_KEPT, Math.max(size, b.length * 2))];
        SCRATCH.set(b);
        return b;
    }

    /**
     * {@code long bpf_probe_read_kernel(dst, size, unsafe_ptr)} (and {@code _user}, and the legacy
     * {@code bpf_probe_read}): 0, or {@code -EFAULT} with {@code size} zero bytes at {@code dst}.
     */
    static long read(CallContext ctx, long dst, long size, long src, long r4, long r5) {
        int n = (int) (size & 0xffff_ffffL);
        if (n <= 0) return 0;
        byte[] buf = scratch(n);
        try {
            ctx.read(src, buf, 0, n);
        } catch (MemoryAccessException fault) {
            zero(ctx, dst, n);
            return EFAULT;
        }
        ctx.write(dst, buf, 0, n);
        return 0;
    }

    /**
     * {@code long bpf_probe_read_kernel_str(dst, size, unsafe_ptr)} (and {@code _user_str}, and the
     * legacy {@code bpf_probe_read_str}): copies a NUL-terminated string of at most {@code size}
     * bytes, NUL included — a longer one is cut to {@code size - 1} bytes and a NUL — and answers its
     * length with the NUL; bytes of {@code dst} after the NUL are left alone. Only the bytes up to the
     * NUL need to be readable. A fault zeroes all of {@code dst} and answers {@code -EFAULT}.
     */
    static long readStr(CallContext ctx, long dst, long size, long src, long r4, long r5) {
        int n = (int) (size & 0xffff_ffffL);
        if (n <= 0) return 0;
        byte[] buf = scratch(n);
        int len;
        try {
            len = copyString(ctx, src, buf, n);
        } catch (MemoryAccessException fault) {
            zero(ctx, dst, n);
            return EFAULT;
        }
        ctx.write(dst, buf, 0, len + 1);
        return len + 1;
    }

    /** Reads the string at {@code src} into {@code buf}, at most {@code n - 1} bytes then a NUL; answers its length without the NUL. */
    private static int copyString(CallContext ctx, long src, byte[] buf, int n) {
        int len;
        try {
            // usually all n bytes are readable: one bounds check instead of one per byte
            ctx.read(src, buf, 0, n);
            len = 0;
            while (len < n - 1 && buf[len] != 0) len++;
        } catch (MemoryAccessException nearTheEnd) {
            // the string may end before the region does: only its own bytes must be readable
            len = 0;
            while (len < n - 1) {
                byte b = (byte) ctx.load(src + len, 1);
                if (b == 0) break;
                buf[len++] = b;
            }
        }
        buf[len] = 0;
        return len;
    }

    private static void zero(CallContext ctx, long dst, int n) {
        byte[] zeros = scratch(Math.min(n, 4096));
        Arrays.fill(zeros, 0, Math.min(n, 4096), (byte) 0);
        for (int off = 0; off < n; off += 4096) ctx.write(dst + off, zeros, 0, Math.min(4096, n - off));
    }
}
