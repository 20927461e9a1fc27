package dev.kbpf.exec;

/**
 * The meaning of every RFC 9669 ALU, byte-swap and conditional-jump operation, as static methods.
 *
 * <p>This is the single definition both executors use: the interpreter calls these methods, the
 * JIT emits {@code invokestatic} to them (or inlines exactly the same expression), so the two
 * cannot drift (the Chicory pattern, DESIGN.md). Each method takes register values as
 * {@code long} and returns the new destination register value, already zero-extended for 32-bit
 * operations (RFC 9669 section 4.1: "the upper 32 bits of the destination register are zeroed").
 *
 * <p>Immediates: callers pass {@code (long) imm}, the 32-bit immediate sign-extended to 64
 * bits (RFC 9669 section 4.1 for ALU64, including unsigned DIV/MOD). The 32-bit operations only
 * look at the low 32 bits of their operands, so the same value serves ALU.
 */
public final class InsnSemantics {
    private InsnSemantics() {}

    private static final long LOW32 = 0xffffffffL;

    // ---------------------------------------------------------------- ALU64

    public static long add64(long dst, long src) { return dst + src; }
    public static long sub64(long dst, long src) { return dst - src; }
    public static long mul64(long dst, long src) { return dst * src; }
    public static long or64(long dst, long src) { return dst | src; }
    public static long and64(long dst, long src) { return dst & src; }
    public static long xor64(long dst, long src) { return dst ^ src; }
    /** Shift counts are masked with 63 (RFC 9669): Java's {@code <<} on long does exactly that. */
    public static long lsh64(long dst, long src) { return dst << src; }
    public static long rsh64(long dst, long src) { return dst >>> src; }
    public static long arsh64(long dst, long src) { return dst >> src; }
    public static long neg64(long dst) { return -dst; }

    /** Unsigned division; by zero the result is 0 (no trap). */
    public static long div64(long dst, long src) { return src == 0 ? 0 : Long.divideUnsigned(dst, src); }

    /** Unsigned modulo; by zero {@code dst} is unchanged. */
    public static long mod64(long dst, long src) { return src == 0 ? dst : Long.remainderUnsigned(dst, src); }

    /**
     * Signed division, truncating; by zero 0. {@code LLONG_MIN / -1} overflows to
     * {@code LLONG_MIN} (two's complement wrap, as Linux and the conformance suite expect);
     * Java's {@code /} already does this.
     */
    public static long sdiv64(long dst, long src) { return src == 0 ? 0 : dst / src; }

    /**
     * Signed modulo with truncated division (the sign follows the dividend, {@code -13 % 3 == -1},
     * RFC 9669); by zero {@code dst} is unchanged; {@code LLONG_MIN % -1 == 0}.
     */
    public static long smod64(long dst, long src) { return src == 0 ? dst : dst % src; }

    /**
     * MOVSX (ALU64, offset 8/16/32): sign-extend the low {@code bits} of src to 64 bits; the same as
     * {@link #sext8}, {@link #sext16}, {@link #sext32}, which executors call in hot code (small
     * methods inline everywhere).
     */
    public static long movsx64(long src, int bits) {
        return switch (bits) {
            case 8 -> (byte) src;
            case 16 -> (short) src;
            case 32 -> (int) src;
            default -> throw new IllegalArgumentException("movsx width must be 8, 16 or 32, not " + bits);
        };
    }

    // ---------------------------------------------------------------- ALU (32-bit), zero-extended results

    public static long add32(long dst, long src) { return (dst + src) & LOW32; }
    public static long sub32(long dst, long src) { return (dst - src) & LOW32; }
    public static long mul32(long dst, long src) { return ((int) dst * (int) src) & LOW32; }
    public static long or32(long dst, long src) { return (dst | src) & LOW32; }
    public static long and32(long dst, long src) { return (dst & src) & LOW32; }
    public static long xor32(long dst, long src) { return (dst ^ src) & LOW32; }
    public static long mov32(long src) { return src & LOW32; }
    /** Shift counts are masked with 31 (RFC 9669): Java's {@code <<} on int does exactly that. */
    public static long lsh32(long dst, long src) { return ((int) dst << (int) src) & LOW32; }
    public static long rsh32(long dst, long src) { return ((int) dst >>> (int) src) & LOW32; }
    public static long arsh32(long dst, long src) { return ((int) dst >> (int) src) & LOW32; }
    public static long neg32(long dst) { return -(int) dst & LOW32; }

