package dev.kbpf.spi;

/** Return types of helper and kfunc prototypes ({@code enum bpf_return_type}). */
public enum RetType {
    /** A scalar in r0. */
    INTEGER,
    /** Nothing; r0 is not readable after the call. */
    VOID,
    /** A pointer into the value of the map passed as the first argument, or NULL. */
    PTR_TO_MAP_VALUE_OR_NULL,
    /** Memory of the size passed as a constant argument (ring buffer record), or NULL; an acquired reference. */
    PTR_TO_ALLOC_MEM_OR_NULL
}
