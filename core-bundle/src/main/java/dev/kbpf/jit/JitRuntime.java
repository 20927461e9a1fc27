package dev.kbpf.jit;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.memory.MemoryFault;
import dev.kbpf.spi.HelperFunction;
import dev.kbpf.spi.MemoryAccessException;

/**
 * The per-program object the generated code reaches as a class-data constant: it turns what
 * went wrong at instruction {@code i} into the same {@link ExecutionFault} the interpreter
 * throws (same kind, slot and message), and makes the calls that cannot be bound at compile
 * time ({@code callx}).
 *
 * <p>Instruction counting: generated code subtracts a whole basic block's length on entering it,
 * so a fault in the middle of a block gives back the instructions after the faulting one
 * ({@link #fault}). As in the interpreter, the budget is checked only at taken jumps, local calls
 * and tail calls.
 */
final class JitRuntime {
    /** Elements of the state array: r0-r10, the budget left, the accounted-fault flag. */
    static final int STATE_SIZE = 13;
    static final int LEFT = 11;
    static final int ACCOUNTED = 12;

    /** Call kinds, as the generated code passes them. */
    static final int HELPER = 0, KFUNC = 1;

    private final ExecutableProgram program;
    private final int[] slotOf;
    private final int[] unconsumed;
    private final HelperFunction[] helpers;

    JitRuntime(ExecutableProgram program, ControlFlow flow) {
        this.program = program;
        this.slotOf = flow.slotOf;
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
        ctx.enterCall(rt.self, depth);
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
