package dev.kbpf.api;

/**
 * The flag constants of Linux's map UAPI ({@code include/uapi/linux/bpf.h}), with Linux's values:
 * {@code map_flags} given when a map is created, the {@code flags} of an element update, and the
 * flags and query selectors of the ring buffer and perf event output helpers.
 */
public final class MapFlags {
    private MapFlags() {}

    // ---- map_flags at BPF_MAP_CREATE -------------------------------------------------------

    /** Hash maps: do not preallocate elements (kbpf always preallocates; accepted as a hint). */
    public static final int BPF_F_NO_PREALLOC = 1 << 0;
    /** LRU hash maps: one LRU list per CPU instead of a common one (a hint; kbpf keeps one list). */
    public static final int BPF_F_NO_COMMON_LRU = 1 << 1;
    /** Allocate on the NUMA node given in the attributes (kbpf has one node; accepted). */
    public static final int BPF_F_NUMA_NODE = 1 << 2;
    /** The syscall side may only read the map. */
    public static final int BPF_F_RDONLY = 1 << 3;
    /** The syscall side may only write the map. */
    public static final int BPF_F_WRONLY = 1 << 4;
    /** Stack trace maps: store build ids (not a kbpf map type). */
    public static final int BPF_F_STACK_BUILD_ID = 1 << 5;
    /** Hash maps: hash with a zero seed, so that the iteration order is reproducible. */
    public static final int BPF_F_ZERO_SEED = 1 << 6;
    /** Programs may only read the map (checked by the verifier). */
    public static final int BPF_F_RDONLY_PROG = 1 << 7;
    /** Programs may only write the map (checked by the verifier). */
    public static final int BPF_F_WRONLY_PROG = 1 << 8;
    /** Clone a map from its parent (sk_storage; not a kbpf map type). */
    public static final int BPF_F_CLONE = 1 << 9;
    /** Array maps: the value storage may be memory-mapped. */
    public static final int BPF_F_MMAPABLE = 1 << 10;
    /** Perf event arrays: keep entries when the map's last user closes it. */
    public static final int BPF_F_PRESERVE_ELEMS = 1 << 11;
    /** The map is an inner map of a map-in-map. */
    public static final int BPF_F_INNER_MAP = 1 << 12;

    // ---- flags of BPF_MAP_UPDATE_ELEM and bpf_map_update_elem --------------------------------

    /** Create a new element or update an existing one. */
    public static final long BPF_ANY = 0;
    /** Create a new element only if it does not exist ({@code EEXIST} otherwise). */
    public static final long BPF_NOEXIST = 1;
    /** Update an existing element only ({@code ENOENT} otherwise). */
    public static final long BPF_EXIST = 2;
    /** Update under the value's {@code bpf_spin_lock} (needs BTF describing the lock). */
    public static final long BPF_F_LOCK = 4;

    // ---- bpf_perf_event_output ---------------------------------------------------------------

    /** The low 32 bits of the flags: the index in the perf event array. */
    public static final long BPF_F_INDEX_MASK = 0xffffffffL;
    /** Index value meaning "the entry of the current CPU". */
    public static final long BPF_F_CURRENT_CPU = BPF_F_INDEX_MASK;
    /** Bits 32..51: how many bytes of the context to append (skb and xdp programs only). */
    public static final long BPF_F_CTXLEN_MASK = 0xfffffL << 32;

    // ---- bpf_ringbuf_output / submit / discard -----------------------------------------------

    /** Do not wake the consumer up. */
    public static final long BPF_RB_NO_WAKEUP = 1;
    /** Wake the consumer up even if it has not caught up. */
    public static final long BPF_RB_FORCE_WAKEUP = 2;

    // ---- bpf_ringbuf_query -------------------------------------------------------------------

    /** Bytes produced but not yet consumed. */
    public static final long BPF_RB_AVAIL_DATA = 0;
    /** The size of the data area. */
    public static final long BPF_RB_RING_SIZE = 1;
    /** The consumer position. */
    public static final long BPF_RB_CONS_POS = 2;
    /** The producer position. */
    public static final long BPF_RB_PROD_POS = 3;
}
