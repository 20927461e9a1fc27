package dev.kbpf.helpers.tracing;

import dev.kbpf.api.ProgType;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which program types may call a helper: the kernel's {@code get_func_proto} callbacks
 * ({@code bpf_tracing_func_proto} in kernel/trace/bpf_trace.c, {@code bpf_base_func_proto} in
 * kernel/bpf/helpers.c for socket filters and XDP, {@code lirc_mode2_func_proto} in
 * drivers/media/rc/bpf-lirc.c), reduced to the types kbpf has.
 *
 * <p>Linux grants some base helpers only to loaders holding {@code CAP_BPF} ({@code jiffies64},
 * {@code loop}) or {@code CAP_PERFMON} ({@code trace_printk}, {@code snprintf}, the
 * {@code probe_read} family). A {@link dev.kbpf.spi.HelperDescriptor} cannot say "only with this
 * capability", so kbpf decides by program type instead: {@code SOCKET_FILTER}, the one type an
 * unprivileged user may load, never gets the {@code CAP_PERFMON} helpers (whose {@code %s} reads
 * arbitrary program memory); {@code XDP} and {@code LIRC_MODE2}, which need {@code CAP_BPF} to
 * load, get what Linux gives a privileged loader of them. Socket filters do get the two
 * {@code CAP_BPF} helpers: {@code loop} is safe because the verifier itself demands {@code CAP_BPF}
 * for the callback's function pointer, and {@code jiffies64} only reads a clock that
 * {@code ktime_get_ns} already gives them.
 */
final class Callers {
    private Callers() {}

    /** The tracing types: every helper of this bundle. */
    static final Set<ProgType> TRACING = of(EnumSet.of(ProgType.KPROBE, ProgType.TRACEPOINT, ProgType.PERF_EVENT,
            ProgType.RAW_TRACEPOINT, ProgType.TRACING));

    /** {@code bpf_base_func_proto} without capabilities, plus {@code lirc_mode2_func_proto}: map ops, ktime, prandom, tail_call. */
    static final Set<ProgType> BASE_AND_LIRC = with(TRACING, ProgType.SOCKET_FILTER, ProgType.XDP, ProgType.LIRC_MODE2);

    /** {@code bpf_base_func_proto} without capabilities, not offered to LIRC_MODE2: smp_processor_id, ringbuf. */
    static final Set<ProgType> BASE = with(TRACING, ProgType.SOCKET_FILTER, ProgType.XDP);

    /** {@code CAP_BPF} part of the base: jiffies64, loop (see the class comment for socket filters). */
    static final Set<ProgType> BASE_CAP_BPF = with(TRACING, ProgType.SOCKET_FILTER, ProgType.XDP);

    /** {@code trace_printk}: {@code CAP_PERFMON} in the base, and LIRC_MODE2 with {@code perfmon_capable()}. */
    static final Set<ProgType> PRINTK = with(TRACING, ProgType.XDP, ProgType.LIRC_MODE2);

    /** {@code snprintf}: {@code CAP_PERFMON} in the base. */
    static final Set<ProgType> PERFMON = with(TRACING, ProgType.XDP);

    private static Set<ProgType> of(EnumSet<ProgType> types) { return Collections.unmodifiableSet(types); }

    private static Set<ProgType> with(Set<ProgType> base, ProgType... more) {
        EnumSet<ProgType> s = EnumSet.copyOf(base);
        Collections.addAll(s, more);
        return of(s);
    }
}
