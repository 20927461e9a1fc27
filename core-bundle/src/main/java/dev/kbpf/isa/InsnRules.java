package dev.kbpf.isa;

import static dev.kbpf.isa.Opcodes.*;

/**
 * What RFC 9669 allows in each field of each instruction (its IANA "BPF Instruction Set"
 * table, section 7): the valid opcodes, registers r0–r10, and the fields an instruction does not
 * use, which "must be set to zero". The reasons name the field in the kernel verifier's words
 * ({@code BPF_ALU64 uses reserved fields}, {@code unknown opcode 8e}, {@code R11 is invalid}),
 * followed by the field and its value.
 *
 * <p>Beyond the RFC, {@code callx} (0x8d, target register in dst, as LLVM and bpf_conformance
 * encode it) is accepted. The legacy packet loads ({@code BPF_ABS}/{@code BPF_IND}, RFC 9669
 * section 5.5, deprecated) are rejected. For {@code lddw} with src 3 (BPF_PSEUDO_BTF_ID) the
 * second slot's imm may be non-zero, as Linux uses it for the module BTF descriptor.
 */
final class InsnRules {
    private InsnRules() {}

    private static final int MAX_REG = 10;

    /** Why {@code insn} is not valid, or null if it is; {@code next} is the following slot, or null at the end. */
    static String reason(Insn insn, Insn next) {
        if (!knownOpcode(insn.opcode())) {
            int mode = mode(insn.opcode());
            return insn.cls() == LD && (mode == ABS || mode == IND)
                    ? "legacy packet access (BPF_ABS, BPF_IND) is not supported" : unknown(insn);
        }
        return switch (insn.cls()) {
            case ALU, ALU64 -> alu(insn);
            case JMP, JMP32 -> jmp(insn);
            case LD -> ld(insn, next);
            case LDX -> ldx(insn);
            case ST -> st(insn);
            default -> stx(insn); // STX: cls() is three bits, all eight are covered
        };
    }

    /**
     * True for the 120 opcodes RFC 9669 defines (plus callx), whatever the other fields hold.
     * The {@link Disassembler} uses this to tell an unknown opcode from a malformed instruction.
     */
    static boolean knownOpcode(int opcode) {
        int op = opcode & 0xf0;
        boolean k = source(opcode) == K;
        return switch (cls(opcode)) {
            case ALU -> op <= END && (op != NEG || k);
            case ALU64 -> op <= END && (op != NEG || k) && (op != END || k);
            case JMP -> op <= JSLE && ((op != JA && op != EXIT) || k);
            case JMP32 -> op <= JSLE && op != CALL && op != EXIT && (op != JA || k);
            case LD -> opcode == LD_IMM64;
            case LDX -> mode(opcode) == MEM || (mode(opcode) == MEMSX && size(opcode) != DW);
            case ST -> mode(opcode) == MEM;
            default -> mode(opcode) == MEM || (mode(opcode) == ATOMIC && (size(opcode) == W || size(opcode) == DW));
        };
    }

    private static String alu(Insn i) {
        int op = aluOp(i.opcode());
        boolean x = source(i.opcode()) == X, wide = i.cls() == ALU64;
        String cls = wide ? "BPF_ALU64" : "BPF_ALU";
        switch (op) {
            case NEG -> {
                return firstOf(reg("dst_reg", i.dst()), zero("BPF_NEG", "src_reg", i.src()),
                        zero("BPF_NEG", "off", i.off()), zero("BPF_NEG", "imm", i.imm()));
            }
            case END -> {
                String imm = i.imm() == 16 || i.imm() == 32 || i.imm() == 64 ? null
                        : "BPF_END uses reserved fields: imm is " + i.imm() + ", must be 16, 32 or 64";
                return firstOf(reg("dst_reg", i.dst()), zero("BPF_END", "src_reg", i.src()), zero("BPF_END", "off", i.off()), imm);
            }
            default -> {
                String off = switch (op) {
                    case DIV, MOD -> i.off() == 0 || i.off() == 1 ? null
                            : cls + " uses reserved fields: off is " + i.off() + ", must be 0 or 1 (signed)";
                    case MOV -> !x ? zero(cls, "off", i.off())
                            : i.off() == 0 || i.off() == 8 || i.off() == 16 || (wide && i.off() == 32) ? null
                            : "BPF_MOV uses reserved fields: off is " + i.off() + ", must be 0, 8, 16" + (wide ? " or 32" : "")
                              + " (sign extension width)";
                    default -> zero(cls, "off", i.off());
                };
                return x ? firstOf(reg("dst_reg", i.dst()), reg("src_reg", i.src()), off, zero(cls, "imm", i.imm()))
                         : firstOf(reg("dst_reg", i.dst()), zero(cls, "src_reg", i.src()), off);
            }
        }
    }

