package dev.kbpf.verifier;

/**
 * The kind of memory a load, store or atomic instruction touches, as proven by the verifier over
 * every path that reaches it. Executors use it to pick the region without looking it up.
 */
public enum PointerKind {
    /** Not a memory instruction. */
    NONE,
    /** The program's context. */
    CTX,
    /** A stack frame. */
    STACK,
    /** A map value (lookup result or direct {@code lddw} map value). */
    MAP_VALUE,
    /** A map key handed to a callback. */
    MAP_KEY,
    /** Memory from a helper: a ring buffer record. */
    MEM,
    /** Different non-context kinds on different paths: the executor resolves the region at run time. */
    MIXED
}
