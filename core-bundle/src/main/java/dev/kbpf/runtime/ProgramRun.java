package dev.kbpf.runtime;

import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import dev.kbpf.memory.RegionTable;
import dev.kbpf.spi.HelperServices;

/**
 * The per-thread state for running programs: one execution context (stack frames, address space)
 * reused by every run on the thread, and the context region of the last record, reused while the
 * same record buffer fires again (tracepoints reuse a per-thread buffer), so a firing allocates
 * nothing.
 */
final class ProgramRun {
    final ExecutionContext ctx;
    private byte[] lastRecord;
    private int lastLength = -1;
    private boolean lastWritable;
    private long lastAddress;

    ProgramRun(RegionTable regions, HelperServices services) {
        ctx = new ExecutionContext(regions);
        ctx.setServices(services);
    }

    /** Installs {@code record[0, length)} as the context region and returns its address (r1). */
    long context(byte[] record, int length, boolean writable) {
        if (record != lastRecord || length != lastLength || writable != lastWritable) {
            lastAddress = ctx.setContext(new Region(RegionKind.CONTEXT, "context", record, 0, length, !writable));
            lastRecord = record;
            lastLength = length;
            lastWritable = writable;
        }
        return lastAddress;
    }
}
