package dev.kbpf.helpers.tracing;

import dev.kbpf.api.Errno;
import dev.kbpf.spi.CallContext;
import java.nio.charset.StandardCharsets;

/**
 * {@code bpf_trace_printk} and {@code bpf_snprintf}: Linux's BPF printf ({@link Bprintf}) to the
 * trace pipe or into program memory.
 */
final class PrintHelpers {
    private PrintHelpers() {}

    /** Linux's {@code MAX_TRACE_PRINTK_VARARGS}: {@code bpf_trace_printk} takes three values. */
    static final int TRACE_PRINTK_VARARGS = 3;
    /** Linux's {@code MAX_BPRINTF_BUF}: a trace_printk line keeps at most this many bytes, NUL included. */
    static final int MAX_BPRINTF_BUF = 1024;
    /** The longest constant format string {@code bpf_snprintf} reads (the verifier has checked it ends). */
    private static final int MAX_FORMAT = 64 * 1024;

    /**
     * {@code long bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3)}: one line on the trace pipe.
     * The format must end with a NUL within {@code fmt_size} bytes. Answers the length of the
     * formatted text (which the line keeps up to 1023 bytes), or {@code -EINVAL} / {@code -ENOSPC}
     * for a format Linux refuses (then nothing is printed). One trailing newline of the text ends
     * the line rather than being part of it, as the trace pipe shows it.
     */
    static long tracePrintk(CallContext ctx, long fmt, long fmtSize, long a1, long a2, long a3) {
        byte[] format = formatWithin(ctx, fmt, (int) Math.min(fmtSize & 0xffff_ffffL, Integer.MAX_VALUE));
        if (format == null) return Errno.EINVAL.negative();
        Bprintf.Formatted text;
        try {
            text = Bprintf.format(ctx, format, new long[] {a1, a2, a3}, TRACE_PRINTK_VARARGS, MAX_BPRINTF_BUF - 1);
        } catch (FormatException refused) {
            return refused.errno().negative();
        }
        byte[] b = text.bytes();
        int n = b.length > 0 && b[b.length - 1] == '\n' ? b.length - 1 : b.length;
        ctx.services().tracePrintk(ctx, new String(b, 0, n, StandardCharsets.UTF_8));
        return text.length();
    }

    /**
     * {@code long bpf_snprintf(str, str_size, fmt, data, data_len)}: formats with the
     * {@code data_len / 8} values at {@code data} into {@code str}, at most {@code str_size - 1}
     * bytes and a NUL (nothing when {@code str_size} is 0). Answers the length the whole text
     * needs, NUL included; {@code -EINVAL} when {@code data_len} is not a multiple of 8, exceeds
     * 12 values, or comes without data, or for a bad format; {@code -ENOSPC} when the arguments
     * overflow the argument buffer. On an error {@code str} is left alone.
     */
    static long snprintf(CallContext ctx, long str, long strSize, long fmt, long data, long dataLen) {
        long len = dataLen & 0xffff_ffffL;
        if (len % 8 != 0 || len > Bprintf.MAX_VARARGS * 8L || (len != 0 && data == 0)) return Errno.EINVAL.negative();
        int numArgs = (int) (len / 8);
        long[] args = new long[numArgs];
        for (int k = 0; k < numArgs; k++) args[k] = ctx.load(data + 8L * k, 8);
        byte[] format = formatWithin(ctx, fmt, MAX_FORMAT);
        if (format == null) return Errno.EINVAL.negative();
        int size = (int) Math.min(strSize & 0xffff_ffffL, Integer.MAX_VALUE);
        Bprintf.Formatted text;
        try {
            text = Bprintf.format(ctx, format, args, numArgs, Math.max(0, size - 1));
        } catch (FormatException refused) {
            return refused.errno().negative();
        }
        if (size > 0) {
            ctx.write(str, text.bytes(), 0, text.bytes().length);
            ctx.store(str + text.bytes().length, 1, 0);
        }
        return (long) text.length() + 1;
    }

    /** The bytes before the first NUL in {@code [addr, addr + max)}, or null when there is none. */
    private static byte[] formatWithin(CallContext ctx, long addr, int max) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(64);
        for (int i = 0; i < max; i++) {
            int b = (int) ctx.load(addr + i, 1);
            if (b == 0) return bytes.toByteArray();
            bytes.write(b);
        }
        return null;
    }
}
