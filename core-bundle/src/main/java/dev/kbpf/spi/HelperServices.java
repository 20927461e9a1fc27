package dev.kbpf.spi;

import dev.kbpf.api.ProgType;
import java.util.Optional;

/**
 * What the BPF runtime offers helper and kfunc bodies beyond raw memory: maps, ring and perf
 * buffers, tail calls, callbacks, the current CPU and program, the trace pipe. The kernel's
 * helpers reach the same things through kernel internals; kbpf's helpers live in other bundles,
 * so the runtime hands them this interface through {@link CallContext#services()}.
 *
 * <p>Pointers are BPF addresses as the program holds them: a map pointer is what {@code lddw}
 * with a pseudo map fd loaded; key, value and data pointers point into program memory. Methods
 * return what the Linux helper returns: an address or 0, or 0 / {@code -errno}.
 */
public interface HelperServices {

    /** {@code bpf_map_lookup_elem}: the address of the value, or 0. */
    long mapLookup(CallContext ctx, long map, long key);

    /** {@code bpf_map_update_elem}: 0 or {@code -errno} ({@code -EEXIST}, {@code -ENOENT}, {@code -E2BIG}, …). */
    long mapUpdate(CallContext ctx, long map, long key, long value, long flags);

    /** {@code bpf_map_delete_elem}: 0 or {@code -errno}. */
    long mapDelete(CallContext ctx, long map, long key);

    /** {@code bpf_ringbuf_output}: copies {@code size} bytes at {@code data} into the ring buffer. */
    long ringbufOutput(CallContext ctx, long map, long data, long size, long flags);

    /** {@code bpf_ringbuf_reserve}: the address of a record of {@code size} bytes, or 0 when full. */
    long ringbufReserve(CallContext ctx, long map, long size, long flags);

    /** {@code bpf_ringbuf_submit}: publishes a reserved record. */
    void ringbufSubmit(CallContext ctx, long record, long flags);

    /** {@code bpf_ringbuf_discard}: drops a reserved record. */
    void ringbufDiscard(CallContext ctx, long record, long flags);

    /** {@code bpf_ringbuf_query}: {@code BPF_RB_AVAIL_DATA}, {@code RING_SIZE}, {@code CONS_POS} or {@code PROD_POS}. */
    long ringbufQuery(CallContext ctx, long map, long flags);

    /** {@code bpf_perf_event_output}: a sample of {@code size} bytes to the CPU's perf buffer. */
    long perfEventOutput(CallContext ctx, long map, long flags, long data, long size);

    /**
     * {@code bpf_tail_call}: jumps to the program at {@code index} of the program array. On success
     * the calling program does not go on (the executor ends it and runs the target); on failure
     * (no program there, index out of range, more than 33 tail calls) it returns {@code -errno}
     * and the caller continues with the next instruction, as in Linux.
     */
    long tailCall(CallContext ctx, long progArray, long index);

    /** Runs a callback subprogram (a {@code lddw} pseudo func address) with five arguments; returns its r0. */
    long callback(CallContext ctx, long function, long r1, long r2, long r3, long r4, long r5);

    /** The CPU the program runs on, as kbpf defines CPUs (a stable slot per thread). */
    int cpu();

    /** The number of CPUs ({@code nr_cpu_ids}). */
    int cpuCount();

    /** The calling program. */
    ProgRef program(CallContext ctx);

    /** Writes a line to the trace pipe ({@code bpf_trace_printk}), with the task, pid, CPU and time. */
    void tracePrintk(CallContext ctx, String text);

    // ---- the caller's frame, for destructive kfuncs: a panic or crash dump shows where it was called

    /**
     * The type of the calling program. Empty where the runtime does not say; destructive kfuncs
     * then record their caller by its {@link ProgRef} only, without a frame.
     */
    default Optional<ProgType> programType(CallContext ctx) { return Optional.empty(); }

    /**
     * The index of the call instruction being executed (in the program as loaded, {@code lddw}
     * counting two slots), or -1 where the executor does not track it.
     */
    default int callInsnIndex(CallContext ctx) { return -1; }

    /**
     * {@code r10} of the calling frame — one past the last byte of its stack, so the 512 bytes
     * below it are the caller's stack ({@link CallContext#read}) — or 0 where unknown.
     */
    default long framePointer(CallContext ctx) { return 0; }
}
