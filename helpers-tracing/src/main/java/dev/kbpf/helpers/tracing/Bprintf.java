package dev.kbpf.helpers.tracing;

import dev.kbpf.api.Errno;
import dev.kbpf.spi.CallContext;
import dev.kbpf.spi.MemoryAccessException;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The printf of BPF programs, shared by {@code bpf_trace_printk} and {@code bpf_snprintf}: the
 * checks of Linux's {@code bpf_bprintf_prepare} (kernel/bpf/helpers.c) and the output of its
 * {@code bstr_printf} (lib/vsprintf.c), in one pass.
 *
 * <p>Accepted, as Linux: printable ASCII and white space; {@code %%}; conversions
 * {@code %[flags][width][l|ll]{d,i,u,x,X}}, {@code %c}, {@code %s}, {@code %p} with flags
 * {@code 0 + - space} and a decimal width (no precision, no {@code *}). {@code %d %i %u %x %X}
 * print the low 32 bits of their argument, {@code %l…} and {@code %ll…} all 64. Pointers:
 * {@code %p} and {@code %pK} print a hash of the address ({@code 00000000} and 8 hex digits,
 * its real value only for NULL and error values), {@code %px} the address, {@code %ps}, {@code %pS},
 * {@code %pB} {@code 0x} and the address (kbpf has no symbols), {@code %pks} and {@code %pus} the
 * string there, {@code %pI4 %pi4 %pI6 %pi6} the IPv4 or IPv6 address stored there. A string or
 * address that cannot be read prints as empty (zeros for an IP address). {@code %s} must be
 * followed by the end, white space or punctuation. Anything else is {@code -EINVAL}; more
 * conversions than arguments too; {@code -ENOSPC} when the arguments do not fit Linux's
 * {@value #MAX_BIN_ARGS}-byte argument buffer (strings count with their NUL).
 *
 * <p>The output is bytes, as the kernel's; it is kept up to a capacity while its full length is
 * counted, so that huge widths cost no memory.
 */
final class Bprintf {
    private Bprintf() {}

    /** Linux's {@code MAX_BPRINTF_BIN_ARGS}: bytes of converted arguments a format may use. */
    static final int MAX_BIN_ARGS = 512;
    /** Linux's {@code MAX_BPRINTF_VARARGS}: arguments {@code bpf_snprintf} takes at most. */
    static final int MAX_VARARGS = 12;
    /** Linux's {@code FIELD_WIDTH_MAX}: larger widths are clamped. */
    static final int FIELD_WIDTH_MAX = (1 << 23) - 1;

    /** Per-JVM key of the {@code %p} hash, as Linux keys its pointer hash per boot. */
    private static final long POINTER_KEY = ThreadLocalRandom.current().nextLong();

    private static final int LEFT = 1, PLUS = 2, SPACE = 4, ZEROPAD = 8;

    /** The formatted text: the first {@code min(length, capacity)} bytes, and the full length. */
    record Formatted(byte[] bytes, int length) {}

    /**
     * Checks and formats {@code fmt} (the format's bytes without its NUL) with {@code args[0..numArgs)}.
     *
     * @param ctx      reads {@code %s} strings and {@code %pI} addresses
     * @param capacity how many output bytes to keep
     * @throws FormatException with {@code EINVAL} or {@code ENOSPC}, as Linux refuses the format
     */
    static Formatted format(CallContext ctx, byte[] fmt, long[] args, int numArgs, int capacity) {
        return new Run(ctx, fmt, args, numArgs, capacity).format();
    }

    private static final class Run {
        final CallContext ctx;
        final byte[] fmt;
        final long[] args;
        final int numArgs;
        final byte[] out;
        int length;
        /** Bytes used in Linux's argument buffer. */
        int binPos;

        Run(CallContext ctx, byte[] fmt, long[] args, int numArgs, int capacity) {
            this.ctx = ctx;
            this.fmt = fmt;
            this.args = args;
            this.numArgs = numArgs;
            this.out = new byte[Math.max(0, capacity)];
        }

        /** The format's byte at {@code i}, or 0 past its end (the NUL). */
        int at(int i) { return i < fmt.length ? fmt[i] & 0xff : 0; }

        Formatted format() {
            int numSpec = 0;
            int i = 0;
            while (i < fmt.length) {
                int c = at(i);
                if ((!isPrint(c) && !isSpace(c)) || c >= 0x80) {
                    throw new FormatException(Errno.EINVAL, "format byte " + i + " (0x" + Integer.toHexString(c)
                            + ") is neither printable ASCII nor white space");
                }
                if (c != '%') {
                    put(c);
                    i++;
                    continue;
                }
                if (at(i + 1) == '%') {
                    put('%');
                    i += 2;
                    continue;
                }
                int start = i;
                if (numSpec >= numArgs) {
                    throw new FormatException(Errno.EINVAL, "conversion at byte " + start + " has no argument: "
                            + numArgs + " given");
                }
                long arg = args[numSpec];
                i++;
                int flags = 0;
                for (;; i++) {
                    int f = at(i);
                    if (f == '0') flags |= ZEROPAD;
                    else if (f == '+') flags |= PLUS;
                    else if (f == '-') flags |= LEFT;
                    else if (f == ' ') flags |= SPACE;
                    else break;
                }
                if ((flags & LEFT) != 0) flags &= ~ZEROPAD;
                int width = -1;
                if (at(i) >= '1' && at(i) <= '9') {
                    width = 0;
                    while (at(i) >= '0' && at(i) <= '9') {
                        width = Math.min(FIELD_WIDTH_MAX, width * 10 + (at(i) - '0'));
                        i++;
                    }
                }
                int conv = at(i);
                if (conv == 'p') {
                    i = pointer(i, arg, flags, width, start);
                } else if (conv == 's') {
                    stringAfter(i, start);
                    string(readString(arg), flags, width);
                    i++;
                } else if (conv == 'c') {
                    needBytes(1, start);
                    binPos++;
                    pad(!leftAligned(flags) ? width - 1 : 0);
                    put((int) arg & 0xff);
                    pad(leftAligned(flags) ? width - 1 : 0);
                    i++;
                } else {
                    int size = 4;
                    if (at(i) == 'l') {
                        size = 8;
                        i++;
                    }
                    if (at(i) == 'l') i++;
                    conv = at(i);
                    if (conv != 'd' && conv != 'i' && conv != 'u' && conv != 'x' && conv != 'X') {
                        throw new FormatException(Errno.EINVAL, "unsupported conversion '" + text(start, i + 1)
                                + "' at byte " + start + ": use %d %i %u %x %X (with l or ll), %c, %s, %p");
                    }
                    numberArg(size, start);
                    boolean signed = conv == 'd' || conv == 'i';
                    long v = size == 8 ? arg : signed ? (long) (int) arg : arg & 0xffff_ffffL;
                    number(v, conv == 'x' || conv == 'X' ? 16 : 10, signed, conv == 'x', flags, width);
                    i++;
                }
                numSpec++;
            }
            return new Formatted(Arrays.copyOf(out, Math.min(length, out.length)), length);
        }

        /** {@code %p…} at {@code i}; answers where the format goes on. */
        private int pointer(int i, long arg, int flags, int width, int start) {
            int next = at(i + 1);
            if ((next == 'k' || next == 'u') && at(i + 2) == 's') {
                stringAfter(i + 2, start);
                string(readString(arg), flags, width);
                return i + 3;
            }
            if (next == 0 || isSpace(next) || isPunct(next) || next == 'K' || next == 'x' || next == 's' || next == 'S') {
                numberArg(8, start);
                if (next == 's' || next == 'S') string(symbol(arg), flags, width);
                else if (next == 'x') pointerValue(arg, flags, width);
                else pointerValue(isErrOrNull(arg) ? arg : hash(arg), flags, width);
                return skipAlnum(i + 1);
            }
            if (next == 'B') {
                byte[] s = symbol(arg);
                string(Arrays.copyOf(s, stored(s.length)), flags, width);
                return skipAlnum(i + 1);
            }
            int family = at(i + 2);
            if ((next != 'i' && next != 'I') || (family != '4' && family != '6')) {
                throw new FormatException(Errno.EINVAL, "unsupported pointer conversion '" + text(start, Math.min(fmt.length, i + 3))
                        + "' at byte " + start + ": use %p %pK %px %ps %pS %pB %pks %pus %pI4 %pi4 %pI6 %pi6");
            }
            int size = family == '4' ? 4 : 16;
            if (MAX_BIN_ARGS - binPos < size) throw noSpace(start);
            byte[] ip = new byte[size];
            try {
                ctx.read(arg, ip, 0, size);
            } catch (MemoryAccessException unreadable) {
                Arrays.fill(ip, (byte) 0);
            }
            byte[] s = ipString(ip, next == 'I').getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            string(Arrays.copyOf(s, stored(s.length)), flags, width);
            return skipAlnum(i + 3);
        }

        /** Linux stores a pre-formatted string in what is left of the argument buffer: it is cut to fit, and uses its length and a NUL. */
        private int stored(int len) {
            int room = MAX_BIN_ARGS - binPos;
            int kept = room <= 0 ? 0 : Math.min(len, room - 1);
            binPos = Math.min(MAX_BIN_ARGS, binPos + len + 1);
            return kept;
        }

        /** Like vsnprintf, the letters after a pointer conversion belong to it. */
        private int skipAlnum(int i) {
            while (Character.isLetterOrDigit(at(i)) && at(i) < 0x80) i++;
            return i;
        }

        /** {@code %s} must end the format or be followed by white space or punctuation. */
        private void stringAfter(int i, int start) {
            int next = at(i + 1);
            if (next != 0 && !isSpace(next) && !isPunct(next)) {
                throw new FormatException(Errno.EINVAL, "'" + text(start, i + 1) + "' at byte " + start
                        + " is followed by '" + (char) next + "': a string conversion must be followed by white space or punctuation");
            }
            if (binPos >= MAX_BIN_ARGS) throw noSpace(start);
        }

        /** An integer or pointer argument: 4-byte aligned in the argument buffer. */
        private void numberArg(int size, int start) {
            binPos = (binPos + 3) & ~3;
            if (MAX_BIN_ARGS - binPos < size) throw noSpace(start);
            binPos += size;
        }

        private void needBytes(int n, int start) {
            if (MAX_BIN_ARGS - binPos < n) throw noSpace(start);
        }

        private FormatException noSpace(int start) {
            return new FormatException(Errno.ENOSPC, "conversion at byte " + start + " overflows the "
                    + MAX_BIN_ARGS + "-byte argument buffer");
        }

        /**
         * The string at {@code addr}, as {@code strncpy_from_kernel_nofault} copies it into what is
         * left of the argument buffer: cut to fit with its NUL; empty when unreadable.
         */
        private byte[] readString(long addr) {
            int room = MAX_BIN_ARGS - binPos;
            byte[] buf = new byte[room];
            int len = 0;
            try {
                while (len < room - 1) {
                    byte b = (byte) ctx.load(addr + len, 1);
                    if (b == 0) break;
                    buf[len++] = b;
                }
            } catch (MemoryAccessException unreadable) {
                len = 0;
            }
            binPos += len + 1;
            return Arrays.copyOf(buf, len);
        }

        private void string(byte[] s, int flags, int width) {
            int spaces = width - s.length;
            if (!leftAligned(flags)) pad(spaces);
            for (byte b : s) put(b & 0xff);
            if (leftAligned(flags)) pad(spaces);
        }

        /** {@code pointer_string}: hex, 16 digits zero-padded unless a width is given. */
        private void pointerValue(long v, int flags, int width) {
            if (width == -1) number(v, 16, false, true, flags | ZEROPAD, 16);
            else number(v, 16, false, true, flags, width);
        }

        /** vsprintf's {@code number()}: sign, padding with spaces or zeros, digits. */
        private void number(long v, int base, boolean signed, boolean small, int flags, int width) {
            char sign = 0;
            if (signed) {
                if (v < 0) {
                    sign = '-';
                } else if ((flags & PLUS) != 0) {
                    sign = '+';
                } else if ((flags & SPACE) != 0) {
                    sign = ' ';
                }
            }
            String digits;
            if (base == 16) digits = Long.toHexString(v);
            else if (signed && v < 0) digits = v == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(-v);
            else digits = Long.toUnsignedString(v);
            if (base == 16 && !small) digits = digits.toUpperCase(java.util.Locale.ROOT);
            int rest = width - digits.length() - (sign != 0 ? 1 : 0);
            if ((flags & (LEFT | ZEROPAD)) == 0) pad(rest);
            if (sign != 0) put(sign);
            if ((flags & LEFT) == 0 && (flags & ZEROPAD) != 0) repeat('0', rest);
            for (int k = 0; k < digits.length(); k++) put(digits.charAt(k));
            if ((flags & LEFT) != 0) pad(rest);
        }

        private static boolean leftAligned(int flags) { return (flags & LEFT) != 0; }

        private void pad(int n) { repeat(' ', n); }

        private void repeat(int c, int n) {
            if (n <= 0) return;
            int keep = Math.max(0, Math.min(n, out.length - length));
            Arrays.fill(out, Math.min(length, out.length), Math.min(length, out.length) + keep, (byte) c);
            length = (int) Math.min(Integer.MAX_VALUE, (long) length + n);
        }

        private void put(int b) {
            if (length < out.length) out[length] = (byte) b;
            if (length < Integer.MAX_VALUE) length++;
        }

        private String text(int from, int to) {
            return new String(fmt, from, Math.max(0, Math.min(to, fmt.length) - from), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** Linux's {@code IS_ERR_OR_NULL}: NULL and the error values -4095..-1 print as they are. */
    static boolean isErrOrNull(long p) { return p == 0 || Long.compareUnsigned(p, -4095L) >= 0; }

    /** The 32-bit identifier {@code %p} prints instead of an address (Linux masks its siphash to 32 bits). */
    static long hash(long p) {
        long h = p ^ POINTER_KEY;
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h & 0xffff_ffffL;
    }

    /** {@code %ps} of an address no symbol covers: {@code 0x} and hex, as kallsyms answers. */
    private static byte[] symbol(long p) {
        return ("0x" + Long.toHexString(p)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** {@code %pI4} dotted decimal, {@code %pi4} three digits per byte; {@code %pI6} colon-separated groups, {@code %pi6} 32 hex digits. */
    static String ipString(byte[] ip, boolean separators) {
        StringBuilder sb = new StringBuilder(40);
        if (ip.length == 4) {
            for (int k = 0; k < 4; k++) {
                if (k > 0) sb.append('.');
                int b = ip[k] & 0xff;
                if (separators) sb.append(b);
                else sb.append((char) ('0' + b / 100)).append((char) ('0' + b / 10 % 10)).append((char) ('0' + b % 10));
            }
        } else {
            for (int k = 0; k < 16; k++) {
                if (separators && k > 0 && k % 2 == 0) sb.append(':');
                sb.append(Character.forDigit((ip[k] >> 4) & 0xf, 16)).append(Character.forDigit(ip[k] & 0xf, 16));
            }
        }
        return sb.toString();
    }

    /** The kernel's {@code isprint} in ASCII. */
    static boolean isPrint(int c) { return c >= 0x20 && c <= 0x7e; }

    /** The kernel's {@code isspace} in ASCII. */
    static boolean isSpace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

    /** The kernel's {@code ispunct} in ASCII. */
    static boolean isPunct(int c) { return isPrint(c) && c != ' ' && !Character.isLetterOrDigit(c); }
}
