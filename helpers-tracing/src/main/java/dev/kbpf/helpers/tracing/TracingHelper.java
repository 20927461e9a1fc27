package dev.kbpf.helpers.tracing;

import static dev.kbpf.spi.ArgType.ANYTHING;
import static dev.kbpf.spi.ArgType.CONST_ALLOC_SIZE_OR_ZERO;
import static dev.kbpf.spi.ArgType.CONST_MAP_PTR;
import static dev.kbpf.spi.ArgType.CONST_SIZE;
import static dev.kbpf.spi.ArgType.CONST_SIZE_OR_ZERO;
import static dev.kbpf.spi.ArgType.PTR_TO_ALLOC_MEM;
import static dev.kbpf.spi.ArgType.PTR_TO_CONST_STR;
import static dev.kbpf.spi.ArgType.PTR_TO_CTX;
import static dev.kbpf.spi.ArgType.PTR_TO_FUNC;
import static dev.kbpf.spi.ArgType.PTR_TO_MAP_KEY;
import static dev.kbpf.spi.ArgType.PTR_TO_MAP_VALUE;
import static dev.kbpf.spi.ArgType.PTR_TO_MEM;
import static dev.kbpf.spi.ArgType.PTR_TO_MEM_OR_NULL;
import static dev.kbpf.spi.ArgType.PTR_TO_STACK_OR_NULL;
import static dev.kbpf.spi.ArgType.PTR_TO_UNINIT_MEM;

import dev.kbpf.api.ProgType;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.RetType;
import java.util.Set;

/**
 * The helpers of this bundle as Linux defines them: UAPI id and name ({@code enum bpf_func_id}),
 * the prototype of their {@code struct bpf_func_proto} ({@code ret_type}, {@code argN_type},
 * {@code gpl_only}; {@code MEM_RDONLY} and similar modifiers have no kbpf counterpart and are
 * dropped) and the program types that may call them ({@link Callers}). Only the bodies are kbpf's.
 *
 * <p>{@code trace_printk} declares two arguments, as Linux does: its three values are read from
 * r3–r5 whatever they hold, so a call with fewer values passes the verifier.
 */
public enum TracingHelper {
    MAP_LOOKUP_ELEM(1, "map_lookup_elem", false, Callers.BASE_AND_LIRC,
            RetType.PTR_TO_MAP_VALUE_OR_NULL, CONST_MAP_PTR, PTR_TO_MAP_KEY),
    MAP_UPDATE_ELEM(2, "map_update_elem", false, Callers.BASE_AND_LIRC,
            RetType.INTEGER, CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, ANYTHING),
    MAP_DELETE_ELEM(3, "map_delete_elem", false, Callers.BASE_AND_LIRC,
            RetType.INTEGER, CONST_MAP_PTR, PTR_TO_MAP_KEY),
    PROBE_READ(4, "probe_read", true, Callers.TRACING,
            RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING),
    KTIME_GET_NS(5, "ktime_get_ns", false, Callers.BASE_AND_LIRC, RetType.INTEGER),
    TRACE_PRINTK(6, "trace_printk", true, Callers.PRINTK,
            RetType.INTEGER, PTR_TO_MEM, CONST_SIZE),
    GET_PRANDOM_U32(7, "get_prandom_u32", false, Callers.BASE_AND_LIRC, RetType.INTEGER),
    GET_SMP_PROCESSOR_ID(8, "get_smp_processor_id", false, Callers.BASE, RetType.INTEGER),
    TAIL_CALL(12, "tail_call", false, Callers.BASE_AND_LIRC,
            RetType.VOID, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING),
    GET_CURRENT_PID_TGID(14, "get_current_pid_tgid", false, Callers.TRACING, RetType.INTEGER),
    GET_CURRENT_UID_GID(15, "get_current_uid_gid", false, Callers.TRACING, RetType.INTEGER),
    GET_CURRENT_COMM(16, "get_current_comm", false, Callers.TRACING,
            RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE),
    PERF_EVENT_OUTPUT(25, "perf_event_output", true, Callers.TRACING,
            RetType.INTEGER, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING, PTR_TO_MEM, CONST_SIZE_OR_ZERO),
    PROBE_READ_STR(45, "probe_read_str", true, Callers.TRACING,
            RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING),
    PROBE_READ_USER(112, "probe_read_user", true, Callers.TRACING,
            RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING),
    PROBE_READ_KERNEL(113, "probe_read_kernel", true, Callers.TRACING,
            RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING),
    PROBE_READ_USER_STR(114, "probe_read_user_str", true, Callers.TRACING,
            RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING),
    PROBE_READ_KERNEL_STR(115, "probe_read_kernel_str", true, Callers.TRACING,
            RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING),
    JIFFIES64(118, "jiffies64", false, Callers.BASE_CAP_BPF, RetType.INTEGER),
    KTIME_GET_BOOT_NS(125, "ktime_get_boot_ns", false, Callers.BASE_AND_LIRC, RetType.INTEGER),
    RINGBUF_OUTPUT(130, "ringbuf_output", false, Callers.BASE,
            RetType.INTEGER, CONST_MAP_PTR, PTR_TO_MEM, CONST_SIZE_OR_ZERO, ANYTHING),
    RINGBUF_RESERVE(131, "ringbuf_reserve", false, Callers.BASE,
            RetType.PTR_TO_ALLOC_MEM_OR_NULL, CONST_MAP_PTR, CONST_ALLOC_SIZE_OR_ZERO, ANYTHING),
    RINGBUF_SUBMIT(132, "ringbuf_submit", false, Callers.BASE,
            RetType.VOID, PTR_TO_ALLOC_MEM, ANYTHING),
    RINGBUF_DISCARD(133, "ringbuf_discard", false, Callers.BASE,
            RetType.VOID, PTR_TO_ALLOC_MEM, ANYTHING),
    RINGBUF_QUERY(134, "ringbuf_query", false, Callers.BASE,
            RetType.INTEGER, CONST_MAP_PTR, ANYTHING),
    SNPRINTF(165, "snprintf", true, Callers.PERFMON,
            RetType.INTEGER, PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO, PTR_TO_CONST_STR, PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO),
    LOOP(181, "loop", false, Callers.BASE_CAP_BPF,
            RetType.INTEGER, ANYTHING, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING);

    private final HelperDescriptor descriptor;

    TracingHelper(int id, String name, boolean gplOnly, Set<ProgType> callers, RetType ret, ArgType... args) {
        this.descriptor = new HelperDescriptor(id, name, FunctionProto.of(ret, args), callers, gplOnly);
    }

    /** What the verifier checks calls against. */
    public HelperDescriptor descriptor() { return descriptor; }

    /** The Linux UAPI id ({@code BPF_FUNC_*}). */
    public int id() { return descriptor.id(); }
}
