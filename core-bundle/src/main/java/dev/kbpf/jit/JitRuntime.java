package dev.kbpf.jit;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.exec.InsnSemantics;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.memory.AddressSpace;
import dev.kbpf.memory.MemoryFault;
import dev.kbpf.spi.HelperFunction;
import dev.kbpf.spi.MemoryAccessException;

/**
 * The per-program object the generated code reaches as a class-data constant: it turns what
 * went wrong at instruction {@code i} into the same {@link ExecutionFault} the interpreter
 * throws (same kind, slot and message), and makes the calls that cannot be bound at compile
 * time ({@code callx}).
 *
 * <p>Instruction budget: exact, as in the interpreter (a run with budget N executes N instructions
 * and faults at the next). Generated code subtracts a whole basic block's length on entering it,
 * so a fault in the middle of a block gives back the instructions after the faulting one
 * ({@link #fault}); when the budget cannot cover a whole block, the generated code hands the block
 * to {@link #finishBlock}, which counts one instruction at a time.
 */
final class JitRuntime {
    /** Elements of the state array: r0-r10, the budget left, the accounted-fault flag. */
    static final int STATE_SIZE = 13;
    static final int LEFT = 11;
    static final int ACCOUNTED = 12;

    /** Call kinds, as the generated code passes them. */
    static final int HELPER = 0, KFUNC = 1;

    private final ExecutableProgram program;
    private final ControlFlow flow;
    private final int[] slotOf;
    /** The instruction index of the EXIT sentinel a finished tail call passes (slot: the program's length). */
    private final int sentinel;
    private final int[] unconsumed;
    private final HelperFunction[] helpers;

    JitRuntime(ExecutableProgram program, ControlFlow flow) {
        this.program = program;
        this.flow = flow;
        this.slotOf = flow.slotOf;
        this.sentinel = flow.count;
        int n = flow.count;
        this.unconsumed = new int[n + 1];
        for (int i = 0; i <= n; i++) unconsumed[i] = Math.max(0, Math.min(flow.blockEnd[i], n + 1) - i - 1);
        this.helpers = program.helpers().toArray();
    }

    /**
     * The fault to rethrow for exception {@code e} caught in generated code at instruction
     * {@code pc} with {@code left} budget (already reduced by the whole block): a
     * {@link MemoryFault} becomes an {@link ExecutionFault}, and the state remembers how many
     * instructions ran. A fault already accounted by a callee passes unchanged.
     */
    RuntimeException fault(RuntimeException e, long[] state, int pc, long left) {
        if (state[ACCOUNTED] != 0) return e;
        return account(e, state, pc, left + unconsumed[pc]);
    }

    private RuntimeException account(RuntimeException e, long[] state, int i, long left) {
        ExecutionFault f;
        if (e instanceof MemoryFault m) {
            f = new ExecutionFault(ExecutionFault.Kind.MEMORY, slotOf[i], m.getMessage(), m);
        } else if (e instanceof ExecutionFault x) {
            f = x;
        } else {
            return e;   // not a BPF fault: a bug, let it surface as it is
        }
        state[LEFT] = left;
        state[ACCOUNTED] = 1;
        return f;
    }

    /**
     * Runs the block starting at instruction {@code start} with the registers and budget in
     * {@code st}, one instruction at a time, when the budget cannot cover all of it: it ends in a
     * fault inside the block (the budget, or an earlier memory or call fault), which this returns,
     * accounted — or, after a tail call, in this frame's exit (null; r0-r5 and the budget left are
     * in {@code st}). Only straight-line instructions can come before a block's last
     * one, so this needs no jumps or local calls; their meaning is the interpreter's
     * ({@link InsnSemantics}, the address space's checked accesses).
     */
    RuntimeException finishBlock(ExecutionContext ctx, long[] st, int start, int depth) {
        long left = st[LEFT];
        AddressSpace mem = ctx.memory();
        for (int i = start; ; i++) {
            if (left == 0) return account(budgetSpent(ctx, i), st, i, 0);
            left--;
            try {
                if (step(ctx, mem, st, i, depth)) {   // a tail call ran: this frame exits through the EXIT sentinel
                    if (left == 0) return account(budgetSpent(ctx, sentinel), st, sentinel, 0);
                    st[LEFT] = left - 1;
                    return null;
                }
            } catch (RuntimeException e) {
                return account(e, st, i, left);
            }
        }
    }

