package dev.kbpf.helpers.tracing;

import dev.kbpf.spi.BpfHelper;
import dev.kbpf.spi.HelperFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The helper set of this bundle: every {@link TracingHelper} with its body, ready for
 * {@code HelperProvider.helpers()} or for a runtime built without OSGi
 * ({@code runtime.addHelperProvider(key, "dev.kbpf.helpers.tracing", TracingHelpers.create())}).
 */
public final class TracingHelpers {
    private TracingHelpers() {}

    /** The helpers, by ascending id, for this JVM's clock, process and threads. */
    public static List<BpfHelper> create() {
        return create(KernelClock.SYSTEM, CurrentTask.ofThisProcess());
    }

    static List<BpfHelper> create(KernelClock clock, CurrentTask task) {
        List<BpfHelper> helpers = new ArrayList<>();
        for (TracingHelper h : TracingHelper.values()) helpers.add(new BpfHelper(h.descriptor(), body(h, clock, task)));
        return List.copyOf(helpers);
    }

    /** The body of each helper; the switch covers every helper, so a new one cannot lack a body. */
    private static HelperFunction body(TracingHelper h, KernelClock clock, CurrentTask task) {
        return switch (h) {
            case MAP_LOOKUP_ELEM -> MapHelpers::lookup;
            case MAP_UPDATE_ELEM -> MapHelpers::update;
            case MAP_DELETE_ELEM -> MapHelpers::delete;
            case PROBE_READ, PROBE_READ_USER, PROBE_READ_KERNEL -> ProbeRead::read;
            case PROBE_READ_STR, PROBE_READ_USER_STR, PROBE_READ_KERNEL_STR -> ProbeRead::readStr;
            case KTIME_GET_NS -> (ctx, r1, r2, r3, r4, r5) -> clock.ktimeGetNs();
            case KTIME_GET_BOOT_NS -> (ctx, r1, r2, r3, r4, r5) -> clock.ktimeGetBootNs();
            case JIFFIES64 -> (ctx, r1, r2, r3, r4, r5) -> clock.jiffies64();
            case TRACE_PRINTK -> PrintHelpers::tracePrintk;
            case SNPRINTF -> PrintHelpers::snprintf;
            // bpf_user_rnd_u32: a per-CPU pseudo-random generator; here one per thread
            case GET_PRANDOM_U32 -> (ctx, r1, r2, r3, r4, r5) -> ThreadLocalRandom.current().nextInt() & 0xffff_ffffL;
            case GET_SMP_PROCESSOR_ID -> (ctx, r1, r2, r3, r4, r5) -> ctx.services().cpu();
            case GET_CURRENT_PID_TGID -> (ctx, r1, r2, r3, r4, r5) -> task.pidTgid();
            case GET_CURRENT_UID_GID -> (ctx, r1, r2, r3, r4, r5) -> task.uidGid();
            case GET_CURRENT_COMM -> (ctx, r1, r2, r3, r4, r5) -> task.getCurrentComm(ctx, r1, r2);
            case TAIL_CALL -> ProgramFlowHelpers::tailCall;
            case LOOP -> ProgramFlowHelpers::loop;
            case PERF_EVENT_OUTPUT -> OutputHelpers::perfEventOutput;
            case RINGBUF_OUTPUT -> OutputHelpers::ringbufOutput;
            case RINGBUF_RESERVE -> OutputHelpers::ringbufReserve;
            case RINGBUF_SUBMIT -> OutputHelpers::ringbufSubmit;
            case RINGBUF_DISCARD -> OutputHelpers::ringbufDiscard;
            case RINGBUF_QUERY -> OutputHelpers::ringbufQuery;
        };
    }
}
