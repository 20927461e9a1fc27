package dev.kbpf.isa;

import static dev.kbpf.isa.Opcodes.*;

import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Prints instructions in the Linux verifier log's syntax ({@code kernel/bpf/disasm.c}), so that
 * a kbpf verifier log reads like the kernel's: {@code r0 = 1}, {@code w1 += w2},
 * {@code r0 = *(u32 *)(r1 +8)}, {@code *(u64 *)(r10 -8) = r1}, {@code if r1 > 0x5 goto pc+3},
 * {@code call bpf_map_lookup_elem#1}, {@code lock *(u64 *)(r10 -8) += r1}, {@code exit}.
 *
 * <p>Where the kernel has no form, the text follows LLVM's BPF syntax and bpftool: a plain
 * {@code lddw} ends in {@code ll} ({@code r1 = 0x1122334455667788 ll}), the loader's pseudo
 * forms print as bpftool does ({@code map[id:5]}, {@code map[id:5][0]+16}, {@code map[idx:2]},
 * {@code map[idx:2]+8}, {@code subprog[+3]}, and {@code btf_id[7]}), and callx is
 * {@code callx r2}. An opcode RFC 9669 does not define prints as {@code unknown opcode 8e};
 * other fields are printed as they are, valid or not, so that a log can show the instruction a
 * check rejects. Never throws for any {@link Insn}.
 *
 * <p>Helper and kfunc names come from {@link Names}, since the functions are registered at run
 * time by other bundles. Instances are immutable and thread-safe.
 */
public final class Disassembler {

    /**
     * Resolves the names that calls print. Either method may return null for "not known", which
     * prints as the kernel does: {@code unknown} for a helper, {@code kernel-function} for a kfunc.
     */
    public interface Names {
        /** No names known: {@code call unknown#1}, {@code call kernel-function#7}. */
        Names NONE = new Names() {};

        /** The helper with this Linux UAPI id, e.g. {@code bpf_map_lookup_elem} for 1; null if unknown. */
        default String helperName(int id) { return null; }

        /** The kfunc with this id (the imm of a {@code call} with src 2), e.g. {@code bpf_panic}; null if unknown. */
        default String kfuncName(int id) { return null; }

        /** Names from two look-up functions (each may return null). */
        static Names of(IntFunction<String> helpers, IntFunction<String> kfuncs) {
            Objects.requireNonNull(helpers, "helpers");
            Objects.requireNonNull(kfuncs, "kfuncs");
            return new Names() {
                @Override public String helperName(int id) { return helpers.apply(id); }
                @Override public String kfuncName(int id) { return kfuncs.apply(id); }
            };
        }
    }

    private static final String[] ALU_OPS = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian"};
    private static final String[] JMP_OPS = {"jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<="};
    private static final String[] ATOMIC_NAMES = {"add", null, null, null, "or", "and", null, null, null, null, "xor"};

    private final Names names;

    /** A disassembler that knows no helper or kfunc names. */
    public Disassembler() { this(Names.NONE); }

    /** A disassembler that prints call names from {@code names}. */
    public Disassembler(Names names) { this.names = Objects.requireNonNull(names, "names"); }

    /**
     * One instruction, without index or opcode prefix: {@code r2 = r10}.
     *
     * @param insn the instruction
     * @param next the slot after it (the second half of an {@code lddw}), or null; a missing
     *             second half prints as if its imm were 0
     */
    public String format(Insn insn, Insn next) {
        int code = insn.opcode();
        if (!InsnRules.knownOpcode(code)) return legacyOrUnknown(insn);
        return switch (insn.cls()) {
            case ALU, ALU64 -> alu(insn);
            case JMP, JMP32 -> jmp(insn);
            case LD -> ldImm64(insn, next);
            case LDX -> "r" + insn.dst() + " = *(" + (mode(code) == MEMSX ? "s" : "u") + sizeBits(code) + " *)("
                    + "r" + insn.src() + " " + signed(insn.off()) + ")";
            case ST -> "*(u" + sizeBits(code) + " *)(r" + insn.dst() + " " + signed(insn.off()) + ") = " + insn.imm();
            default -> stx(insn);
        };
    }

    /** One log line as the kernel prints it: {@code 12: (bf) r2 = r10}. */
    public String line(int index, Insn insn, Insn next) {
        return index + ": (" + hex2(insn.opcode()) + ") " + format(insn, next);
    }

    /**
     * A whole program, one {@link #line} per instruction joined by {@code \n}; the second slot
     * of an {@code lddw} has no line of its own (as in the kernel's log, the next index is +2).
     */
    public String listing(List<Insn> program) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < program.size(); i++) {
            Insn insn = program.get(i);
            Insn next = i + 1 < program.size() ? program.get(i + 1) : null;
            if (sb.length() > 0) sb.append('\n');
            sb.append(line(i, insn, next));
            if (insn.isWide() && next != null) i++;
        }
        return sb.toString();
    }

    private String alu(Insn i) {
        int code = i.opcode(), op = aluOp(code);
        char w = i.cls() == ALU ? 'w' : 'r';
        if (op == END) {
            String kind = i.cls() == ALU64 ? "bswap" : source(code) == TO_BE ? "be" : "le";
            return "r" + i.dst() + " = " + kind + i.imm() + " r" + i.dst();
        }
        if (op == NEG) return w + "" + i.dst() + " = -" + w + i.dst();
        boolean signed = (op == DIV || op == MOD) && i.off() == 1;
        String sym = signed ? (op == DIV ? "s/=" : "s%=") : ALU_OPS[op >> 4];
        if (source(code) == X) {
            String cast = op == MOV ? switch (i.off()) { case 8 -> "(s8)"; case 16 -> "(s16)"; case 32 -> "(s32)"; default -> ""; } : "";
            return w + "" + i.dst() + " " + sym + " " + cast + w + i.src();
        }
        return w + "" + i.dst() + " " + sym + " " + i.imm();
    }

    private String jmp(Insn i) {
        int code = i.opcode(), op = jmpOp(code);
        if (op == CALL) {
            if (source(code) == X) return "callx r" + i.dst();
            return switch (i.src()) {
                case PSEUDO_CALL -> "call pc" + signed(i.imm());
                case PSEUDO_KFUNC_CALL -> "call " + orElse(names.kfuncName(i.imm()), "kernel-function") + "#" + i.imm();
                default -> "call " + orElse(names.helperName(i.imm()), "unknown") + "#" + i.imm();
            };
        }
        if (op == EXIT) return "exit";
        if (op == JA) return i.cls() == JMP32 ? "gotol pc" + signed(i.imm()) : "goto pc" + signed(i.off());
        char w = i.cls() == JMP32 ? 'w' : 'r';
        String rhs = source(code) == X ? w + "" + i.src() : "0x" + Integer.toHexString(i.imm());
        return "if " + w + i.dst() + " " + JMP_OPS[op >> 4] + " " + rhs + " goto pc" + signed(i.off());
    }

    private static String ldImm64(Insn i, Insn next) {
        int nextImm = next == null ? 0 : next.imm();
        String value = switch (i.src()) {
            case PSEUDO_MAP_FD -> "map[id:" + Integer.toUnsignedString(i.imm()) + "]";
            case PSEUDO_MAP_VALUE -> "map[id:" + Integer.toUnsignedString(i.imm()) + "][0]+" + Integer.toUnsignedString(nextImm);
            case PSEUDO_BTF_ID -> "btf_id[" + Integer.toUnsignedString(i.imm()) + "]";
            case PSEUDO_FUNC -> "subprog[" + signed(i.imm()) + "]";
            case PSEUDO_MAP_IDX -> "map[idx:" + Integer.toUnsignedString(i.imm()) + "]";
            case PSEUDO_MAP_IDX_VALUE -> "map[idx:" + Integer.toUnsignedString(i.imm()) + "]+" + Integer.toUnsignedString(nextImm);
            default -> "0x" + Long.toHexString((i.imm() & 0xffffffffL) | ((long) nextImm << 32)) + (i.src() == 0 ? " ll" : "");
        };
        return "r" + i.dst() + " = " + value;
    }

    private static String stx(Insn i) {
        int code = i.opcode();
        String mem = "(u" + sizeBits(code) + " *)(r" + i.dst() + " " + signed(i.off()) + ")";
        if (mode(code) == MEM) return "*" + mem + " = r" + i.src();
        String bits = size(code) == DW ? "64" : "";
        int imm = i.imm();
        if (imm == CMPXCHG) return "r0 = atomic" + bits + "_cmpxchg(" + mem + ", r0, r" + i.src() + ")";
        if (imm == XCHG) return "r" + i.src() + " = atomic" + bits + "_xchg(" + mem + ", r" + i.src() + ")";
        String name = (imm & ~(0xf0 | FETCH)) == 0 && (imm >> 4) < ATOMIC_NAMES.length ? ATOMIC_NAMES[imm >> 4] : null;
        if (name == null) return "invalid atomic operation 0x" + Integer.toHexString(imm) + " on " + mem;
        if ((imm & FETCH) == 0) return "lock *" + mem + " " + ALU_OPS[imm >> 4] + " r" + i.src();
        return "r" + i.src() + " = atomic" + bits + "_fetch_" + name + "(" + mem + ", r" + i.src() + ")";
    }

    /** The kernel's forms of the legacy packet loads, else {@code unknown opcode xx}. */
    private static String legacyOrUnknown(Insn i) {
        int code = i.opcode();
        if (i.cls() == LD && size(code) != DW && mode(code) == ABS) return "r0 = *(u" + sizeBits(code) + " *)skb[" + i.imm() + "]";
        if (i.cls() == LD && size(code) != DW && mode(code) == IND) {
            return "r0 = *(u" + sizeBits(code) + " *)skb[r" + i.src() + " + " + i.imm() + "]";
        }
        return "unknown opcode " + hex2(code);
    }

    private static int sizeBits(int opcode) { return sizeBytes(opcode) * 8; }

    /** C's {@code %+d}: {@code +8}, {@code -8}, {@code +0}. */
    private static String signed(int v) { return v < 0 ? Integer.toString(v) : "+" + v; }

    private static String hex2(int b) { return b < 0x10 ? "0" + Integer.toHexString(b) : Integer.toHexString(b); }

    private static String orElse(String s, String fallback) { return s != null ? s : fallback; }
}
