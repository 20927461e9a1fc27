package dev.kbpf.exec;

/**
 * A program an executor cannot prepare at all: an unknown opcode, a register above r10, a write
 * to r10, a jump outside the program or into the middle of a {@code lddw}. The message names the
 * instruction slot and what is wrong. (The verifier refuses such programs first; this is what an
 * unverified run gets.)
 */
public class InvalidProgramException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int slot;

    public InvalidProgramException(int slot, String message) {
        super("invalid instruction " + slot + ": " + message);
        this.slot = slot;
    }

    /** The instruction slot at fault. */
    public int slot() { return slot; }
}
