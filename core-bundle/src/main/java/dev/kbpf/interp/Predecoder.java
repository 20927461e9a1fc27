package dev.kbpf.interp;

import static dev.kbpf.isa.Opcodes.*;

import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Address;
import dev.kbpf.memory.AddressSpace;
import java.util.List;

/**
 * Turns instruction slots into the interpreter's flat form, once per program: one {@code long}
 * per instruction ({@link Op#pack}), a {@code lddw} as one instruction whose 64-bit immediate
 * sits in a side table, jump and call targets re-based from slots to instruction indexes, and a
 * {@link Op#FELL_OFF} sentinel at the end. Everything the RFC leaves invalid is refused here, so
 * the loop never meets a malformed instruction.
 */
final class Predecoder {

    /**
     * The flat program: {@code code[i]} for instruction {@code i}, {@code slotOf[i]} its slot,
     * {@code indexOf[s]} the instruction at slot {@code s} (-1 for a lddw's second half). After
     * the program come two sentinels: {@link Op#FELL_OFF}, then an {@link Op#EXIT} that a finished
     * tail call jumps to.
     */
    record Decoded(long[] code, long[] wide, int[] slotOf, int[] indexOf) {}

    private final List<Insn> slots;
    private final int[] indexOf;   // slot -> instruction index, -1 for the second half of a lddw
    private int count;

    private Predecoder(List<Insn> slots) {
        this.slots = slots;
        this.indexOf = new int[slots.size()];
    }

    static Decoded decode(List<Insn> slots) {
        return new Predecoder(slots).run();
    }

    private Decoded run() {
        int n = slots.size();
        if (n == 0) throw new InvalidProgramException(0, "the program is empty");
        for (int s = 0; s < n; s++) {
            indexOf[s] = count++;
            Insn insn = slots.get(s);
            if (insn.isWide()) {
                if (s + 1 >= n) throw new InvalidProgramException(s, "lddw is missing its second slot");
                Insn next = slots.get(s + 1);
                if (next.opcode() != 0 || next.dst() != 0 || next.src() != 0 || next.off() != 0) {
                    throw new InvalidProgramException(s + 1, "the second slot of lddw must have only an immediate, got " + next);
                }
                indexOf[++s] = -1;
            }
        }
        long[] code = new long[count + 2];
        int[] slotOf = new int[count + 2];
        int wideCount = 0;
        for (Insn insn : slots) if (insn.isWide()) wideCount++;
        long[] wide = new long[wideCount];
        int w = 0;
        for (int s = 0; s < n; s++) {
            Insn insn = slots.get(s);
            int i = indexOf[s];
            slotOf[i] = s;
            if (insn.isWide()) {
                checkWritable(s, insn.dst());
                if (insn.off() != 0) throw new InvalidProgramException(s, "lddw offset must be 0");
                if (insn.src() == PSEUDO_FUNC) {   // a callback: Linux's relative imm becomes a code address
                    relative(s, i, insn.imm(), insn);   // the target must start an instruction of the program
                    wide[w] = Address.of(AddressSpace.CODE_ID, s + 1 + insn.imm());
                } else {
                    wide[w] = insn.imm64(slots.get(s + 1));
                }
                code[i] = Op.pack(Op.LDDW, insn.dst(), insn.src(), 0, w++);
                s++;
            } else {
                code[i] = translate(s, i, insn);
            }
        }
        code[count] = Op.pack(Op.FELL_OFF, 0, 0, 0, 0);
        slotOf[count] = n;
        code[count + 1] = Op.pack(Op.EXIT, 0, 0, 0, 0);
        slotOf[count + 1] = n;
        return new Decoded(code, wide, slotOf, indexOf);
    }

