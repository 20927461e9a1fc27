package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;

import static dev.kbpf.api.MapFlags.*;

/**
 * {@code BPF_MAP_CREATE}: checks attributes against the map type, as Linux's
 * {@code map_alloc_check} functions do, and builds the map. Every bad attribute is an
 * {@code EINVAL} (sizes beyond the limits included, as the kbpf requirements ask; Linux answers
 * {@code E2BIG} for some of those) naming the problem; {@code max_entries} beyond 2^31 - 1 is
 * {@code E2BIG}; storage larger than a Java array, or than the heap, is {@code ENOMEM}.
 */
public final class MapFactory {
    private MapFactory() {}

    /** Largest key: {@code MAX_BPF_STACK}, since programs pass keys on their stack. */
    public static final int MAX_KEY_SIZE = 512;
    /** Largest value of a hash or array map ({@code KMALLOC_MAX_SIZE} on x86-64: 4 MiB). */
    public static final int MAX_VALUE_SIZE = 1 << 22;
    /** Largest value of a per-CPU map ({@code PCPU_MIN_UNIT_SIZE}: 32 KiB). */
    public static final int MAX_PERCPU_VALUE_SIZE = 1 << 15;
    /** Largest ring buffer: its array holds the data area twice (see {@link RingbufMap}). */
    public static final int MAX_RINGBUF_SIZE = 1 << 29;
    /** Ring buffer sizes are multiples of the page size. */
    public static final int PAGE_SIZE = 4096;

    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    private static final int COMMON_FLAGS = BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG;

    /**
     * Creates a map with the given id after checking every attribute.
     *
     * @throws BpfException {@code EINVAL}, {@code E2BIG} or {@code ENOMEM} with a message naming the problem
     */
    public static BpfMap create(MapAttr attr, int id) {
        if (attr == null) throw new BpfException(Errno.EINVAL, "map attributes are missing");
        checkName(attr.name());
        MapType t = attr.type();
        int f = attr.mapFlags();
        if ((f & BPF_F_RDONLY) != 0 && (f & BPF_F_WRONLY) != 0) {
            throw invalid("BPF_F_RDONLY and BPF_F_WRONLY are mutually exclusive");
        }
        if ((f & BPF_F_RDONLY_PROG) != 0 && (f & BPF_F_WRONLY_PROG) != 0) {
            throw invalid("BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG are mutually exclusive");
        }
        switch (t) {
            case HASH, PERCPU_HASH, LRU_HASH -> checkHash(attr);
            case ARRAY, PERCPU_ARRAY -> checkArray(attr);
            case PROG_ARRAY, PERF_EVENT_ARRAY -> checkFdArray(attr);
            case RINGBUF -> checkRingbuf(attr);
            default -> throw invalid("map type " + t + " is not supported");
        }
        try {
            return switch (t) {
                case HASH, PERCPU_HASH, LRU_HASH -> new HashTabMap(id, attr);
                case ARRAY, PERCPU_ARRAY -> new ArrayMap(id, attr);
                case PROG_ARRAY -> new ProgArrayMap(id, attr);
                case PERF_EVENT_ARRAY -> new PerfEventArrayMap(id, attr);
                case RINGBUF -> new RingbufMap(id, attr);
            };
        } catch (OutOfMemoryError e) {
            throw new BpfException(Errno.ENOMEM, "not enough memory for " + t + " map with max_entries "
                    + Integer.toUnsignedString(attr.maxEntries()) + " and value_size " + attr.valueSize());
        }
    }

