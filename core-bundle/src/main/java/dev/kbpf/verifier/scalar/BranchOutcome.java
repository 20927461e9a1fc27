package dev.kbpf.verifier.scalar;

/** What the abstract values say about a conditional jump (kernel {@code is_branch_taken}: 1, 0, -1). */
public enum BranchOutcome {
    /** Every concrete pair takes the jump. */
    TAKEN,
    /** No concrete pair takes the jump. */
    NOT_TAKEN,
    /** Both outcomes may happen; the verifier explores both. */
    UNKNOWN;

    /** The outcome for a concrete condition. */
    public static BranchOutcome of(boolean taken) {
        return taken ? TAKEN : NOT_TAKEN;
    }
}