    private long translate(int s, int i, Insn in) {
        int opcode = in.opcode();
        checkRegister(s, in.dst());
        checkRegister(s, in.src());
        return switch (cls(opcode)) {
            case ALU, ALU64 -> alu(s, in);
            case JMP, JMP32 -> jump(s, i, in);
            case LDX -> load(s, in);
            case ST -> storeImm(s, in);
            case STX -> storeReg(s, in);
            default -> throw bad(s, in, "unsupported instruction (legacy packet loads are not part of RFC 9669's base set)");
        };
    }

    // ------------------------------------------------------------------ ALU

    private static final int[] ALU64_OPS = {
            Op.ADD64_K, Op.SUB64_K, Op.MUL64_K, Op.DIV64_K, Op.OR64_K, Op.AND64_K, Op.LSH64_K, Op.RSH64_K,
            -1, Op.MOD64_K, Op.XOR64_K, Op.MOV64_K, Op.ARSH64_K};
    private static final int[] ALU32_OPS = {
            Op.ADD32_K, Op.SUB32_K, Op.MUL32_K, Op.DIV32_K, Op.OR32_K, Op.AND32_K, Op.LSH32_K, Op.RSH32_K,
            -1, Op.MOD32_K, Op.XOR32_K, Op.MOV32_K, Op.ARSH32_K};

    private long alu(int s, Insn in) {
        int opcode = in.opcode();
        boolean is64 = cls(opcode) == ALU64;
        boolean reg = source(opcode) == X;
        int aluOp = aluOp(opcode);
        checkWritable(s, in.dst());
        if (aluOp == NEG) {
            if (reg || in.src() != 0 || in.off() != 0 || in.imm() != 0) throw bad(s, in, "neg takes only a destination register");
            return Op.pack(is64 ? Op.NEG64 : Op.NEG32, in.dst(), 0, 0, 0);
        }
        if (aluOp == END) return byteSwap(s, in, is64, reg);
        if (aluOp > ARSH) throw bad(s, in, "unknown ALU operation");
        int off = in.off();
        int op = (is64 ? ALU64_OPS : ALU32_OPS)[aluOp >> 4];
        if (aluOp == DIV || aluOp == MOD) {
            if (off == 1) op = is64 ? (aluOp == DIV ? Op.SDIV64_K : Op.SMOD64_K) : (aluOp == DIV ? Op.SDIV32_K : Op.SMOD32_K);
            else if (off != 0) throw bad(s, in, "division offset must be 0 (unsigned) or 1 (signed)");
        } else if (aluOp == MOV && off != 0) {
            if (!reg) throw bad(s, in, "movsx takes a register source");
            if (in.imm() != 0) throw bad(s, in, "movsx immediate must be 0");
            op = switch (off) {
                case 8 -> is64 ? Op.MOVSX64_8 : Op.MOVSX32_8;
                case 16 -> is64 ? Op.MOVSX64_16 : Op.MOVSX32_16;
                case 32 -> { if (!is64) throw bad(s, in, "32-bit movsx widths are 8 and 16"); yield Op.MOVSX64_32; }
                default -> throw bad(s, in, "movsx width must be 8, 16 or 32");
            };
            return Op.pack(op, in.dst(), in.src(), 0, 0);
        } else if (off != 0) {
            throw bad(s, in, "offset must be 0");
        }
        if (reg) {
            if (in.imm() != 0) throw bad(s, in, "immediate must be 0 in the register form");
            return Op.pack(op + 1, in.dst(), in.src(), 0, 0);
        }
        if (in.src() != 0) throw bad(s, in, "source register must be 0 in the immediate form");
        return Op.pack(op, in.dst(), 0, 0, in.imm());
    }

    private long byteSwap(int s, Insn in, boolean is64, boolean toBigEndian) {
        if (in.src() != 0 || in.off() != 0) throw bad(s, in, "byte swap takes only a destination register");
        if (is64 && toBigEndian) throw bad(s, in, "bswap has no source bit");
        int width = in.imm();
        if (width != 16 && width != 32 && width != 64) throw bad(s, in, "byte swap width must be 16, 32 or 64");
        int k = width == 16 ? 0 : width == 32 ? 1 : 2;
        int base = is64 ? Op.BSWAP16 : toBigEndian ? Op.BE16 : Op.LE16;
        return Op.pack(base + k, in.dst(), 0, 0, 0);
    }