    private static String jmp(Insn i) {
        int op = jmpOp(i.opcode());
        boolean x = source(i.opcode()) == X, j32 = i.cls() == JMP32;
        String cls = j32 ? "BPF_JMP32" : "BPF_JMP";
        switch (op) {
            case JA -> {
                // JMP: target in off; JMP32 (gotol): target in imm
                return firstOf(zero("BPF_JA", "dst_reg", i.dst()), zero("BPF_JA", "src_reg", i.src()),
                        j32 ? zero("BPF_JA", "off", i.off()) : zero("BPF_JA", "imm", i.imm()));
            }
            case CALL -> {
                if (x) { // callx: the register holding the target is in dst
                    return firstOf(reg("dst_reg", i.dst()), zero("BPF_CALL", "src_reg", i.src()),
                            zero("BPF_CALL", "off", i.off()), zero("BPF_CALL", "imm", i.imm()));
                }
                String src = i.src() <= PSEUDO_KFUNC_CALL ? null
                        : "BPF_CALL uses reserved fields: src_reg is " + i.src() + ", must be 0 (helper), 1 (local) or 2 (kfunc)";
                return firstOf(zero("BPF_CALL", "dst_reg", i.dst()), src, zero("BPF_CALL", "off", i.off()));
            }
            case EXIT -> {
                return firstOf(zero("BPF_EXIT", "dst_reg", i.dst()), zero("BPF_EXIT", "src_reg", i.src()),
                        zero("BPF_EXIT", "off", i.off()), zero("BPF_EXIT", "imm", i.imm()));
            }
            default -> {
                return x ? firstOf(reg("dst_reg", i.dst()), reg("src_reg", i.src()), zero(cls, "imm", i.imm()))
                         : firstOf(reg("dst_reg", i.dst()), zero(cls, "src_reg", i.src()));
            }
        }
    }

    private static String ld(Insn i, Insn next) {
        String src = i.src() <= PSEUDO_MAP_IDX_VALUE ? null
                : "BPF_LD_IMM64 uses reserved fields: src_reg is " + i.src() + ", must be 0..6 (plain or BPF_PSEUDO_*)";
        String first = firstOf(reg("dst_reg", i.dst()), src, zero("BPF_LD_IMM64", "off", i.off()));
        if (first != null) return first;
        if (next == null) return "invalid bpf_ld_imm64 insn: the second slot is missing (program ends after the first)";
        return secondSlotReason(i, next);
    }

    /** Why the second slot of a valid first {@code lddw} slot is wrong, or null. */
    static String secondSlotReason(Insn first, Insn next) {
        String what = "invalid bpf_ld_imm64 insn: second slot";
        String s = firstOf(zero(what, "opcode", next.opcode()), zero(what, "dst_reg", next.dst()),
                zero(what, "src_reg", next.src()), zero(what, "off", next.off()));
        if (s != null) return s;
        int src = first.src();
        if ((src == PSEUDO_MAP_FD || src == PSEUDO_MAP_IDX || src == PSEUDO_FUNC) && next.imm() != 0) {
            return "unrecognized bpf_ld_imm64 insn: second slot imm is " + next.imm() + ", must be 0 for src_reg " + src;
        }
        return null;
    }

    private static String ldx(Insn i) {
        return firstOf(reg("dst_reg", i.dst()), reg("src_reg", i.src()), zero("BPF_LDX", "imm", i.imm()));
    }

    private static String st(Insn i) {
        return firstOf(reg("dst_reg", i.dst()), zero("BPF_ST", "src_reg", i.src()));
    }

    private static String stx(Insn i) {
        if (mode(i.opcode()) == MEM) return firstOf(reg("dst_reg", i.dst()), reg("src_reg", i.src()), zero("BPF_STX", "imm", i.imm()));
        String op = switch (i.imm()) {
            case ADD, ADD | FETCH, OR, OR | FETCH, AND, AND | FETCH, XOR, XOR | FETCH, XCHG, CMPXCHG -> null;
            default -> "BPF_ATOMIC uses invalid atomic opcode 0x" + Integer.toHexString(i.imm());
        };
        return firstOf(reg("dst_reg", i.dst()), reg("src_reg", i.src()), op);
    }

    private static String unknown(Insn i) {
        return String.format("unknown opcode %02x", i.opcode());
    }

    private static String reg(String field, int r) {
        return r <= MAX_REG ? null : "R" + r + " is invalid (" + field + ")";
    }

    private static String zero(String what, String field, int value) {
        return value == 0 ? null : what + " uses reserved fields: " + field + " is " + value + ", must be 0";
    }

    private static String firstOf(String a, String b) { return a != null ? a : b; }

    private static String firstOf(String a, String b, String c) { return a != null ? a : firstOf(b, c); }

    private static String firstOf(String a, String b, String c, String d) { return a != null ? a : firstOf(b, c, d); }
}
