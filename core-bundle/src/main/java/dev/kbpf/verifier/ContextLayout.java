package dev.kbpf.verifier;

import dev.kbpf.api.ProgType;

import java.util.List;
import java.util.Objects;

/**
 * Which bytes of a program type's context ({@code r1} at entry) a program may read and write:
 * what Linux's per-type {@code is_valid_access} callbacks decide.
 *
 * <p>Two shapes exist. A <em>record</em> context (tracepoints, kprobes, raw tracepoints): any
 * aligned read of at most 8 bytes inside {@code [0, size)}, never a write — the record layout is only
 * known at attach time, which is why the verifier reports the highest offset read. A
 * <em>struct</em> context ({@code __sk_buff}, {@code xdp_md}, the lirc sample): a list of fields,
 * each readable or writable, readable also in narrower aligned pieces.
 *
 * @param name   the C type, for messages
 * @param size   bytes of the context
 * @param fields the fields of a struct context; empty for a record context
 * @param record true for a record context
 */
public record ContextLayout(String name, int size, List<Field> fields, boolean record) {

    /** Linux's {@code PERF_MAX_TRACE_SIZE} as the brief fixes it: the bound of a tracepoint record. */
    public static final int TRACEPOINT_MAX_SIZE = 2048;

    /** One field of a struct context. */
    public record Field(String name, int off, int size, boolean readable, boolean writable) {
        public Field {
            if (off < 0 || size <= 0 || size > 8) throw new IllegalArgumentException("bad context field " + name + " off=" + off + " size=" + size);
        }
    }

    public ContextLayout {
        Objects.requireNonNull(name, "name");
        fields = List.copyOf(fields);
        if (size < 0) throw new IllegalArgumentException("negative context size");
    }

    /** A read-only record context of {@code size} bytes (tracepoint style). */
    public static ContextLayout record(String name, int size) { return new ContextLayout(name, size, List.of(), true); }

    /** A struct context made of fields. */
    public static ContextLayout struct(String name, int size, List<Field> fields) { return new ContextLayout(name, size, fields, false); }

    /**
     * True when a {@code size}-byte access at {@code off} is allowed. Reads must be aligned to their size
     * (Linux's {@code off % size != 0} test); writes must hit a writable field exactly or a narrow aligned piece of it.
     */
    public boolean allows(int off, int size, boolean write) {
        if (off < 0 || size <= 0 || size > 8 || off % size != 0) return false;
        if ((long) off + size > this.size) return false;
        if (record) return !write;
        for (Field f : fields) {
            if (off >= f.off && off + size <= f.off + f.size) {
                return write ? f.writable : f.readable;
            }
        }
        return false;
    }

    /** The layout kbpf uses for a program type when the environment does not supply another one. */
    public static ContextLayout defaultFor(ProgType type) {
        return switch (type) {
            // the tracepoint record: its real layout is checked against the highest offset read at attach
            case TRACEPOINT -> record("tracepoint record", TRACEPOINT_MAX_SIZE);
            // struct pt_regs of x86-64: 21 registers of 8 bytes
            case KPROBE -> record("struct pt_regs", 168);
            // struct bpf_perf_event_data: pt_regs, sample_period, addr
            case PERF_EVENT -> record("struct bpf_perf_event_data", 184);
            // struct bpf_raw_tracepoint_args: u64 args[MAX_BPF_FUNC_ARGS]
            case RAW_TRACEPOINT, TRACING -> record("u64 args[12]", 96);
            case XDP -> struct("struct xdp_md", 24, List.of(
                    new Field("data", 0, 4, true, false), new Field("data_end", 4, 4, true, false),
                    new Field("data_meta", 8, 4, true, false), new Field("ingress_ifindex", 12, 4, true, false),
                    new Field("rx_queue_index", 16, 4, true, false), new Field("egress_ifindex", 20, 4, true, false)));
            case LIRC_MODE2 -> struct("u32 sample", 4, List.of(new Field("sample", 0, 4, true, false)));
            case SOCKET_FILTER -> socketFilter();
        };
    }

    private static ContextLayout socketFilter() {
        String[] names = {"len", "pkt_type", "mark", "queue_mapping", "protocol", "vlan_present", "vlan_tci", "vlan_proto",
                "priority", "ingress_ifindex", "ifindex", "tc_index", "cb[0]", "cb[1]", "cb[2]", "cb[3]", "cb[4]", "hash"};
        Field[] f = new Field[names.length];
        for (int i = 0; i < names.length; i++) {
            boolean cb = names[i].startsWith("cb[");
            f[i] = new Field(names[i], i * 4, 4, true, cb);
        }
        // struct __sk_buff: the u32 fields up to hash (offset 68); data/data_end are not readable by socket filters
        return struct("struct __sk_buff", 192, List.of(f));
    }
}