    /** Executes one straight-line instruction; true if it was a helper call that made a tail call (r0 then holds its result). */
    private boolean step(ExecutionContext ctx, AddressSpace mem, long[] r, int i, int depth) {
        Insn in = flow.insns[i];
        int opcode = in.opcode();
        int d = in.dst();
        int s = in.src();
        long imm = in.imm();
        switch (Opcodes.cls(opcode)) {
            case Opcodes.LD -> r[d] = flow.wide[i];
            case Opcodes.ALU64, Opcodes.ALU -> r[d] = alu(in, r[d], Opcodes.source(opcode) == Opcodes.X ? r[s] : imm);
            case Opcodes.LDX -> {
                long v = mem.load(r[s] + in.off(), Opcodes.sizeBytes(opcode));
                if (Opcodes.mode(opcode) == Opcodes.MEMSX) {
                    v = switch (Opcodes.sizeBytes(opcode)) {
                        case 1 -> InsnSemantics.sext8(v);
                        case 2 -> InsnSemantics.sext16(v);
                        default -> InsnSemantics.sext32(v);
                    };
                }
                r[d] = v;
            }
            case Opcodes.ST -> mem.store(r[d] + in.off(), Opcodes.sizeBytes(opcode), imm);
            case Opcodes.STX -> {
                if (Opcodes.mode(opcode) == Opcodes.ATOMIC) atomic(mem, in, r);
                else mem.store(r[d] + in.off(), Opcodes.sizeBytes(opcode), r[s]);
            }
            case Opcodes.JMP -> {
                if (opcode == Opcodes.CALLX) {
                    r[0] = callx(ctx, r[d], r[1], r[2], r[3], r[4], r[5], i, depth);
                } else {
                    int kind = in.src() == Opcodes.PSEUDO_KFUNC_CALL ? KFUNC : HELPER;
                    HelperFunction f = (kind == KFUNC ? program.kfuncs() : program.helpers()).get(in.imm());
                    if (f == null) throw unknownFunction(i, kind, in.imm());
                    r[0] = call(f, ctx, r[1], r[2], r[3], r[4], r[5], this, i, kind, in.imm(), depth);
                }
                Executor tail = ctx.takeTailCall();
                if (tail != null) {
                    r[0] = tail.invoke(ctx, 0, depth, r[1], 0, 0, 0, 0);
                    return true;
                }
            }
            default -> throw new IllegalStateException("not a straight-line instruction at " + slotOf[i] + ": " + in);
        }
        return false;
    }

    private static long alu(Insn in, long dst, long src) {
        int opcode = in.opcode();
        boolean is64 = Opcodes.cls(opcode) == Opcodes.ALU64;
        boolean signed = in.off() == 1;
        return switch (Opcodes.aluOp(opcode)) {
            case Opcodes.ADD -> is64 ? InsnSemantics.add64(dst, src) : InsnSemantics.add32(dst, src);
            case Opcodes.SUB -> is64 ? InsnSemantics.sub64(dst, src) : InsnSemantics.sub32(dst, src);
            case Opcodes.MUL -> is64 ? InsnSemantics.mul64(dst, src) : InsnSemantics.mul32(dst, src);
            case Opcodes.DIV -> is64 ? (signed ? InsnSemantics.sdiv64(dst, src) : InsnSemantics.div64(dst, src))
                    : (signed ? InsnSemantics.sdiv32(dst, src) : InsnSemantics.div32(dst, src));
            case Opcodes.MOD -> is64 ? (signed ? InsnSemantics.smod64(dst, src) : InsnSemantics.mod64(dst, src))
                    : (signed ? InsnSemantics.smod32(dst, src) : InsnSemantics.mod32(dst, src));
            case Opcodes.OR -> is64 ? InsnSemantics.or64(dst, src) : InsnSemantics.or32(dst, src);
            case Opcodes.AND -> is64 ? InsnSemantics.and64(dst, src) : InsnSemantics.and32(dst, src);
            case Opcodes.XOR -> is64 ? InsnSemantics.xor64(dst, src) : InsnSemantics.xor32(dst, src);
            case Opcodes.LSH -> is64 ? InsnSemantics.lsh64(dst, src) : InsnSemantics.lsh32(dst, src);
            case Opcodes.RSH -> is64 ? InsnSemantics.rsh64(dst, src) : InsnSemantics.rsh32(dst, src);
            case Opcodes.ARSH -> is64 ? InsnSemantics.arsh64(dst, src) : InsnSemantics.arsh32(dst, src);
            case Opcodes.NEG -> is64 ? InsnSemantics.neg64(dst) : InsnSemantics.neg32(dst);
            case Opcodes.MOV -> in.off() != 0 ? (is64 ? InsnSemantics.movsx64(src, in.off()) : InsnSemantics.movsx32(src, in.off()))
                    : is64 ? src : InsnSemantics.mov32(src);
            case Opcodes.END -> {
                boolean swap = is64 || Opcodes.source(opcode) == Opcodes.X;
                yield switch (in.imm()) {
                    case 16 -> swap ? InsnSemantics.bswap16(dst) : InsnSemantics.le16(dst);
                    case 32 -> swap ? InsnSemantics.bswap32(dst) : InsnSemantics.le32(dst);
                    default -> swap ? InsnSemantics.bswap64(dst) : InsnSemantics.le64(dst);
                };
            }
            default -> throw new IllegalStateException("ALU operation of " + in);
        };
    }

