package dev.kbpf.exec;

/**
 * Runs one loaded program; implemented by the interpreter and the JIT, which must agree bit for
 * bit: the same r0, the same memory, the same helper calls in the same order, the same faults.
 *
 * <p>An executor is immutable and may run on many threads at once, each with its own
 * {@link ExecutionContext}. Registers r1-r5 start with the given arguments, r0 and r6-r9 with 0,
 * r10 with the top of stack frame 0. Helpers leave r1-r5 as they were (the verifier treats them
 * as clobbered, so no verified program can tell).
 */
public interface Executor {

    /**
     * Runs the program to its outermost {@code exit} and returns r0.
     *
     * @throws ExecutionFault when the program cannot go on: a memory fault, the instruction budget
     *         spent, a ninth call frame, an unknown helper, a helper that failed, or falling off the
     *         end; the context then reports the fault as well
     */
    long run(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5);

    /** Runs with r1 only (the context pointer for most program types); r2-r5 are 0. */
    default long run(ExecutionContext ctx, long r1) { return run(ctx, r1, 0, 0, 0, 0); }

    /** The program this executor runs. */
    ExecutableProgram program();
}