    // ------------------------------------------------------------------ jumps and calls

    private static final int[] JMP64_OPS = {
            -1, Op.JEQ64_K, Op.JGT64_K, Op.JGE64_K, Op.JSET64_K, Op.JNE64_K, Op.JSGT64_K, Op.JSGE64_K,
            -1, -1, Op.JLT64_K, Op.JLE64_K, Op.JSLT64_K, Op.JSLE64_K};
    private static final int[] JMP32_OPS = {
            -1, Op.JEQ32_K, Op.JGT32_K, Op.JGE32_K, Op.JSET32_K, Op.JNE32_K, Op.JSGT32_K, Op.JSGE32_K,
            -1, -1, Op.JLT32_K, Op.JLE32_K, Op.JSLT32_K, Op.JSLE32_K};

    private long jump(int s, int i, Insn in) {
        int opcode = in.opcode();
        boolean is64 = cls(opcode) == JMP;
        boolean reg = source(opcode) == X;
        int jop = jmpOp(opcode);
        switch (jop) {
            case JA -> {
                if (reg || in.dst() != 0 || in.src() != 0) throw bad(s, in, "ja takes only a target");
                if (is64) {
                    if (in.imm() != 0) throw bad(s, in, "ja immediate must be 0 (gotol is the JMP32 form)");
                    return Op.pack(Op.JA, 0, 0, relative(s, i, in.off(), in), 0);
                }
                if (in.off() != 0) throw bad(s, in, "gotol offset must be 0: its target is the immediate");
                return Op.pack(Op.JA32, 0, 0, 0, relative(s, i, in.imm(), in));
            }
            case CALL -> {
                if (!is64) throw bad(s, in, "call is a JMP-class instruction");
                if (in.off() != 0) throw bad(s, in, "call offset must be 0");
                if (reg) {   // callx: the register is in dst
                    if (in.src() != 0 || in.imm() != 0) throw bad(s, in, "callx takes only a register (in dst)");
                    return Op.pack(Op.CALLX, in.dst(), 0, 0, 0);
                }
                if (in.dst() != 0) throw bad(s, in, "call destination register must be 0");
                return switch (in.src()) {
                    case CALL_HELPER -> Op.pack(Op.CALL_HELPER, 0, 0, 0, in.imm());
                    case PSEUDO_CALL -> Op.pack(Op.CALL_LOCAL, 0, 0, 0, relative(s, i, in.imm(), in));
                    case PSEUDO_KFUNC_CALL -> Op.pack(Op.CALL_KFUNC, 0, 0, 0, in.imm());
                    default -> throw bad(s, in, "call source must be 0 (helper), 1 (local) or 2 (kfunc)");
                };
            }
            case EXIT -> {
                if (!is64 || reg || in.dst() != 0 || in.src() != 0 || in.off() != 0 || in.imm() != 0) throw bad(s, in, "malformed exit");
                return Op.pack(Op.EXIT, 0, 0, 0, 0);
            }
            default -> {
                int idx = jop >> 4;
                int op = idx < JMP64_OPS.length ? (is64 ? JMP64_OPS : JMP32_OPS)[idx] : -1;
                if (op < 0) throw bad(s, in, "unknown jump operation");
                int rel = relative(s, i, in.off(), in);
                if (reg) {
                    if (in.imm() != 0) throw bad(s, in, "immediate must be 0 in the register form");
                    return Op.pack(op + 1, in.dst(), in.src(), rel, 0);
                }
                if (in.src() != 0) throw bad(s, in, "source register must be 0 in the immediate form");
                return Op.pack(op, in.dst(), 0, rel, in.imm());
            }
        }
    }

