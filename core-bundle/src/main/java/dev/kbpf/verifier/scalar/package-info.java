/**
 * The verifier's abstract domain for scalar registers, as Linux builds it: a {@link
 * dev.kbpf.verifier.scalar.Tnum} (known bits) plus signed and unsigned bounds in 64 and 32 bits,
 * kept in sync after every operation ({@link dev.kbpf.verifier.scalar.Scalar#sync()}), transfer
 * functions for every ALU operation, branch prediction and narrowing for every conditional
 * jump, containment for state pruning and the kernel's log text.
 *
 * <p>Soundness is the contract: every result contains every concrete result of every pair of
 * concrete members of the operands. The tests check this on hundreds of thousands of random cases
 * and exhaustively on small values at the sign boundaries. Plain Java, no framework.
 *
 * <h2>How the verifier calls it</h2>
 * <ul>
 *   <li>ALU: {@code AluOp.of(opcode, off, imm)} names the operation; {@code dst.alu64(op, src)} or
 *       {@code dst.alu32(op, src)}, with {@code Scalar.constant(imm)} for a {@code BPF_K} operand.
 *       Where the kernel gives up (a variable shift amount or divisor, a shift by the width or
 *       more) the result is {@code Scalar.unknown()}, as in Linux: no zero extension either.</li>
 *   <li>Loads: {@code Scalar.unknownOfSize(n)} or {@code unknownSignExtended(n)}; narrow fills of
 *       a spilled scalar: {@code truncate(n)} / {@code signExtend(bits)}.</li>
 *   <li>Conditional jumps: {@code Scalar.isBranchTaken}; when it says {@code UNKNOWN}, {@code
 *       Scalar.refine(a, b, op, is32, true/false)} for each branch. A branch whose {@link
 *       dev.kbpf.verifier.scalar.Refined#possible()} is false has no concrete execution and may be
 *       skipped. For {@code if rX op rX} use {@code isBranchTakenSameRegister} and do not refine
 *       (the two operands are one value, not two independent ones).</li>
 *   <li>Pointer arithmetic with a variable offset: {@code ptrVar.pointerOffset(off, subtract)}
 *       (64-bit bounds only, as the kernel's {@code adjust_ptr_min_max_vals}).</li>
 *   <li>Pruning: {@code cur.within(old)} (kernel {@code range_within} and {@code tnum_in}).</li>
 *   <li>Log: {@code toString()} prints what follows {@code R1=}; {@code appendRanges} serves
 *       {@code scalar(id=N,...)} and pointers' variable parts.</li>
 * </ul>
 */
package dev.kbpf.verifier.scalar;
