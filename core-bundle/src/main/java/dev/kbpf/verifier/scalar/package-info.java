/**
 * The verifier's abstract domain for scalar registers, as Linux builds it: a {@link
 * dev.kbpf.verifier.scalar.Tnum} (known bits) plus signed and unsigned bounds in 64 and 32 bits,
 * kept in sync after every operation ({@link dev.kbpf.verifier.scalar.Scalar#sync()}), transfer
 * functions for every ALU operation, branch prediction and narrowing for every conditional
 * jump, containment for state pruning and the kernel's log text.
 *
 * <p>Soundness is the contract: every result contains every concrete result of every pair of
 * concrete members of the operands; the tests check this on hundreds of thousands of random cases.
 * Plain Java, no framework.
 */
package dev.kbpf.verifier.scalar;
