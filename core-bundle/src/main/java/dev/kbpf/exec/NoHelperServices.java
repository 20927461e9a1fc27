package dev.kbpf.exec;

import dev.kbpf.spi.CallContext;
import dev.kbpf.spi.HelperServices;
import dev.kbpf.spi.ProgRef;

/**
 * Helper services outside a runtime (unit tests, the conformance plugin): every service answers
 * {@code -ENOTSUPP} (524), as Linux answers an operation a configuration does not support.
 */
public enum NoHelperServices implements HelperServices {
    INSTANCE;

    private static final long ENOTSUPP = -524;

    @Override public long mapLookup(CallContext ctx, long map, long key) { return 0; }
    @Override public long mapUpdate(CallContext ctx, long map, long key, long value, long flags) { return ENOTSUPP; }
    @Override public long mapDelete(CallContext ctx, long map, long key) { return ENOTSUPP; }
    @Override public long ringbufOutput(CallContext ctx, long map, long data, long size, long flags) { return ENOTSUPP; }
    @Override public long ringbufReserve(CallContext ctx, long map, long size, long flags) { return 0; }
    @Override public void ringbufSubmit(CallContext ctx, long record, long flags) {}
    @Override public void ringbufDiscard(CallContext ctx, long record, long flags) {}
    @Override public long ringbufQuery(CallContext ctx, long map, long flags) { return 0; }
    @Override public long perfEventOutput(CallContext ctx, long map, long flags, long data, long size) { return ENOTSUPP; }
    @Override public long tailCall(CallContext ctx, long progArray, long index) { return ENOTSUPP; }
    @Override public long callback(CallContext ctx, long function, long r1, long r2, long r3, long r4, long r5) { return ENOTSUPP; }
    @Override public int cpu() { return 0; }
    @Override public int cpuCount() { return 1; }
    @Override public ProgRef program(CallContext ctx) { return new ProgRef(0, "", ""); }
    @Override public void tracePrintk(CallContext ctx, String text) {}
}
