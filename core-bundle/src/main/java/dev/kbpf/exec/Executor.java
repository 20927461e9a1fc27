package dev.kbpf.exec;

/**
 * Runs one loaded program; implemented by the interpreter and the JIT, which must agree bit for
 * bit: the same r0, the same memory, the same helper calls in the same order, the same faults.
 *
 * <p>An executor is immutable and may run on many threads at once, each with its own
 * {@link ExecutionContext}. Registers r1-r5 start with the given arguments, r0 and r6-r9 with 0,
 * r10 with the top of stack frame 0. Helpers leave r1-r5 as they were (the verifier treats them
 * as clobbered, so no verified program can tell).
 *
 * <p>Around every helper or kfunc call an executor calls {@link ExecutionContext#enterCall}, and
 * after it {@link ExecutionContext#takeTailCall()}: a non-null target ends the current program,
 * which returns what {@code target.invoke(ctx, 0, frame, r1, 0, 0, 0, 0)} returns.
 */
public interface Executor {

    /**
     * Runs the program to its outermost {@code exit} and returns r0.
     *
     * @throws ExecutionFault when the program cannot go on: a memory fault, the instruction budget
     *         spent, a ninth call frame, an unknown helper, a helper that failed, or falling off the
     *         end; the context then reports the fault as well
     */
    default long run(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        ctx.beginRun();
        return invoke(ctx, 0, 0, r1, r2, r3, r4, r5);
    }

    /**
     * Runs from instruction slot {@code entrySlot} in stack frame {@code frame} until that frame
     * exits, and returns r0: slot 0 and frame 0 for a whole program, a callback's slot and the
     * next frame for {@link ExecutionContext#callback}, slot 0 and the caller's frame for a tail
     * call. Registers r1-r5 start with the arguments, r0 and r6-r9 with 0, r10 with the top of the frame.
     *
     * @throws ExecutionFault as {@link #run}, and with {@link ExecutionFault.Kind#CALL_DEPTH} if
     *         {@code frame} is not below {@link ExecutionContext#MAX_FRAMES}
     * @throws IllegalArgumentException if {@code entrySlot} does not start an instruction
     */
    long invoke(ExecutionContext ctx, int entrySlot, int frame, long r1, long r2, long r3, long r4, long r5);

    /** Runs with r1 only (the context pointer for most program types); r2-r5 are 0. */
    default long run(ExecutionContext ctx, long r1) { return run(ctx, r1, 0, 0, 0, 0); }

    /** The program this executor runs. */
    ExecutableProgram program();
}