    /** Linux's {@code bpf_obj_name_cpy}: at most 15 characters out of {@code [A-Za-z0-9_.]}. */
    static void checkName(String name) {
        if (name.length() >= MapAttr.OBJ_NAME_LEN) {
            throw invalid("map name '" + name + "' is longer than " + (MapAttr.OBJ_NAME_LEN - 1) + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
            if (!ok) throw invalid("map name '" + name + "' may only contain letters, digits, '_' and '.'");
        }
    }

    private static void checkFlags(MapAttr attr, int allowed) {
        int bad = attr.mapFlags() & ~allowed;
        if (bad != 0) {
            throw invalid("map_flags 0x" + Integer.toHexString(bad) + " are not valid for " + attr.type() + " maps");
        }
    }

    private static void checkMaxEntries(MapAttr attr) {
        if (attr.maxEntries() == 0) throw invalid("max_entries must be greater than 0");
        if (attr.maxEntries() < 0) {
            throw new BpfException(Errno.E2BIG, "max_entries " + Integer.toUnsignedString(attr.maxEntries()) + " is too large");
        }
    }

    private static void checkValueSize(MapAttr attr, int max) {
        if (attr.valueSize() == 0) throw invalid("value_size must be greater than 0");
        if (attr.valueSize() < 0 || attr.valueSize() > max) {
            throw invalid("value_size " + Integer.toUnsignedString(attr.valueSize()) + " is larger than " + max
                    + " for " + attr.type() + " maps");
        }
    }

    private static void checkHash(MapAttr attr) {
        boolean lru = attr.type() == MapType.LRU_HASH;
        if (lru && (attr.mapFlags() & BPF_F_NO_PREALLOC) != 0) {
            throw invalid("LRU hash maps are always preallocated: BPF_F_NO_PREALLOC is not allowed");
        }
        checkFlags(attr, COMMON_FLAGS | BPF_F_ZERO_SEED | (lru ? BPF_F_NO_COMMON_LRU : BPF_F_NO_PREALLOC));
        if (attr.keySize() == 0) throw invalid("key_size must be greater than 0");
        if (attr.keySize() < 0 || attr.keySize() > MAX_KEY_SIZE) {
            throw invalid("key_size " + Integer.toUnsignedString(attr.keySize()) + " is larger than " + MAX_KEY_SIZE);
        }
        checkValueSize(attr, attr.type() == MapType.PERCPU_HASH ? MAX_PERCPU_VALUE_SIZE : MAX_VALUE_SIZE);
        checkMaxEntries(attr);
    }

    private static void checkArray(MapAttr attr) {
        boolean perCpu = attr.type() == MapType.PERCPU_ARRAY;
        checkFlags(attr, COMMON_FLAGS | BPF_F_INNER_MAP | (perCpu ? 0 : BPF_F_MMAPABLE));
        if (attr.keySize() != 4) throw invalid("key_size of an array map must be 4, not " + Integer.toUnsignedString(attr.keySize()));
        checkValueSize(attr, perCpu ? MAX_PERCPU_VALUE_SIZE : MAX_VALUE_SIZE);
        checkMaxEntries(attr);
    }

    private static void checkFdArray(MapAttr attr) {
        checkFlags(attr, BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY
                | (attr.type() == MapType.PERF_EVENT_ARRAY ? BPF_F_PRESERVE_ELEMS : 0));
        if (attr.keySize() != 4) throw invalid("key_size of a " + attr.type() + " map must be 4, not " + Integer.toUnsignedString(attr.keySize()));
        if (attr.valueSize() != 4) throw invalid("value_size of a " + attr.type() + " map must be 4, not " + Integer.toUnsignedString(attr.valueSize()));
        checkMaxEntries(attr);
    }

    private static void checkRingbuf(MapAttr attr) {
        checkFlags(attr, BPF_F_NUMA_NODE);
        if (attr.keySize() != 0) throw invalid("key_size of a ring buffer must be 0, not " + Integer.toUnsignedString(attr.keySize()));
        if (attr.valueSize() != 0) throw invalid("value_size of a ring buffer must be 0, not " + Integer.toUnsignedString(attr.valueSize()));
        int size = attr.maxEntries();
        if (size < 0 || size > MAX_RINGBUF_SIZE) {
            throw invalid("max_entries " + Integer.toUnsignedString(size) + " of a ring buffer is larger than " + MAX_RINGBUF_SIZE);
        }
        if (Integer.bitCount(size) != 1 || size < PAGE_SIZE) {
            throw invalid("max_entries " + size + " of a ring buffer must be a power of 2 and a multiple of the page size " + PAGE_SIZE);
        }
    }

    /** ENOMEM when storage would not fit in Java arrays; called by map constructors before allocating. */
    static void checkAllocation(MapAttr attr, long valueBytes, long keyBytes, long tableSlots) {
        if (valueBytes > MAX_ARRAY || keyBytes > MAX_ARRAY || tableSlots > MAX_ARRAY) {
            throw new BpfException(Errno.ENOMEM, attr.type() + " map with max_entries " + Integer.toUnsignedString(attr.maxEntries())
                    + " and value_size " + attr.valueSize() + " needs more storage than a Java array holds");
        }
    }

    private static BpfException invalid(String message) { return new BpfException(Errno.EINVAL, message); }
}
