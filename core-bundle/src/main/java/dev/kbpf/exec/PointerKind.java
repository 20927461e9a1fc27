package dev.kbpf.exec;

/**
 * The kind of pointer a load, store or atomic goes through, as the verifier proved it
 * (Linux's {@code PTR_TO_*}). A verified executor uses it to skip the region look-up
 * (for example straight to the stack array for {@link #STACK}).
 */
public enum PointerKind {
    /** Not a memory instruction, or not known: the executor must check the access. */
    UNKNOWN,
    /** {@code PTR_TO_STACK}: the current stack frame. */
    STACK,
    /** {@code PTR_TO_CTX}: the program's context. */
    CTX,
    /** {@code PTR_TO_MAP_VALUE}. */
    MAP_VALUE,
    /** {@code PTR_TO_MEM}: ring buffer records and other sized memory. */
    MEM
}
