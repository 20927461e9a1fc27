package dev.kbpf.spi;

/**
 * Argument types of helper and kfunc prototypes, in the kernel's vocabulary
 * ({@code enum bpf_arg_type} in include/linux/bpf.h). The verifier checks every call against them.
 */
public enum ArgType {
    /** Any initialised scalar (or, for privileged loaders, any value). */
    ANYTHING,
    /** A map pointer loaded with {@code lddw} pseudo map fd: known at verification time. */
    CONST_MAP_PTR,
    /** Pointer to initialised memory of the map's key size. */
    PTR_TO_MAP_KEY,
    /** Pointer to initialised memory of the map's value size. */
    PTR_TO_MAP_VALUE,
    /** Pointer to initialised memory whose size is the next argument. */
    PTR_TO_MEM,
    /** Like {@link #PTR_TO_MEM}, or NULL. */
    PTR_TO_MEM_OR_NULL,
    /** Pointer to memory the helper writes (may be uninitialised); size is the next argument. */
    PTR_TO_UNINIT_MEM,
    /** The size of the preceding memory argument: a bounded scalar greater than zero. */
    CONST_SIZE,
    /** The size of the preceding memory argument: a bounded scalar, zero allowed. */
    CONST_SIZE_OR_ZERO,
    /** A constant allocation size (ring buffer reserve). */
    CONST_ALLOC_SIZE_OR_ZERO,
    /** The program's context pointer. */
    PTR_TO_CTX,
    /** A NUL-terminated string in read-only memory (.rodata), known at verification time. */
    PTR_TO_CONST_STR,
    /** A memory region acquired from a helper (ring buffer record), released by this call. */
    PTR_TO_ALLOC_MEM,
    /** A callback: the address of a subprogram, loaded with {@code lddw} pseudo func. */
    PTR_TO_FUNC,
    /** Pointer to the stack, or NULL (callback context). */
    PTR_TO_STACK_OR_NULL,
    /** Pointer to a 64-bit slot on the stack that the helper writes. */
    PTR_TO_LONG
}
