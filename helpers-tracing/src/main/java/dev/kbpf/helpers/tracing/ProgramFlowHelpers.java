package dev.kbpf.helpers.tracing;

import dev.kbpf.api.Errno;
import dev.kbpf.spi.CallContext;
import dev.kbpf.spi.HelperServices;

/** The helpers that run other code: {@code bpf_tail_call} and {@code bpf_loop}. */
final class ProgramFlowHelpers {
    private ProgramFlowHelpers() {}

    /** Linux's {@code BPF_MAX_LOOPS}: {@code bpf_loop} refuses more iterations with {@code -E2BIG}. */
    static final long BPF_MAX_LOOPS = 8L * 1024 * 1024;

    /**
     * {@code long bpf_tail_call(ctx, prog_array, index)}: the index is a {@code u32}, as the
     * kernel's JITs compare it. On success the runtime ends this program and runs the target;
     * on failure the caller goes on with the next instruction.
     */
    static long tailCall(CallContext ctx, long progCtx, long progArray, long index, long r4, long r5) {
        return ctx.services().tailCall(ctx, progArray, index & 0xffff_ffffL);
    }

    /**
     * {@code long bpf_loop(u32 nr_loops, callback_fn, callback_ctx, u64 flags)}: calls
     * {@code callback_fn(i, callback_ctx)} for {@code i = 0, 1, …} until {@code nr_loops} calls
     * or until it returns 1; answers the number of calls made. {@code -EINVAL} for non-zero flags,
     * {@code -E2BIG} above {@link #BPF_MAX_LOOPS}.
     *
     * <p>A verified callback returns only 0 or 1 (the verifier checks its r0). Any other answer
     * therefore comes from the runtime, not the callback — {@code -ENOTSUPP} from a runtime that
     * cannot run callbacks — and is returned as the helper's error instead of being taken for
     * "stop".
     */
    static long loop(CallContext ctx, long nrLoops, long callbackFn, long callbackCtx, long flags, long r5) {
        if (flags != 0) return Errno.EINVAL.negative();
        long n = nrLoops & 0xffff_ffffL;
        if (n > BPF_MAX_LOOPS) return Errno.E2BIG.negative();
        HelperServices services = ctx.services();
        for (long i = 0; i < n; i++) {
            long ret = services.callback(ctx, callbackFn, i, callbackCtx, 0, 0, 0);
            if (ret == 0) continue;
            if (ret == 1) return i + 1;
            return ret;
        }
        return n;
    }
}