    private static void atomic(AddressSpace mem, Insn in, long[] r) {
        long addr = r[in.dst()] + in.off();
        long v = r[in.src()];
        boolean is64 = Opcodes.size(in.opcode()) == Opcodes.DW;
        int op = in.imm();
        long old = switch (op & ~Opcodes.FETCH) {
            case Opcodes.ADD -> is64 ? mem.fetchAdd64(addr, v) : mem.fetchAdd32(addr, v);
            case Opcodes.AND -> is64 ? mem.fetchAnd64(addr, v) : mem.fetchAnd32(addr, v);
            case Opcodes.OR -> is64 ? mem.fetchOr64(addr, v) : mem.fetchOr32(addr, v);
            case Opcodes.XOR -> is64 ? mem.fetchXor64(addr, v) : mem.fetchXor32(addr, v);
            case Opcodes.XCHG & ~Opcodes.FETCH -> is64 ? mem.exchange64(addr, v) : mem.exchange32(addr, v);
            default -> is64 ? mem.compareExchange64(addr, r[0], v) : mem.compareExchange32(addr, r[0], v);
        };
        if (op == Opcodes.CMPXCHG) r[0] = old;
        else if ((op & Opcodes.FETCH) != 0) r[in.src()] = old;
    }

    ExecutionFault budgetSpent(ExecutionContext ctx, int insn) {
        return new ExecutionFault(ExecutionFault.Kind.BUDGET, slotOf[insn], "instruction budget of " + ctx.instructionBudget() + " spent", null);
    }

    ExecutionFault callTooDeep(int insn) {
        return new ExecutionFault(ExecutionFault.Kind.CALL_DEPTH, slotOf[insn],
                "local call would need frame " + (ExecutionContext.MAX_FRAMES + 1) + "; at most " + ExecutionContext.MAX_FRAMES
                        + " call frames are allowed", null);
    }

    ExecutionFault fellOff(int insn) {
        return new ExecutionFault(ExecutionFault.Kind.FELL_OFF_END, slotOf[insn], "execution ran past the last instruction without exit", null);
    }

    ExecutionFault unknownFunction(int insn, int kind, long id) {
        return new ExecutionFault(ExecutionFault.Kind.UNKNOWN_FUNCTION, slotOf[insn], "no " + what(kind) + " with id " + id, null);
    }

    /** {@code callx}: the helper whose id is the whole register, looked up at run time. */
    long callx(ExecutionContext ctx, long id, long r1, long r2, long r3, long r4, long r5, int insn, int depth) {
        HelperFunction f = id >= 0 && id < helpers.length ? helpers[(int) id] : null;
        if (f == null) throw unknownFunction(insn, HELPER, id);
        return call(f, ctx, r1, r2, r3, r4, r5, this, insn, HELPER, (int) id, depth);
    }

    /** The executor this runtime belongs to: helpers learn it through {@link ExecutionContext#enterCall}, for callbacks. */
    private Executor self;

    void bind(Executor executor) { this.self = executor; }

    /**
     * Calls a bound helper or kfunc; what it throws becomes the interpreter's fault. Static and
     * small, so C2 inlines it and then the constant function's body.
     */
    static long call(HelperFunction f, ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5,
                     JitRuntime rt, int insn, int kind, int id, int depth) {
        ctx.enterCall(rt.self, depth, rt.slotOf[insn]);
        try {
            return f.call(ctx, r1, r2, r3, r4, r5);
        } catch (ExecutionFault e) {
            throw e;   // a callback run by the function faulted
        } catch (MemoryAccessException e) {
            throw new ExecutionFault(ExecutionFault.Kind.MEMORY, rt.slotOf[insn], what(kind) + " " + rt.name(kind, id) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ExecutionFault(ExecutionFault.Kind.FUNCTION_FAILED, rt.slotOf[insn], what(kind) + " " + rt.name(kind, id) + " failed: " + e, e);
        }
    }

    private static String what(int kind) { return kind == KFUNC ? "kfunc" : "helper"; }

    private String name(int kind, long id) {
        FunctionTable t = kind == KFUNC ? program.kfuncs() : program.helpers();
        String n = t.name((int) id);
        return n == null ? "#" + id : n + "#" + id;
    }
}
