package dev.kbpf.verifier.log;

import dev.kbpf.isa.Insn;

import java.util.function.IntFunction;

import static dev.kbpf.isa.Opcodes.*;

/**
 * Prints one instruction the way the kernel's {@code print_bpf_insn} (kernel/bpf/disasm.c) does
 * in the verifier log: {@code (bf) r2 = r10}, {@code (85) call bpf_map_lookup_elem#1},
 * {@code (15) if r0 == 0x0 goto pc+1}.
 */
public final class InsnPrinter {
    private static final String[] ALU_OPS = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian"};
    private static final String[] JMP_OPS = {"jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<="};
    private static final String[] SIZES = {"u32", "u16", "u8", "u64"};

    private final IntFunction<String> helperName;
    private final IntFunction<String> kfuncName;

    /**
     * @param helperName names a helper id, e.g. {@code bpf_map_lookup_elem}
     * @param kfuncName  names a kfunc id
     */
    public InsnPrinter(IntFunction<String> helperName, IntFunction<String> kfuncName) {
        this.helperName = helperName;
        this.kfuncName = kfuncName;
    }

    /** The text after {@code idx: }, for the instruction at {@code idx}; {@code next} is the second slot of a lddw, or null. */
    public String print(Insn in, Insn next) {
        int op = in.opcode();
        String code = String.format("(%02x) ", op);
        return code + body(in, next);
    }

    private String body(Insn in, Insn next) {
        int op = in.opcode(), cls = in.cls();
        char w = cls == ALU ? 'w' : 'r';
        switch (cls) {
            case ALU, ALU64 -> {
                int aop = aluOp(op);
                if (aop == NEG) return w + "" + in.dst() + " = -" + w + in.dst();
                if (aop == END) {
                    String kind = cls == ALU64 ? "bswap" : (source(op) == X ? "be" : "le");
                    return "r" + in.dst() + " = " + kind + in.imm() + " r" + in.dst();
                }
                String opStr = ALU_OPS[aop >> 4];
                if (in.off() == 1 && (aop == DIV || aop == MOD)) opStr = "s" + opStr;
                if (source(op) == X) {
                    if (aop == MOV && in.off() != 0) return w + "" + in.dst() + " = (s" + in.off() + ")" + w + in.src();
                    return w + "" + in.dst() + " " + opStr + " " + w + in.src();
                }
                return w + "" + in.dst() + " " + opStr + " " + in.imm();
            }
            case STX -> {
                String sz = SIZES[size(op) >> 3];
                String addr = "(" + sz + " *)(r" + in.dst() + " " + signed(in.off()) + ")";
                if (mode(op) == ATOMIC) return atomic(in, sz, addr);
                return "*" + addr + " = r" + in.src();
            }
            case ST -> {
                String sz = SIZES[size(op) >> 3];
                return "*(" + sz + " *)(r" + in.dst() + " " + signed(in.off()) + ") = " + in.imm();
            }
            case LDX -> {
                String sz = SIZES[size(op) >> 3];
                if (mode(op) == MEMSX) sz = "s" + (8 * sizeBytes(op));
                return "r" + in.dst() + " = *(" + sz + " *)(r" + in.src() + " " + signed(in.off()) + ")";
            }
            case LD -> {
                if (op == LD_IMM64) {
                    long imm = next == null ? in.imm() & 0xffffffffL : in.imm64(next);
                    return switch (in.src()) {
                        case PSEUDO_MAP_FD -> "r" + in.dst() + " = map[id:" + in.imm() + "]";
                        case PSEUDO_MAP_IDX -> "r" + in.dst() + " = map[idx:" + in.imm() + "]";
                        case PSEUDO_MAP_VALUE -> "r" + in.dst() + " = map[id:" + in.imm() + "][0]+" + (next == null ? 0 : next.imm());
                        case PSEUDO_MAP_IDX_VALUE -> "r" + in.dst() + " = map[idx:" + in.imm() + "][0]+" + (next == null ? 0 : next.imm());
                        case PSEUDO_FUNC -> "r" + in.dst() + " = func pc" + signed(in.imm());
                        default -> "r" + in.dst() + " = 0x" + Long.toHexString(imm);
                    };
                }
                String sz = SIZES[size(op) >> 3];
                if (mode(op) == ABS) return "r0 = *(" + sz + " *)skb[" + in.imm() + "]";
                return "r0 = *(" + sz + " *)skb[r" + in.src() + " + " + in.imm() + "]";
            }
            default -> { // JMP, JMP32
                int jop = jmpOp(op);
                if (jop == CALL) {
                    if (in.src() == PSEUDO_CALL) return "call pc" + signed(in.imm());
                    if (in.src() == PSEUDO_KFUNC_CALL) return "call " + kfuncName.apply(in.imm()) + "#" + in.imm();
                    return "call " + helperName.apply(in.imm()) + "#" + in.imm();
                }
                if (jop == EXIT) return "exit";
                if (jop == JA) return cls == JMP32 ? "gotol pc" + signed(in.imm()) : "goto pc" + signed(in.off());
                char r = cls == JMP32 ? 'w' : 'r';
                String rhs = source(op) == X ? r + "" + in.src() : "0x" + Integer.toHexString(in.imm());
                return "if " + r + in.dst() + " " + JMP_OPS[jop >> 4] + " " + rhs + " goto pc" + signed(in.off());
            }
        }
    }

    private static String atomic(Insn in, String sz, String addr) {
        int imm = in.imm();
        String bits = "u64".equals(sz) ? "64" : "";
        if (imm == CMPXCHG) return "r0 = atomic" + bits + "_cmpxchg(" + addr + ", r0, r" + in.src() + ")";
        if (imm == XCHG) return "r" + in.src() + " = atomic" + bits + "_xchg(" + addr + ", r" + in.src() + ")";
        String name = switch (imm & ~FETCH) { case ADD -> "add"; case AND -> "and"; case OR -> "or"; case XOR -> "xor"; default -> "?"; };
        if ((imm & FETCH) != 0) return "r" + in.src() + " = atomic" + bits + "_fetch_" + name + "(" + addr + ", r" + in.src() + ")";
        String opStr = switch (imm) { case ADD -> "+="; case AND -> "&="; case OR -> "|="; case XOR -> "^="; default -> "?="; };
        return "lock *" + addr + " " + opStr + " r" + in.src();
    }

    private static String signed(int v) { return v < 0 ? Integer.toString(v) : "+" + v; }
}