    /** The target {@code slot + 1 + offset} as an instruction index relative to the next instruction. */
    private int relative(int s, int i, long offset, Insn in) {
        long target = s + 1 + offset;
        if (target < 0 || target >= slots.size()) throw bad(s, in, "jump target " + target + " is outside the program (0.." + (slots.size() - 1) + ")");
        int t = indexOf[(int) target];
        if (t < 0) throw bad(s, in, "jump target " + target + " is the second half of a lddw");
        return t - (i + 1);
    }

    // ------------------------------------------------------------------ memory

    private long load(int s, Insn in) {
        int opcode = in.opcode();
        checkWritable(s, in.dst());
        if (in.imm() != 0) throw bad(s, in, "load immediate must be 0");
        int op;
        if (mode(opcode) == MEM) {
            op = switch (size(opcode)) { case B -> Op.LDXB; case H -> Op.LDXH; case W -> Op.LDXW; default -> Op.LDXDW; };
        } else if (mode(opcode) == MEMSX && size(opcode) != DW) {
            op = switch (size(opcode)) { case B -> Op.LDXSB; case H -> Op.LDXSH; default -> Op.LDXSW; };
        } else {
            throw bad(s, in, "unknown load mode");
        }
        return Op.pack(op, in.dst(), in.src(), in.off(), 0);
    }

    private long storeImm(int s, Insn in) {
        if (mode(in.opcode()) != MEM) throw bad(s, in, "unknown store mode");
        if (in.src() != 0) throw bad(s, in, "source register must be 0 in a store of an immediate");
        int op = switch (size(in.opcode())) { case B -> Op.STB; case H -> Op.STH; case W -> Op.STW; default -> Op.STDW; };
        return Op.pack(op, in.dst(), 0, in.off(), in.imm());
    }

    private long storeReg(int s, Insn in) {
        int opcode = in.opcode();
        if (mode(opcode) == MEM) {
            if (in.imm() != 0) throw bad(s, in, "store immediate must be 0");
            int op = switch (size(opcode)) { case B -> Op.STXB; case H -> Op.STXH; case W -> Op.STXW; default -> Op.STXDW; };
            return Op.pack(op, in.dst(), in.src(), in.off(), 0);
        }
        if (mode(opcode) != ATOMIC || (size(opcode) != W && size(opcode) != DW)) throw bad(s, in, "unknown store mode");
        boolean is64 = size(opcode) == DW;
        int base = is64 ? Op.ATOMIC_ADD64 : Op.ATOMIC_ADD32;
        int op = switch (in.imm()) {
            case ADD -> base;
            case AND -> base + 1;
            case OR -> base + 2;
            case XOR -> base + 3;
            case ADD | FETCH -> base + 4;
            case AND | FETCH -> base + 5;
            case OR | FETCH -> base + 6;
            case XOR | FETCH -> base + 7;
            case XCHG -> base + 8;
            case CMPXCHG -> base + 9;
            default -> throw bad(s, in, "unknown atomic operation 0x" + Integer.toHexString(in.imm()));
        };
        if (op >= base + 4 && op <= base + 8) checkWritable(s, in.src());   // fetch forms write the source register
        return Op.pack(op, in.dst(), in.src(), in.off(), 0);
    }

    // ------------------------------------------------------------------ checks

    private static void checkRegister(int s, int reg) {
        if (reg > 10) throw new InvalidProgramException(s, "register r" + reg + " does not exist (r0..r10)");
    }

    private static void checkWritable(int s, int reg) {
        checkRegister(s, reg);
        if (reg == 10) throw new InvalidProgramException(s, "r10 is the read-only frame pointer");
    }

    private static InvalidProgramException bad(int s, Insn in, String why) {
        return new InvalidProgramException(s, why + " (opcode 0x" + Integer.toHexString(in.opcode()) + ", dst r" + in.dst()
                + ", src r" + in.src() + ", off " + in.off() + ", imm " + in.imm() + ")");
    }
}
