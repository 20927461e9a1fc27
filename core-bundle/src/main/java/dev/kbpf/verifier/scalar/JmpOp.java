package dev.kbpf.verifier.scalar;

import dev.kbpf.isa.Opcodes;

/** The conditional jumps of RFC 9669 (section 4.3) that compare two scalars. */
public enum JmpOp {
    JEQ, JNE, JGT, JGE, JLT, JLE, JSGT, JSGE, JSLT, JSLE,
    /** Taken when {@code a & b != 0}. */
    JSET,
    /**
     * The fall-through of {@link #JSET} ({@code a & b == 0}); not an instruction, the negation the
     * kernel writes {@code BPF_JSET | BPF_X} in {@code rev_opcode}.
     */
    JSET_NOT;

    /** The comparison that holds exactly when this one does not (kernel {@code rev_opcode}). */
    public JmpOp negate() {
        return switch (this) {
            case JEQ -> JNE;
            case JNE -> JEQ;
            case JGT -> JLE;
            case JLE -> JGT;
            case JGE -> JLT;
            case JLT -> JGE;
            case JSGT -> JSLE;
            case JSLE -> JSGT;
            case JSGE -> JSLT;
            case JSLT -> JSGE;
            case JSET -> JSET_NOT;
            case JSET_NOT -> JSET;
        };
    }

    /** The comparison with its operands exchanged ({@code a < b} is {@code b > a}; kernel {@code flip_opcode}). */
    public JmpOp swapOperands() {
        return switch (this) {
            case JGT -> JLT;
            case JLT -> JGT;
            case JGE -> JLE;
            case JLE -> JGE;
            case JSGT -> JSLT;
            case JSLT -> JSGT;
            case JSGE -> JSLE;
            case JSLE -> JSGE;
            default -> this;
        };
    }

    /** The comparison an opcode's operation field names, or {@code null} for JA, CALL, EXIT and invalid fields. */
    public static JmpOp of(int opcode) {
        return switch (Opcodes.jmpOp(opcode)) {
            case Opcodes.JEQ -> JEQ;
            case Opcodes.JNE -> JNE;
            case Opcodes.JGT -> JGT;
            case Opcodes.JGE -> JGE;
            case Opcodes.JLT -> JLT;
            case Opcodes.JLE -> JLE;
            case Opcodes.JSGT -> JSGT;
            case Opcodes.JSGE -> JSGE;
            case Opcodes.JSLT -> JSLT;
            case Opcodes.JSLE -> JSLE;
            case Opcodes.JSET -> JSET;
            default -> null;
        };
    }

    /** The concrete comparison, in 64 bits or on the low 32 bits ({@code is32}). */
    public boolean test(long a, long b, boolean is32) {
        if (is32) {
            int x = (int) a;
            int y = (int) b;
            return switch (this) {
                case JEQ -> x == y;
                case JNE -> x != y;
                case JGT -> Integer.compareUnsigned(x, y) > 0;
                case JGE -> Integer.compareUnsigned(x, y) >= 0;
                case JLT -> Integer.compareUnsigned(x, y) < 0;
                case JLE -> Integer.compareUnsigned(x, y) <= 0;
                case JSGT -> x > y;
                case JSGE -> x >= y;
                case JSLT -> x < y;
                case JSLE -> x <= y;
                case JSET -> (x & y) != 0;
                case JSET_NOT -> (x & y) == 0;
            };
        }
        return switch (this) {
            case JEQ -> a == b;
            case JNE -> a != b;
            case JGT -> Long.compareUnsigned(a, b) > 0;
            case JGE -> Long.compareUnsigned(a, b) >= 0;
            case JLT -> Long.compareUnsigned(a, b) < 0;
            case JLE -> Long.compareUnsigned(a, b) <= 0;
            case JSGT -> a > b;
            case JSGE -> a >= b;
            case JSLT -> a < b;
            case JSLE -> a <= b;
            case JSET -> (a & b) != 0;
            case JSET_NOT -> (a & b) == 0;
        };
    }
}
