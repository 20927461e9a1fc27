package dev.kbpf.api;

/** Map types, with Linux's names and {@code enum bpf_map_type} numbers. */
public enum MapType {
    HASH(1),
    ARRAY(2),
    PROG_ARRAY(3),
    PERF_EVENT_ARRAY(4),
    PERCPU_HASH(5),
    PERCPU_ARRAY(6),
    LRU_HASH(9),
    RINGBUF(27);

    private final int linuxId;

    MapType(int linuxId) { this.linuxId = linuxId; }

    /** The value of {@code BPF_MAP_TYPE_*} in Linux's UAPI. */
    public int linuxId() { return linuxId; }

    public static java.util.Optional<MapType> ofLinuxId(int id) {
        for (MapType t : values()) if (t.linuxId == id) return java.util.Optional.of(t);
        return java.util.Optional.empty();
    }

    /** Accepts {@code HASH}, {@code hash} and {@code BPF_MAP_TYPE_HASH}. */
    public static MapType parse(String name) {
        String n = name.trim().toUpperCase(java.util.Locale.ROOT);
        if (n.startsWith("BPF_MAP_TYPE_")) n = n.substring("BPF_MAP_TYPE_".length());
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new BpfException(Errno.EINVAL, "unknown map type '" + name + "'");
        }
    }
}
