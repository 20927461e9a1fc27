package dev.kbpf.verifier.scalar;

/**
 * Both operands of a conditional jump narrowed for one of its branches.
 *
 * @param a the left operand (the jump's dst register) on that branch
 * @param b the right operand (the src register or the immediate) on that branch
 * @param possible false when no concrete pair of operands can reach that branch: the verifier may
 *     then skip it as dead code. {@code a} and {@code b} are the unrefined inputs in that case.
 */
public record Refined(Scalar a, Scalar b, boolean possible) {}
