package dev.kbpf.helpers.tracing;

import dev.kbpf.spi.CallContext;

/**
 * The helpers that hand records to user space: the ring buffer ({@code bpf_ringbuf_*}) and the
 * perf event array ({@code bpf_perf_event_output}). The maps check flags and sizes and answer
 * Linux's errors; the verifier has already matched the map types and tracked reserved records.
 */
final class OutputHelpers {
    private OutputHelpers() {}

    /** {@code long bpf_ringbuf_output(ringbuf, data, size, flags)}: copies and submits a record. */
    static long ringbufOutput(CallContext ctx, long map, long data, long size, long flags, long r5) {
        return ctx.services().ringbufOutput(ctx, map, data, size, flags);
    }

    /** {@code void *bpf_ringbuf_reserve(ringbuf, size, flags)}: a record's address, or 0 when there is no room. */
    static long ringbufReserve(CallContext ctx, long map, long size, long flags, long r4, long r5) {
        return ctx.services().ringbufReserve(ctx, map, size, flags);
    }

    /** {@code void bpf_ringbuf_submit(data, flags)}. */
    static long ringbufSubmit(CallContext ctx, long record, long flags, long r3, long r4, long r5) {
        ctx.services().ringbufSubmit(ctx, record, flags);
        return 0;
    }

    /** {@code void bpf_ringbuf_discard(data, flags)}. */
    static long ringbufDiscard(CallContext ctx, long record, long flags, long r3, long r4, long r5) {
        ctx.services().ringbufDiscard(ctx, record, flags);
        return 0;
    }

    /** {@code u64 bpf_ringbuf_query(ringbuf, flags)}: {@code BPF_RB_AVAIL_DATA}, {@code RING_SIZE}, {@code CONS_POS}, {@code PROD_POS}. */
    static long ringbufQuery(CallContext ctx, long map, long flags, long r3, long r4, long r5) {
        return ctx.services().ringbufQuery(ctx, map, flags);
    }

    /** {@code long bpf_perf_event_output(ctx, map, flags, data, size)}: a raw sample to a CPU's perf buffer. */
    static long perfEventOutput(CallContext ctx, long progCtx, long map, long flags, long data, long size) {
        return ctx.services().perfEventOutput(ctx, map, flags, data, size);
    }
}
