package dev.kbpf.jit;

import dev.kbpf.exec.ExecutionContext;

/**
 * What each generated class implements: running the subprogram that starts at instruction index
 * {@code entry} (0 for the program, a callback's entry for callbacks) in stack frame {@code frame}.
 *
 * <p>{@code state} carries r0-r10 in elements 0-10, the instructions left in the budget in 11,
 * and in 12 a flag that the fault being thrown has already been accounted
 * ({@link JitRuntime#STATE_SIZE} elements). It is also how subprograms and the methods of a
 * split program hand the registers to each other.
 */
interface CompiledCode {
    /** @throws IllegalArgumentException if no subprogram starts at {@code entry} */
    void run(ExecutionContext ctx, long[] state, int entry, int frame);
}
