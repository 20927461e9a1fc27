package dev.kbpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.ObjLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.api.TracepointField;
import dev.kbpf.machine.FrameworkMachine;
import dev.kbpf.machine.RecordingFrameworkControl;
import dev.kbpf.maps.RingBuffer;
import dev.kbpf.maps.RingbufMap;
import dev.kbpf.runtime.BpfRuntime;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.BpfHelper;
import dev.kbpf.spi.BpfKfunc;
import dev.kbpf.spi.CallContext;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.HelperFunction;
import dev.kbpf.spi.KfuncDescriptor;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.KfuncRegistryListener;
import dev.kbpf.spi.MemoryAccessException;
import dev.kbpf.spi.ProgRef;
import dev.kbpf.spi.RegisteredKfunc;
import dev.kbpf.spi.RetType;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.sysctl.SysctlStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples end to end: each object is loaded through the runtime (maps created, programs
 * verified and loaded), attached to the tracepoints its sections name, fired with records laid
 * out as examples/README.md documents, and its maps, ring buffer or kfunc calls checked.
 *
 * <p>Core has no helper bundle: the helpers here are the minimal ones the examples call, over the
 * runtime's own services, and the kfuncs record their calls instead of acting on the machine.
 */
class ExamplesRunTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SysctlRegistry sysctls = SysctlRegistry.withStandardSysctls(SysctlStore.none(), scheduler, Clock.systemUTC(), w -> {});
    private final FrameworkMachine machine = FrameworkMachine.builder(new RecordingFrameworkControl(), sysctls, scheduler).console(l -> {}).build();
    private final BpfRuntime bpf = new BpfRuntime(machine, sysctls);
    /** Was a known gap of the JIT (closed on branch jit): see {@link #tailCallReachesTheHandlerOfEachTypeInTheJit()}. */
    private static final boolean JIT_TAIL_CALL_RETURNS = false;

    /** What the kfuncs were called with: "bpf_panic(msg)", "crash_kexec()". */
    private final List<String> kfuncCalls = new CopyOnWriteArrayList<>();

    private final Tracepoint bundleEvent, serviceEvent, frameworkEvent, gcPause, threadStart;

    ExamplesRunTest() {
        bpf.addHelperProvider(this, "example helpers", helpers());
        bpf.setKfuncRegistry(new Kfuncs(List.of(
                kfunc("bpf_panic", FunctionProto.of(RetType.VOID, ArgType.PTR_TO_CONST_STR), true,
                        (ctx, r1, r2, r3, r4, r5) -> { kfuncCalls.add("bpf_panic(" + ctx.readCString(r1, 256) + ")"); return 0; }),
                kfunc("crash_kexec", FunctionProto.of(RetType.VOID), true, (ctx, r1, r2, r3, r4, r5) -> { kfuncCalls.add("crash_kexec()"); return 0; }),
                kfunc("bpf_console_print", FunctionProto.of(RetType.INTEGER, ArgType.PTR_TO_CONST_STR), false,
                        (ctx, r1, r2, r3, r4, r5) -> { kfuncCalls.add("bpf_console_print(" + ctx.readCString(r1, 256) + ")"); return 0; }))));
        sysctls.set("kernel.destructive_bpf_enabled", 1, Credentials.root());
        bundleEvent = bpf.defineTracepoint("osgi", "bundle_event", header(TracepointField.u64("bundle_id", 8), TracepointField.u32("type", 16),
                TracepointField.u32("state", 20), TracepointField.chars("symbolic_name", 24, 64)));
        serviceEvent = bpf.defineTracepoint("osgi", "service_event", header(TracepointField.u64("service_id", 8), TracepointField.u32("type", 16),
                TracepointField.u32("__pad", 20), TracepointField.u64("bundle_id", 24), TracepointField.chars("objectclass", 32, 64)));
        frameworkEvent = bpf.defineTracepoint("osgi", "framework_event", header(TracepointField.u32("type", 8), TracepointField.u32("__pad", 12),
                TracepointField.u64("bundle_id", 16)));
        gcPause = bpf.defineTracepoint("jvm", "gc_pause", header(TracepointField.u64("gc_id", 8), TracepointField.u64("duration_ns", 16),
                TracepointField.chars("name", 24, 32)));
        threadStart = bpf.defineTracepoint("jvm", "thread_start", header(TracepointField.u64("java_thread_id", 8), TracepointField.chars("name", 16, 32)));
    }

    @AfterEach
    void close() {
        bpf.shutdown();
        scheduler.shutdownNow();
    }

    /** Linux's common header, as examples/README.md lays out every kbpf record. */
    private static List<TracepointField> header(TracepointField... fields) {
        List<TracepointField> all = new ArrayList<>(List.of(new TracepointField("common_type", "unsigned short", 0, 2, false),
                new TracepointField("common_flags", "unsigned char", 2, 1, false),
                new TracepointField("common_preempt_count", "unsigned char", 3, 1, false),
                new TracepointField("common_pid", "int", 4, 4, true)));
        all.addAll(List.of(fields));
        return all;
    }

    /** Fires with the common header (pid as given) followed by the event's fields. */
    private static void fire(Tracepoint tp, int pid, Object... fields) {
        Object[] values = new Object[4 + fields.length];
        values[0] = 1;
        values[1] = 0;
        values[2] = 0;
        values[3] = pid;
        System.arraycopy(fields, 0, values, 4, fields.length);
        tp.fire(values);
    }

    // ---- the helpers and kfuncs the examples call

    private static BpfHelper helper(int id, String name, FunctionProto proto, boolean gplOnly, HelperFunction f) {
        return new BpfHelper(new HelperDescriptor(id, name, proto, EnumSet.allOf(ProgType.class), gplOnly), f);
    }

    private static List<BpfHelper> helpers() {
        List<BpfHelper> h = new ArrayList<>();
        h.add(helper(1, "map_lookup_elem", FunctionProto.of(RetType.PTR_TO_MAP_VALUE_OR_NULL, ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY), false,
                (ctx, r1, r2, r3, r4, r5) -> ctx.services().mapLookup(ctx, r1, r2)));
        h.add(helper(2, "map_update_elem", FunctionProto.of(RetType.INTEGER, ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY,
                ArgType.PTR_TO_MAP_VALUE, ArgType.ANYTHING), false, (ctx, r1, r2, r3, r4, r5) -> ctx.services().mapUpdate(ctx, r1, r2, r3, r4)));
        h.add(helper(5, "ktime_get_ns", FunctionProto.of(RetType.INTEGER), false, (ctx, r1, r2, r3, r4, r5) -> System.nanoTime()));
        h.add(helper(12, "tail_call", FunctionProto.of(RetType.INTEGER, ArgType.PTR_TO_CTX, ArgType.CONST_MAP_PTR, ArgType.ANYTHING), false,
                (ctx, r1, r2, r3, r4, r5) -> ctx.services().tailCall(ctx, r2, r3)));
        h.add(helper(14, "get_current_pid_tgid", FunctionProto.of(RetType.INTEGER), false,
                (ctx, r1, r2, r3, r4, r5) -> (ProcessHandle.current().pid() << 32) | (Thread.currentThread().getId() & 0xffffffffL)));
        h.add(helper(113, "probe_read_kernel", FunctionProto.of(RetType.INTEGER, ArgType.PTR_TO_UNINIT_MEM, ArgType.CONST_SIZE_OR_ZERO,
                ArgType.ANYTHING), true, ExamplesRunTest::probeRead));
        h.add(helper(115, "probe_read_kernel_str", FunctionProto.of(RetType.INTEGER, ArgType.PTR_TO_UNINIT_MEM, ArgType.CONST_SIZE_OR_ZERO,
                ArgType.ANYTHING), true, ExamplesRunTest::probeReadStr));
        h.add(helper(131, "ringbuf_reserve", FunctionProto.of(RetType.PTR_TO_ALLOC_MEM_OR_NULL, ArgType.CONST_MAP_PTR,
                ArgType.CONST_ALLOC_SIZE_OR_ZERO, ArgType.ANYTHING), false, (ctx, r1, r2, r3, r4, r5) -> ctx.services().ringbufReserve(ctx, r1, r2, r3)));
        h.add(helper(132, "ringbuf_submit", FunctionProto.of(RetType.VOID, ArgType.PTR_TO_ALLOC_MEM, ArgType.ANYTHING), false,
                (ctx, r1, r2, r3, r4, r5) -> { ctx.services().ringbufSubmit(ctx, r1, r2); return 0; }));
        return h;
    }

    /** {@code bpf_probe_read_kernel(dst, size, src)}: copies size bytes; -EFAULT (and zeros) on a bad source. */
    private static long probeRead(CallContext ctx, long dst, long size, long src, long r4, long r5) {
        if (size <= 0) return 0;
        byte[] out = new byte[(int) size];
        try {
            ctx.read(src, out, 0, (int) size);
        } catch (MemoryAccessException e) {
            ctx.write(dst, new byte[(int) size], 0, (int) size);
            return -14;
        }
        ctx.write(dst, out, 0, (int) size);
        return 0;
    }

    /** {@code bpf_probe_read_kernel_str(dst, size, src)}: the string with its NUL, cut to size; -EFAULT on a bad source. */
    private static long probeReadStr(CallContext ctx, long dst, long size, long src, long r4, long r5) {
        if (size <= 0) return 0;
        byte[] out = new byte[(int) size];
        int n = 0;
        try {
            while (n < size - 1) {
                byte b = (byte) ctx.load(src + n, 1);
                if (b == 0) break;
                out[n++] = b;
            }
        } catch (MemoryAccessException e) {
            ctx.write(dst, new byte[(int) size], 0, (int) size);
            return -14;
        }
        ctx.write(dst, out, 0, (int) size);
        return n + 1;
    }

    private static BpfKfunc kfunc(String name, FunctionProto proto, boolean destructive, HelperFunction f) {
        Set<ProgType> tracing = EnumSet.of(ProgType.KPROBE, ProgType.TRACEPOINT, ProgType.PERF_EVENT, ProgType.RAW_TRACEPOINT, ProgType.TRACING);
        return new BpfKfunc(new KfuncDescriptor(name, proto, destructive ? Set.of(KfuncFlag.KF_DESTRUCTIVE) : Set.of(), tracing), f);
    }

    /** A fixed kfunc registry: ids from 1 in list order. */
    private record Kfuncs(List<RegisteredKfunc> all) implements KfuncRegistry {
        Kfuncs(Collection<BpfKfunc> kfuncs) {
            this(numbered(kfuncs));
        }

        private static List<RegisteredKfunc> numbered(Collection<BpfKfunc> kfuncs) {
            List<RegisteredKfunc> out = new ArrayList<>();
            for (BpfKfunc k : kfuncs) out.add(new RegisteredKfunc(out.size() + 1, "examples", "test", k));
            return out;
        }

        @Override public Optional<RegisteredKfunc> byName(String name) { return all.stream().filter(k -> k.name().equals(name)).findFirst(); }
        @Override public Optional<RegisteredKfunc> byId(int id) { return all.stream().filter(k -> k.id() == id).findFirst(); }
        @Override public void recordUser(ProgRef prog, Collection<String> kfuncNames) { }
        @Override public void forgetUser(int progId) { }
        @Override public List<ProgRef> users(String kfuncName) { return List.of(); }
        @Override public void addListener(KfuncRegistryListener listener) { }
        @Override public void removeListener(KfuncRegistryListener listener) { }
    }

    // ---- loading, attaching, reading maps

    private LoadedObject load(String example) {
        return load(Examples.dir().resolve(example + ".o"));
    }

    private LoadedObject load(Path file) {
        LoadedObject o = bpf.objLoad(new ObjLoadAttr(file, Optional.empty(), Optional.empty(), LoadFlags.BPF_F_DESTRUCTIVE, 0, Credentials.root()));
        // the runtime loads every program in the object's order (kernel names are cut to 15 characters)
        BpfObject spec = ElfLoader.load(readAll(file), o.name());
        assertEquals(spec.programs().size(), o.programs().size());
        for (int i = 0; i < spec.programs().size(); i++) {
            ProgramSpec p = spec.programs().get(i);
            if (!isTailCallTarget(o.name(), p.name())) bpf.attach(o.programs().get(i).id(), p.attachTarget().orElseThrow());
        }
        return o;
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The tail-call handlers run only through the dispatcher's program array. */
    private static boolean isTailCallTarget(String obj, String prog) {
        return obj.equals("tail_call") && !prog.equals("dispatch");
    }

    private int mapId(LoadedObject o, String name) {
        return o.maps().stream().filter(m -> m.name().equals(name)).mapToInt(MapInfo::id).findFirst()
                .orElseThrow(() -> new AssertionError("no map " + name + " in " + o.maps()));
    }

    private static byte[] u32(int v) { return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(); }

    private static long u64(byte[] b, int off) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(off); }

    private long lookupU64(int map, byte[] key) {
        return bpf.mapLookup(map, key).map(v -> u64(v, 0)).orElseThrow(() -> new AssertionError("no entry for key " + Arrays.toString(key)));
    }

    // ---- the examples

    @Test
    void counterCountsEventsPerPid() {
        LoadedObject o = load("counter");
        for (int i = 0; i < 5; i++) fire(bundleEvent, 4242, 7L, 2, 32, "org.example.a");
        for (int i = 0; i < 3; i++) fire(bundleEvent, 77, 8L, 4, 4, "org.example.b");
        int counts = mapId(o, "counts");
        assertEquals(5, lookupU64(counts, u32(4242)));
        assertEquals(3, lookupU64(counts, u32(77)));
    }

    @Test
    void latencyHistogramFillsLog2Buckets() {
        LoadedObject o = load("latency_hist");
        long[] durationsNs = {0, 5_000, 7_999, 1_000_000, 1_500_000, 3_000_000_000L};
        for (long d : durationsNs) fire(gcPause, 1, 1L, d, "G1 Young Generation");
        int hist = mapId(o, "hist");
        // microseconds 0, 5, 7, 1000, 1500, 3000000 → buckets 0, 2, 2, 9, 10, 21
        assertEquals(1, lookupU64(hist, u32(0)));
        assertEquals(2, lookupU64(hist, u32(2)));
        assertEquals(1, lookupU64(hist, u32(9)));
        assertEquals(1, lookupU64(hist, u32(10)));
        assertEquals(1, lookupU64(hist, u32(21)));
        assertEquals(0, lookupU64(hist, u32(1)));
    }

    @Test
    void ringbufEventsReachAJavaConsumer() {
        LoadedObject o = load("ringbuf_events");
        fire(serviceEvent, 9, 42L, 1, 0, 3L, "org.osgi.service.log.LogService");
        fire(serviceEvent, 9, 43L, 4, 0, 3L, "java.lang.Runnable");
        List<String> got = new ArrayList<>();
        try (RingBuffer rb = new RingBuffer((RingbufMap) bpf.map(mapId(o, "events")), data -> {
            ByteBuffer d = data.order(ByteOrder.LITTLE_ENDIAN);
            byte[] cls = new byte[64];
            d.get(32, cls);
            int len = 0;
            while (len < 64 && cls[len] != 0) len++;
            got.add(d.getLong(8) + "/" + d.getLong(16) + "/" + d.getInt(28) + "/" + new String(cls, 0, len, StandardCharsets.UTF_8));
            assertTrue(d.getLong(0) > 0, "timestamp");
            return 0;
        })) {
            assertEquals(2, rb.consume());
        }
        assertEquals(List.of("42/3/1/org.osgi.service.log.LogService", "43/3/4/java.lang.Runnable"), got);
    }

    @Test
    void boundedLoopHashesNames() {
        LoadedObject o = load("bounded_loop");
        fire(bundleEvent, 1, 5L, 2, 32, "org.apache.felix.scr");
        fire(bundleEvent, 1, 5L, 4, 4, "org.apache.felix.scr");
        fire(bundleEvent, 1, 6L, 2, 32, "");
        int hash = 0x811c9dc5;
        for (byte b : "org.apache.felix.scr".getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 16777619;
        }
        int byName = mapId(o, "by_name");
        assertEquals(2, lookupU64(byName, u32(hash)));
        assertEquals(1, lookupU64(byName, u32(0x811c9dc5)), "the empty name hashes to the offset basis");
    }

    @Test
    void subprogramsRunInBothPrograms() {
        LoadedObject o = load("subprog");
        fire(threadStart, 1, 3L, "worker-1");
        fire(threadStart, 1, 4L, "worker-2");
        fire(threadStart, 1, 5L, "worker-3");
        fire(bundleEvent, 1, 1L, 2, 32, "a");   // STARTED → slot 2
        fire(bundleEvent, 1, 1L, 4, 4, "a");    // STOPPED → slot 3
        fire(bundleEvent, 1, 1L, 1, 2, "a");    // INSTALLED → slot 1
        int stats = mapId(o, "stats");
        assertEquals(3, lookupU64(stats, u32(0)));
        assertEquals(2 + 1, lookupU64(stats, u32(1)), "two odd thread ids, one INSTALLED");
        assertEquals(1, lookupU64(stats, u32(2)));
        assertEquals(1, lookupU64(stats, u32(3)));
    }

    @Test
    void globalsLiveInTheirMaps() {
        LoadedObject o = load("globals");
        for (int i = 1; i <= 12; i++) fire(bundleEvent, 1, (long) i, i % 4 == 0 ? 4 : 2, 32, "b" + i);
        byte[] data = bpf.mapLookup(mapId(o, "globals.data"), u32(0)).orElseThrow();
        byte[] bss = bpf.mapLookup(mapId(o, "globals.bss"), u32(0)).orElseThrow();
        assertEquals(100 + 12, u64(data, 0), "seen starts at 100");
        assertEquals(9, u64(bss, 8), "matched: the STARTED events");
        assertEquals(11, u64(bss, 0), "last_bundle_id: the last STARTED bundle");
        assertEquals(List.of(), kfuncCalls, "report_every is 10: not reached yet");
        fire(bundleEvent, 1, 13L, 2, 32, "b13");
        assertEquals(List.of("bpf_console_print(another batch of watched bundle events)"), kfuncCalls);
    }

    /** Fires the tail-call example's events; returns handled[0], what the dispatcher counted itself. */
    private long tailCalls() {
        LoadedObject o = load("tail_call");
        fire(bundleEvent, 1, 1L, 2, 32, "a");
        fire(bundleEvent, 1, 1L, 2, 32, "a");
        fire(bundleEvent, 1, 1L, 4, 4, "a");
        fire(bundleEvent, 1, 1L, 8, 4, "a");
        int handled = mapId(o, "handled");
        assertEquals(2, lookupU64(handled, u32(2)));
        assertEquals(1, lookupU64(handled, u32(4)));
        return lookupU64(handled, u32(0));
    }

    @Test
    void tailCallReachesTheHandlerOfEachTypeInTheInterpreter() {
        sysctls.set("net.core.bpf_jit_enable", 0, Credentials.root());
        // a successful bpf_tail_call never returns: only UPDATED (no handler) reaches count(0)
        assertEquals(1, tailCalls(), "no handler for UPDATED: only then does the dispatcher go on");
    }

    @Test
    void tailCallReachesTheHandlerOfEachTypeInTheJit() {
        long fellThrough = tailCalls();
        // The JIT ends the caller after a successful tail call, as the interpreter does (through
        // ExecutionContext.takeTailCall after every helper call).
        if (JIT_TAIL_CALL_RETURNS) {
            assertEquals(4, fellThrough, "the JIT's tail call now behaves as Linux's: set JIT_TAIL_CALL_RETURNS to false");
        } else {
            assertEquals(1, fellThrough, "no handler for UPDATED: only then does the dispatcher go on");
        }
    }

    @Test
    void panicOnceTheThresholdIsCrossed() {
        load("panic");
        for (int i = 0; i < 3; i++) fire(bundleEvent, 1, 1L, 4, 4, "a");
        fire(bundleEvent, 1, 1L, 2, 32, "a");
        assertEquals(List.of(), kfuncCalls, "three stops are allowed");
        fire(bundleEvent, 1, 1L, 4, 4, "a");
        assertEquals(List.of("bpf_panic(too many bundles stopped)"), kfuncCalls);
    }

    @Test
    void panicThresholdSetBeforeLoading(@TempDir Path tmp) throws Exception {
        // as a skeleton sets rodata: rewrite the object's .rodata, then load the file
        BpfObject obj = Examples.load("panic");
        MapSpec rodata = obj.withGlobal("max_stops", 1L).map("panic.rodata").orElseThrow();
        ElfBytes e = new ElfBytes(Examples.bytes("panic"));
        System.arraycopy(rodata.initialValue(), 0, e.b, e.offset(".rodata"), rodata.valueSize());
        Path file = tmp.resolve("panic.o");
        Files.write(file, e.b);
        load(file);
        fire(bundleEvent, 1, 1L, 4, 4, "a");
        assertEquals(List.of(), kfuncCalls);
        fire(bundleEvent, 1, 1L, 4, 4, "a");
        assertEquals(List.of("bpf_panic(too many bundles stopped)"), kfuncCalls);
    }

    @Test
    void crashKexecOnALongPause() {
        LoadedObject o = load("crash_kexec");
        fire(gcPause, 1, 1L, 100_000_000L, "G1 Old Generation");
        assertEquals(List.of(), kfuncCalls);
        assertEquals(100_000_000L, lookupU64(mapId(o, "worst"), u32(0)));
        fire(gcPause, 1, 2L, 600_000_000L, "G1 Old Generation");
        assertEquals(List.of("crash_kexec()"), kfuncCalls);
        assertEquals(600_000_000L, lookupU64(mapId(o, "worst"), u32(0)));
    }

    @Test
    void legacyMapsWork() {
        LoadedObject o = load("legacy_maps");
        fire(gcPause, 1, 1L, 2_000_000L, "G1 Young Generation");
        fire(gcPause, 1, 2L, 3_000_000L, "G1 Young Generation");
        fire(gcPause, 1, 3L, 500L, "G1 Young Generation");
        byte[] key = Arrays.copyOf("G1 Young Generation".getBytes(StandardCharsets.UTF_8), 32);
        assertEquals(5_000_500L, lookupU64(mapId(o, "collectors"), key));
        // a per-CPU array: the syscall view holds one value per CPU; their sum is the count
        byte[] slow = bpf.mapLookup(mapId(o, "pauses"), u32(1)).orElseThrow();
        long sum = 0;
        for (int off = 0; off + 8 <= slow.length; off += 8) sum += u64(slow, off);
        assertEquals(2, sum);
    }

    @Test
    void coreReadSumsDurations() {
        LoadedObject o = load("core_read");
        fire(gcPause, 1, 1L, 1234L, "x");
        fire(gcPause, 1, 2L, 1000L, "x");
        int totals = mapId(o, "totals");
        assertEquals(2234, lookupU64(totals, u32(0)));
        assertEquals(56, lookupU64(totals, u32(1)), "bpf_core_type_size(struct gc_pause___core)");
    }
}
