package dev.kbpf.spi;

/**
 * The body of a helper or kfunc as an executor calls it: the five argument registers
 * {@code r1..r5} in, {@code r0} out (RFC 9669 section 4.3.1 calling convention).
 *
 * <p>Executors keep one table of these per program, indexed by helper id (for {@code call imm},
 * {@code callx}) or by kfunc id (for {@code call} with src 2), and call through it without
 * boxing. Arguments that are pointers are BPF addresses: read and write them through
 * {@link CallContext}. An argument a function does not use is whatever the register held.
 *
 * <p>A function may throw {@link MemoryAccessException} (a bad pointer); the executor then stops
 * the program with a fault. Any other exception also stops the program, reported as a failure
 * of this function. Functions that must not fail (map lookups, printk) return {@code -errno}
 * instead, as in Linux.
 */
@FunctionalInterface
public interface HelperFunction {

    /** Runs the function for the program that {@code ctx} is executing; returns the new {@code r0}. */
    long call(CallContext ctx, long r1, long r2, long r3, long r4, long r5);
}
