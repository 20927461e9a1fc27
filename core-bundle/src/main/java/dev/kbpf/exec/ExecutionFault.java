package dev.kbpf.exec;

/**
 * Why a run stopped before its outermost {@code exit}. Unchecked: thrown by
 * {@link Executor#run}, and also recorded in the {@link ExecutionContext} ({@code lastFault()})
 * so a checked-mode caller (the verifier's soundness test) can ask whether a run faulted.
 */
public final class ExecutionFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The classes of fault, so callers need not parse messages. */
    public enum Kind {
        /** A load, store or atomic that no region allows ({@link #getCause()} is the MemoryFault). */
        MEMORY,
        /** The instruction budget of the context was spent (an unverified endless loop). */
        BUDGET,
        /** A local call would need a ninth stack frame. */
        CALL_DEPTH,
        /** A call to a helper or kfunc id with no function bound. */
        UNKNOWN_FUNCTION,
        /** A helper or kfunc threw. */
        FUNCTION_FAILED,
        /** Execution ran past the last instruction without {@code exit}. */
        FELL_OFF_END
    }

    private final Kind kind;
    private final int slot;

    public ExecutionFault(Kind kind, int slot, String message, Throwable cause) {
        super("fault at instruction " + slot + ": " + message, cause);
        this.kind = kind;
        this.slot = slot;
    }

    public Kind kind() { return kind; }

    /** The instruction slot (verifier-log pc) that faulted. */
    public int slot() { return slot; }
}