    /** Unsigned 32-bit division; by zero 0. */
    public static long div32(long dst, long src) {
        return (int) src == 0 ? 0 : Integer.divideUnsigned((int) dst, (int) src) & LOW32;
    }

    /** Unsigned 32-bit modulo; by zero the low half of {@code dst}, zero-extended. */
    public static long mod32(long dst, long src) {
        return (int) src == 0 ? dst & LOW32 : Integer.remainderUnsigned((int) dst, (int) src) & LOW32;
    }

    /** Signed 32-bit division; by zero 0; {@code INT_MIN / -1 == INT_MIN}. */
    public static long sdiv32(long dst, long src) {
        return (int) src == 0 ? 0 : ((int) dst / (int) src) & LOW32;
    }

    /** Signed 32-bit modulo (truncated); by zero the low half of {@code dst}; {@code INT_MIN % -1 == 0}. */
    public static long smod32(long dst, long src) {
        return (int) src == 0 ? dst & LOW32 : ((int) dst % (int) src) & LOW32;
    }

    /** MOVSX (ALU, offset 8/16): sign-extend the low {@code bits} of src to 32 bits, then zero-extend: {@code mov32(sext8(src))}. */
    public static long movsx32(long src, int bits) {
        return switch (bits) {
            case 8 -> (byte) src & LOW32;
            case 16 -> (short) src & LOW32;
            default -> throw new IllegalArgumentException("32-bit movsx width must be 8 or 16, not " + bits);
        };
    }

    // ---------------------------------------------------------------- byte order (RFC 9669 section 4.2)

    /** {@code le16} on a little-endian machine: keep the low 16 bits. */
    public static long le16(long dst) { return dst & 0xffffL; }
    public static long le32(long dst) { return dst & LOW32; }
    public static long le64(long dst) { return dst; }

    /** {@code be16}/{@code bswap16}: swap the low 16 bits, zero the rest. */
    public static long bswap16(long dst) { return Short.reverseBytes((short) dst) & 0xffffL; }
    public static long bswap32(long dst) { return Integer.reverseBytes((int) dst) & LOW32; }
    public static long bswap64(long dst) { return Long.reverseBytes(dst); }

    // ---------------------------------------------------------------- sign extension (MEMSX loads, MOVSX)

    public static long sext8(long v) { return (byte) v; }
    public static long sext16(long v) { return (short) v; }
    public static long sext32(long v) { return (int) v; }

    // ---------------------------------------------------------------- conditional jumps, 64-bit

    public static boolean jeq64(long a, long b) { return a == b; }
    public static boolean jne64(long a, long b) { return a != b; }
    public static boolean jset64(long a, long b) { return (a & b) != 0; }
    public static boolean jgt64(long a, long b) { return Long.compareUnsigned(a, b) > 0; }
    public static boolean jge64(long a, long b) { return Long.compareUnsigned(a, b) >= 0; }
    public static boolean jlt64(long a, long b) { return Long.compareUnsigned(a, b) < 0; }
    public static boolean jle64(long a, long b) { return Long.compareUnsigned(a, b) <= 0; }
    public static boolean jsgt64(long a, long b) { return a > b; }
    public static boolean jsge64(long a, long b) { return a >= b; }
    public static boolean jslt64(long a, long b) { return a < b; }
    public static boolean jsle64(long a, long b) { return a <= b; }

    // ---------------------------------------------------------------- conditional jumps, 32-bit (JMP32: low halves)

    public static boolean jeq32(long a, long b) { return (int) a == (int) b; }
    public static boolean jne32(long a, long b) { return (int) a != (int) b; }
    public static boolean jset32(long a, long b) { return ((int) a & (int) b) != 0; }
    public static boolean jgt32(long a, long b) { return Integer.compareUnsigned((int) a, (int) b) > 0; }
    public static boolean jge32(long a, long b) { return Integer.compareUnsigned((int) a, (int) b) >= 0; }
    public static boolean jlt32(long a, long b) { return Integer.compareUnsigned((int) a, (int) b) < 0; }
    public static boolean jle32(long a, long b) { return Integer.compareUnsigned((int) a, (int) b) <= 0; }
    public static boolean jsgt32(long a, long b) { return (int) a > (int) b; }
    public static boolean jsge32(long a, long b) { return (int) a >= (int) b; }
    public static boolean jslt32(long a, long b) { return (int) a < (int) b; }
    public static boolean jsle32(long a, long b) { return (int) a <= (int) b; }
}
