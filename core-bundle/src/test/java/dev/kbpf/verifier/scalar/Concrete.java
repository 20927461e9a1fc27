package dev.kbpf.verifier.scalar;

/**
 * The concrete semantics of the ALU operations, written from RFC 9669 independently of the
 * abstract domain: the oracle of the soundness tests. Division by zero gives 0, modulo by zero
 * leaves the dividend, shift amounts are masked to the operation's width, {@code INT_MIN / -1}
 * wraps, and every 32-bit result is zero-extended.
 */
final class Concrete {
    private Concrete() {}

    static long alu(AluOp op, long dst, long src, boolean is64) {
        return is64 ? alu64(op, dst, src) : alu32(op, (int) dst, (int) src) & 0xffff_ffffL;
    }

    private static long alu64(AluOp op, long d, long s) {
        return switch (op) {
            case ADD -> d + s;
            case SUB -> d - s;
            case MUL -> d * s;
            case DIV -> s == 0 ? 0 : Long.divideUnsigned(d, s);
            case SDIV -> s == 0 ? 0 : (d == Long.MIN_VALUE && s == -1 ? Long.MIN_VALUE : d / s);
            case MOD -> s == 0 ? d : Long.remainderUnsigned(d, s);
            case SMOD -> s == 0 ? d : (s == -1 ? 0 : d % s);
            case OR -> d | s;
            case AND -> d & s;
            case XOR -> d ^ s;
            case LSH -> d << (s & 63);
            case RSH -> d >>> (s & 63);
            case ARSH -> d >> (s & 63);
            case MOV -> s;
            case MOVSX8 -> (byte) s;
            case MOVSX16 -> (short) s;
            case MOVSX32 -> (int) s;
            case NEG -> -d;
            case TO_LE16 -> d & 0xffff;
            case TO_LE32 -> d & 0xffff_ffffL;
            case TO_LE64 -> d;
            case TO_BE16, BSWAP16 -> Short.reverseBytes((short) d) & 0xffff;
            case TO_BE32, BSWAP32 -> Integer.reverseBytes((int) d) & 0xffff_ffffL;
            case TO_BE64, BSWAP64 -> Long.reverseBytes(d);
        };
    }

    /** The 32-bit result; the caller zero-extends it (byte-order operations are width-defined, see below). */
    private static int alu32(AluOp op, int d, int s) {
        return switch (op) {
            case ADD -> d + s;
            case SUB -> d - s;
            case MUL -> d * s;
            case DIV -> s == 0 ? 0 : Integer.divideUnsigned(d, s);
            case SDIV -> s == 0 ? 0 : (d == Integer.MIN_VALUE && s == -1 ? Integer.MIN_VALUE : d / s);
            case MOD -> s == 0 ? d : Integer.remainderUnsigned(d, s);
            case SMOD -> s == 0 ? d : (s == -1 ? 0 : d % s);
            case OR -> d | s;
            case AND -> d & s;
            case XOR -> d ^ s;
            case LSH -> d << (s & 31);
            case RSH -> d >>> (s & 31);
            case ARSH -> d >> (s & 31);
            case MOV -> s;
            case MOVSX8 -> (byte) s;
            case MOVSX16 -> (short) s;
            case NEG -> -d;
            default -> throw new IllegalArgumentException(op + " has no 32-bit form");
        };
    }

    /** The byte-order operations work on the whole register whatever the class. */
    static long endian(AluOp op, long d) {
        return alu64(op, d, 0);
    }
}
