package dev.kbpf.runtime;

import dev.kbpf.api.Errno;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.maps.BpfMap;
import dev.kbpf.maps.Cpus;
import dev.kbpf.maps.PerfEventArrayMap;
import dev.kbpf.maps.RingbufMap;
import dev.kbpf.memory.AccessKind;
import dev.kbpf.memory.Address;
import dev.kbpf.memory.AddressSpace;
import dev.kbpf.memory.MemoryFault;
import dev.kbpf.memory.Region;
import dev.kbpf.spi.CallContext;
import dev.kbpf.spi.HelperServices;
import dev.kbpf.spi.ProgRef;

/**
 * The runtime's side of helper calls: resolves map pointers and key/value/data pointers to the
 * arrays behind them (no copying on the hot path) and calls the map's program face.
 */
final class RuntimeServices implements HelperServices {
    private static final long EINVAL = Errno.EINVAL.negative();
    private final MapMemory maps;
    private final TraceBuffer tracePipe;
    private final BpfRuntime runtime;

    RuntimeServices(MapMemory maps, TraceBuffer tracePipe, BpfRuntime runtime) {
        this.maps = maps;
        this.tracePipe = tracePipe;
        this.runtime = runtime;
    }

    private static AddressSpace space(CallContext ctx) {
        return ((ExecutionContext) ctx).memory();
    }

    /** The region holding {@code size} readable bytes at {@code addr}; faults like any program access. */
    private static Region readable(CallContext ctx, long addr, int size) {
        return space(ctx).readable(addr, size);
    }

    private static int arrayOffset(Region r, long addr) {
        return r.base() + (int) Address.offset(addr);
    }

    @Override
    public long mapLookup(CallContext ctx, long map, long key) {
        MapMemory.Bound b = maps.byHandle(map);
        if (b == null) return 0;
        BpfMap m = b.map();
        Region k = readable(ctx, key, m.keySize());
        int off = m.lookupForProgram(k.bytes(), arrayOffset(k, key));
        if (off < 0) return 0;
        return b.valueAddress(m.isPerCpu() ? Cpus.current() : 0, off);
    }

    @Override
    public long mapUpdate(CallContext ctx, long map, long key, long value, long flags) {
        MapMemory.Bound b = maps.byHandle(map);
        if (b == null) return EINVAL;
        BpfMap m = b.map();
        Region k = readable(ctx, key, m.keySize());
        Region v = readable(ctx, value, m.valueSize());
        return m.updateFromProgram(k.bytes(), arrayOffset(k, key), v.bytes(), arrayOffset(v, value), flags);
    }

    @Override
    public long mapDelete(CallContext ctx, long map, long key) {
        MapMemory.Bound b = maps.byHandle(map);
        if (b == null) return EINVAL;
        BpfMap m = b.map();
        Region k = readable(ctx, key, m.keySize());
        return m.deleteFromProgram(k.bytes(), arrayOffset(k, key));
    }

    @Override
    public long ringbufOutput(CallContext ctx, long map, long data, long size, long flags) {
        MapMemory.Bound b = maps.byHandle(map);
        if (b == null || !(b.map() instanceof RingbufMap rb)) return EINVAL;
        if (size < 0 || size > Integer.MAX_VALUE) return Errno.E2BIG.negative();
        Region d = readable(ctx, data, (int) size);
        return rb.output(d.bytes(), arrayOffset(d, data), size, flags);
    }

    @Override
    public long ringbufReserve(CallContext ctx, long map, long size, long flags) {
        MapMemory.Bound b = maps.byHandle(map);
        if (b == null || !(b.map() instanceof RingbufMap rb)) return 0;
        int off = rb.reserve(size, flags);
        return off < 0 ? 0 : b.valueAddress(0, off);
    }

    @Override
    public void ringbufSubmit(CallContext ctx, long record, long flags) {
        RingbufMap rb = ringOf(record);
        rb.submit((int) Address.offset(record), flags);
    }

    @Override
    public void ringbufDiscard(CallContext ctx, long record, long flags) {
        RingbufMap rb = ringOf(record);
        rb.discard((int) Address.offset(record), flags);
    }

    private RingbufMap ringOf(long record) {
        MapMemory.Bound b = maps.byRegionId(Address.regionId(record));
        if (b == null || !(b.map() instanceof RingbufMap rb) || b.handleRegion() == Address.regionId(record)) {
            // only an unverified program can get here: the verifier tracks reserved records
            throw new MemoryFault(record, 0, AccessKind.WRITE, "not a ring buffer record");
        }
        return rb;
    }

    @Override
    public long ringbufQuery(CallContext ctx, long map, long flags) {
        MapMemory.Bound b = maps.byHandle(map);
        return b != null && b.map() instanceof RingbufMap rb ? rb.query(flags) : 0;
    }

    @Override
    public long perfEventOutput(CallContext ctx, long map, long flags, long data, long size) {
        MapMemory.Bound b = maps.byHandle(map);
        if (b == null || !(b.map() instanceof PerfEventArrayMap pm)) return EINVAL;
        if (size < 0 || size > Integer.MAX_VALUE) return Errno.E2BIG.negative();
        Region d = readable(ctx, data, (int) size);
        return pm.output(flags, d.bytes(), arrayOffset(d, data), (int) size);
    }

    @Override
    public long tailCall(CallContext ctx, long progArray, long index) {
        return runtime.tailCall((ExecutionContext) ctx, maps.byHandle(progArray), index);
    }

    @Override
    public long callback(CallContext ctx, long function, long r1, long r2, long r3, long r4, long r5) {
        return runtime.callback((ExecutionContext) ctx, function, r1, r2, r3, r4, r5);
    }

    @Override public int cpu() { return Cpus.current(); }

    @Override public int cpuCount() { return Cpus.count(); }

    @Override
    public ProgRef program(CallContext ctx) {
        Object a = ((ExecutionContext) ctx).attachment();
        return a instanceof LoadedProgram p ? p.ref() : new ProgRef(0, "", "");
    }

    @Override
    public void tracePrintk(CallContext ctx, String text) {
        tracePipe.printk(Cpus.current(), text);
    }

    @Override
    public java.util.Optional<dev.kbpf.api.ProgType> programType(CallContext ctx) {
        Object a = ((ExecutionContext) ctx).attachment();
        return a instanceof LoadedProgram p ? java.util.Optional.of(p.type()) : java.util.Optional.empty();
    }

    @Override
    public long framePointer(CallContext ctx) {
        return ExecutionContext.framePointer(((ExecutionContext) ctx).callerFrame());
    }
}
