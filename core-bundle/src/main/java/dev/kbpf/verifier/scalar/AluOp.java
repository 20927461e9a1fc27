package dev.kbpf.verifier.scalar;

import dev.kbpf.isa.Opcodes;

/**
 * Every BPF ALU operation (RFC 9669 section 4.1 and 4.2) as the scalar domain sees it: the signed
 * division and modulo ({@code off = 1}), the sign-extending moves ({@code off = 8/16/32}) and the
 * byte-order operations each get their own constant, so that one value names exactly one
 * concrete function. Unary operations ({@link #NEG}, the byte swaps) ignore their source operand.
 */
public enum AluOp {
    ADD, SUB, MUL, DIV, SDIV, MOD, SMOD, OR, AND, XOR, LSH, RSH, ARSH,
    /** {@code dst = src}. */
    MOV,
    /** {@code dst = (s8) src}: {@code MOVSX} with {@code off = 8}. */
    MOVSX8,
    /** {@code dst = (s16) src}: {@code MOVSX} with {@code off = 16}. */
    MOVSX16,
    /** {@code dst = (s32) src}: {@code MOVSX} with {@code off = 32} (64-bit class only). */
    MOVSX32,
    /** {@code dst = -dst}. */
    NEG,
    /** {@code BPF_ALU | BPF_END | BPF_TO_LE}, imm 16/32/64: on a little-endian machine a zero-extending truncation. */
    TO_LE16, TO_LE32, TO_LE64,
    /** {@code BPF_ALU | BPF_END | BPF_TO_BE}, imm 16/32/64: a byte swap of the low 16/32/64 bits. */
    TO_BE16, TO_BE32, TO_BE64,
    /** {@code BPF_ALU64 | BPF_END}, imm 16/32/64: unconditional byte swap of the low 16/32/64 bits. */
    BSWAP16, BSWAP32, BSWAP64;

    /** True for operations that read only the destination. */
    public boolean isUnary() {
        return this == NEG || isEndian();
    }

    /** True for the byte-order operations. */
    public boolean isEndian() {
        return ordinal() >= TO_LE16.ordinal();
    }

    /** True for the sign-extending moves. */
    public boolean isMovsx() {
        return this == MOVSX8 || this == MOVSX16 || this == MOVSX32;
    }

    /**
     * The operation an ALU or ALU64 instruction performs, from its opcode byte, offset and
     * immediate, or {@code null} when the combination is not a valid instruction.
     */
    public static AluOp of(int opcode, int off, int imm) {
        int cls = Opcodes.cls(opcode);
        boolean alu64 = cls == Opcodes.ALU64;
        if (!alu64 && cls != Opcodes.ALU) {
            return null;
        }
        int op = Opcodes.aluOp(opcode);
        return switch (op) {
            case Opcodes.ADD -> off == 0 ? ADD : null;
            case Opcodes.SUB -> off == 0 ? SUB : null;
            case Opcodes.MUL -> off == 0 ? MUL : null;
            case Opcodes.DIV -> off == 0 ? DIV : off == 1 ? SDIV : null;
            case Opcodes.MOD -> off == 0 ? MOD : off == 1 ? SMOD : null;
            case Opcodes.OR -> off == 0 ? OR : null;
            case Opcodes.AND -> off == 0 ? AND : null;
            case Opcodes.XOR -> off == 0 ? XOR : null;
            case Opcodes.LSH -> off == 0 ? LSH : null;
            case Opcodes.RSH -> off == 0 ? RSH : null;
            case Opcodes.ARSH -> off == 0 ? ARSH : null;
            case Opcodes.NEG -> off == 0 ? NEG : null;
            case Opcodes.MOV -> switch (off) {
                case 0 -> MOV;
                case 8 -> MOVSX8;
                case 16 -> MOVSX16;
                case 32 -> alu64 ? MOVSX32 : null;
                default -> null;
            };
            case Opcodes.END -> {
                if (off != 0) {
                    yield null;
                }
                boolean toBe = Opcodes.source(opcode) == Opcodes.X;
                if (alu64) {
                    yield toBe ? null : switch (imm) {
                        case 16 -> BSWAP16;
                        case 32 -> BSWAP32;
                        case 64 -> BSWAP64;
                        default -> null;
                    };
                }
                yield switch (imm) {
                    case 16 -> toBe ? TO_BE16 : TO_LE16;
                    case 32 -> toBe ? TO_BE32 : TO_LE32;
                    case 64 -> toBe ? TO_BE64 : TO_LE64;
                    default -> null;
                };
            }
            default -> null;
        };
    }
}
