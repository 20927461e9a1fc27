package dev.kbpf.runtime;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LinkInfo;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.TestRunResult;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.api.TracepointField;
import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.jit.Jit;
import dev.kbpf.jit.JitExecutor;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.maps.BpfMap;
import dev.kbpf.maps.MapRegistry;
import dev.kbpf.maps.ProgArrayMap;
import dev.kbpf.memory.Address;
import dev.kbpf.memory.RegionTable;
import dev.kbpf.spi.BpfHelper;
import dev.kbpf.spi.HelperFunction;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.KfuncRegistryListener;
import dev.kbpf.spi.LogLevel;
import dev.kbpf.spi.Machine;
import dev.kbpf.spi.RegisteredKfunc;
import dev.kbpf.sysctl.StandardSysctls;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.tracepoint.TracepointDefinition;
import dev.kbpf.tracepoint.TracepointProbe;
import dev.kbpf.tracepoint.TracepointRegistry;
import dev.kbpf.verifier.CallTarget;
import dev.kbpf.verifier.DestructivePolicy;
import dev.kbpf.verifier.ProgramFacts;
import dev.kbpf.verifier.Verifier;
import dev.kbpf.verifier.VerifierInput;
import dev.kbpf.verifier.VerifierResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The BPF subsystem without OSGi: implements {@link Bpf} over the verifier, the executors, the
 * maps and the tracepoints, with helpers and kfuncs supplied at run time. The OSGi layer feeds it
 * helper providers and the kfunc registry as they come and go.
 */
public final class BpfRuntime implements Bpf, KfuncRegistryListener, dev.kbpf.spi.HelperTable {

    private final Machine machine;
    private final SysctlRegistry sysctls;
    private final RegionTable regions = new RegionTable();
    private final MapMemory mapMemory = new MapMemory(regions);
    private final MapRegistry maps = new MapRegistry();
    private final Set<Integer> frozenMaps = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final TracepointRegistry tracepoints = new TracepointRegistry();
    private final HelperTable helpers;
    private final TraceBuffer tracePipe;
    private final RuntimeServices services;
    private final ConcurrentSkipListMap<Integer, LoadedProgram> programs = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Integer, Link> links = new ConcurrentSkipListMap<>();
    private final AtomicInteger nextProgId = new AtomicInteger(1);
    private final AtomicInteger nextLinkId = new AtomicInteger(1);
    private final ThreadLocal<ProgramRun> runs;
    private volatile KfuncRegistry kfuncRegistry;
    private volatile DestructivePolicy destructivePolicy = DestructivePolicy.FULL;

    /** A program attached to a tracepoint. */
    private record Link(int id, LoadedProgram prog, TracepointDefinition tracepoint, TracepointProbe probe) {
        LinkInfo info() { return new LinkInfo(id, prog.id(), prog.name(), tracepoint.fullName()); }
    }

    public BpfRuntime(Machine machine, SysctlRegistry sysctls) {
        this.machine = machine;
        this.sysctls = sysctls;
        this.helpers = new HelperTable(msg -> machine.printk(LogLevel.KERN_WARNING, "kbpf: " + msg));
        this.tracePipe = new TraceBuffer(4096, machine::uptimeNanos);
        this.services = new RuntimeServices(mapMemory, tracePipe, this);
        this.runs = ThreadLocal.withInitial(() -> new ProgramRun(regions, services));
        this.statsEnabled = sysctls.get(StandardSysctls.BPF_STATS_ENABLED) != 0;
        sysctls.addListener(statsSwitch);
    }

    private final dev.kbpf.sysctl.SysctlListener statsSwitch = change -> {
        if (change.sysctl().name().equals(StandardSysctls.BPF_STATS_ENABLED.name())) statsEnabled = change.newValue() != 0;
    };

    // ---------------------------------------------------------------- configuration

    public Machine machine() { return machine; }

    public SysctlRegistry sysctls() { return sysctls; }

    public TracepointRegistry tracepointRegistry() { return tracepoints; }

    @Override
    public dev.kbpf.api.TracePipe tracePipe() { return tracePipe; }

    HelperTable helperTable() { return helpers; }

    MapMemory mapMemory() { return mapMemory; }

    boolean isFrozen(int mapId) { return frozenMaps.contains(mapId); }

    /** Rails 3 and 4 of the destructive guard rails on (FULL) or off (as Linux 6.1). */
    public void setDestructivePolicy(DestructivePolicy policy) { this.destructivePolicy = policy; }

    public DestructivePolicy destructivePolicy() { return destructivePolicy; }

    /**
     * {@code kernel.bpf_stats_enabled}, kept in a field by a sysctl listener: every run reads it,
     * and a registry look-up there would cost more than the shortest program.
     */
    private volatile boolean statsEnabled;

    boolean destructiveBpfEnabled() { return sysctls.get(StandardSysctls.DESTRUCTIVE_BPF_ENABLED) != 0; }

    boolean unprivilegedBpfDisabled() { return sysctls.get(StandardSysctls.UNPRIVILEGED_BPF_DISABLED) != 0; }

    private void dmesg(LogLevel level, String message) { machine.printk(level, message); }

    // ---------------------------------------------------------------- helper and kfunc providers

    /** The helpers programs can call now, by id. */
    @Override
    public List<dev.kbpf.spi.HelperDescriptor> helpers() {
        return helpers.all().stream().map(HelperTable.Entry::descriptor).toList();
    }

    @Override
    public int nrCpus() { return dev.kbpf.maps.Cpus.count(); }

    /** A helper provider arrived: its helpers can be called by programs loaded from now on. */
    public void addHelperProvider(Object key, String providerName, Collection<BpfHelper> provided) {
        helpers.addProvider(key, providerName, provided);
    }

    /** A helper provider left: every program that calls one of its helpers is detached and unloaded. */
    public void removeHelperProvider(Object key, String providerName) {
        List<HelperTable.Entry> gone = helpers.removeProvider(key);
        if (gone.isEmpty()) return;
        for (LoadedProgram p : programs.values()) {
            for (HelperTable.Entry e : gone) {
                if (p.helperIds().contains(e.descriptor().id())) {
                    unloadBecause(p, "helper " + e.descriptor().funcName() + "#" + e.descriptor().id() + " is gone ("
                            + providerName + " stopped)");
                    break;
                }
            }
        }
    }

    /** The kfunc registry service came (non-null) or went (null): without it no kfunc resolves. */
    public void setKfuncRegistry(KfuncRegistry registry) {
        KfuncRegistry old = this.kfuncRegistry;
        if (old == registry) return;
        if (old != null) old.removeListener(this);
        this.kfuncRegistry = registry;
        if (registry != null) {
            registry.addListener(this);
            for (LoadedProgram p : programs.values()) if (!p.kfuncNames().isEmpty()) registry.recordUser(p.ref(), p.kfuncNames());
        } else {
            for (LoadedProgram p : programs.values())
                if (!p.kfuncNames().isEmpty()) unloadBecause(p, "kfunc " + p.kfuncNames().iterator().next() + " is gone (the kfunc registry stopped)");
        }
    }

    public Optional<KfuncRegistry> kfuncRegistry() { return Optional.ofNullable(kfuncRegistry); }

    @Override
    public void kfuncsRemoved(Collection<RegisteredKfunc> gone, String reason) {
        for (LoadedProgram p : programs.values()) {
            for (RegisteredKfunc k : gone) {
                if (p.kfuncNames().contains(k.name())) {
                    unloadBecause(p, "kfunc " + k.name() + " is gone (" + reason + ")");
                    break;
                }
            }
        }
    }

    private void unloadBecause(LoadedProgram p, String why) {
        if (programs.remove(p.id()) == null) return;
        detachAll(p);
        forget(p);
        dmesg(LogLevel.KERN_WARNING, "kbpf: prog " + p.id() + " (" + p.name() + ") detached and unloaded: " + why);
    }

    // ---------------------------------------------------------------- programs

    @Override
    public ProgInfo progLoad(ProgLoadAttr attr) {
        KfuncRegistry registry = kfuncRegistry;
        List<Insn> insns = bindKfuncNames(attr, registry);
        VerifierInput in = new VerifierInput(insns, attr.type(), attr.flags(), attr.credentials(), attr.logLevel(),
                new RuntimeVerifierEnv(this, registry, attr.fdArray(), attr.license()), attr.lineInfo());
        long start = System.nanoTime();
        VerifierResult result = Verifier.verify(in);
        long verificationNanos = System.nanoTime() - start;
        if (result instanceof VerifierResult.Rejected r) throw r.toException();
        VerifierResult.Accepted ok = (VerifierResult.Accepted) result;
        ProgramFacts facts = ok.facts();

        Set<Integer> helperIds = new TreeSet<>();
        List<String> helperNames = new ArrayList<>();
        Set<String> kfuncNames = new LinkedHashSet<>();
        FunctionTable.Builder kfuncs = FunctionTable.builder();
        boolean destructive = false;
        Set<Integer> mapIds = new TreeSet<>();
        for (int pc = 0; pc < insns.size(); pc++) {
            Optional<CallTarget> t = facts.callTarget(pc);
            if (t.isPresent() && t.get() instanceof CallTarget.Helper h && helperIds.add(h.descriptor().id())) {
                helperNames.add(h.descriptor().funcName());
            } else if (t.isPresent() && t.get() instanceof CallTarget.Kfunc k) {
                RegisteredKfunc rk = registry == null ? null : registry.byId(k.kfunc().id()).orElse(null);
                if (rk == null) throw new BpfException(Errno.ENOENT, "kfunc " + k.kfunc().name() + " went away during the load");
                kfuncNames.add(rk.name());
                boolean isDestructive = rk.descriptor().has(KfuncFlag.KF_DESTRUCTIVE);
                destructive |= isDestructive;
                kfuncs.put(rk.id(), rk.name(), isDestructive ? armed(rk) : rk.kfunc().function());
            }
            facts.lddwMap(pc).ifPresent(m -> mapIds.add(m.id()));
        }
        List<Insn> xlated = xlate(insns, attr.fdArray());
        int id = nextProgId.getAndIncrement();
        String name = attr.name().length() > 15 ? attr.name().substring(0, 15) : attr.name();
        ExecutableProgram exe = new ExecutableProgram(xlated, helpers.functions(), kfuncs.build(), facts.accessHints());
        Executor executor;
        try {
            // net.core.bpf_jit_enable chooses for new loads; a program the JIT cannot compile is interpreted
            executor = sysctls.get(StandardSysctls.BPF_JIT_ENABLE) != 0 ? Jit.compile(exe) : Interpreter.FACTORY.create(exe);
        } catch (InvalidProgramException e) {
            throw new BpfException(Errno.EINVAL, "cannot prepare the program: " + e.getMessage(), ok.log());
        }
        boolean jited = executor instanceof JitExecutor;
        LoadedProgram p = new LoadedProgram(id, name, attr.type(), ProgramTag.of(insns), byMapId(insns, attr.fdArray()), executor, jited,
                destructive, Instant.now(), List.copyOf(mapIds), helperIds, helperNames, kfuncNames, facts.maxCtxOffset(),
                verificationNanos, ok.stats().processedInsns(), ok.log(), new ProgStats());
        programs.put(id, p);
        if (registry != null && !kfuncNames.isEmpty()) registry.recordUser(p.ref(), kfuncNames);
        return p.info();
    }

    /**
     * Destructive kfuncs run only while the sysctl rail holds: with the full policy, setting
     * {@code kernel.destructive_bpf_enabled} back to 0 disarms programs already loaded — their
     * calls do nothing, return {@code -EPERM} and leave a dmesg line.
     */
    /** The dmesg lines of disarmed destructive calls, at the kernel's default rate (10 per 5 s). */
    private final dev.kbpf.machine.RateLimit disarmedLines = new dev.kbpf.machine.RateLimit();

    private HelperFunction armed(RegisteredKfunc k) {
        HelperFunction body = k.kfunc().function();
        return (ctx, r1, r2, r3, r4, r5) -> {
            if (destructivePolicy == DestructivePolicy.FULL && !destructiveBpfEnabled()) {
                int suppressed = disarmedLines.acquire();   // printk_ratelimited: a program firing on every event must not flood dmesg
                if (suppressed > 0) dmesg(LogLevel.KERN_WARNING, "kbpf: disarmed destructive kfunc: " + suppressed + " callbacks suppressed");
                if (suppressed >= 0) {
                    dev.kbpf.spi.ProgRef caller = services.program(ctx);
                    dmesg(LogLevel.KERN_WARNING, "kbpf: " + k.name() + " disarmed by kernel.destructive_bpf_enabled=0 (prog "
                            + caller.id() + " " + caller.name() + ")");
                }
                return Errno.EPERM.negative();
            }
            return body.call(ctx, r1, r2, r3, r4, r5);
        };
    }

    /** kfunc calls by name (as the ELF loader leaves them) become calls by registry id. */
    private static List<Insn> bindKfuncNames(ProgLoadAttr attr, KfuncRegistry registry) {
        if (attr.kfuncNames().isEmpty()) return attr.insns();
        List<Insn> out = new ArrayList<>(attr.insns());
        for (int pc = 0; pc < out.size(); pc++) {
            Insn in = out.get(pc);
            if (in.opcode() != (Opcodes.JMP | Opcodes.CALL) || in.src() != Opcodes.PSEUDO_KFUNC_CALL) continue;
            if (in.imm() < 0 || in.imm() >= attr.kfuncNames().size())
                throw new BpfException(Errno.EINVAL, "insn " + pc + ": kfunc call names entry " + in.imm() + " of " + attr.kfuncNames().size());
            String name = attr.kfuncNames().get(in.imm());
            if (registry == null)
                throw new BpfException(Errno.ENOENT, "kfunc " + name + " cannot be resolved: the kfunc registry is not present");
            RegisteredKfunc k = registry.byName(name).orElseThrow(() ->
                    new BpfException(Errno.ENOENT, "kfunc " + name + " is not registered: no kfunc set provides it"));
            out.set(pc, new Insn(in.opcode(), in.dst(), in.src(), in.off(), k.id()));
        }
        return out;
    }

    /** Resolves lddw pseudo forms into the addresses executors load: map handles, map values, code. */
    private List<Insn> xlate(List<Insn> insns, List<Integer> fdArray) {
        List<Insn> out = new ArrayList<>(insns);
        for (int pc = 0; pc + 1 < out.size(); pc++) {
            Insn in = out.get(pc);
            if (in.opcode() != Opcodes.LD_IMM64) continue;
            Insn next = out.get(pc + 1);
            long value;
            switch (in.src()) {
                case 0 -> { pc++; continue; }
                case Opcodes.PSEUDO_MAP_FD, Opcodes.PSEUDO_MAP_IDX ->
                        value = bound(in.src() == Opcodes.PSEUDO_MAP_FD ? in.imm() : fdArray.get(in.imm())).handleAddress();
                case Opcodes.PSEUDO_MAP_VALUE, Opcodes.PSEUDO_MAP_IDX_VALUE ->
                        value = bound(in.src() == Opcodes.PSEUDO_MAP_VALUE ? in.imm() : fdArray.get(in.imm())).valueAddress(0, next.imm());
                case Opcodes.PSEUDO_FUNC -> value = Address.of(dev.kbpf.memory.AddressSpace.CODE_ID, pc + 1 + in.imm());
                default -> throw new BpfException(Errno.EINVAL, "insn " + pc + ": lddw form src=" + in.src() + " is not supported");
            }
            out.set(pc, new Insn(Opcodes.LD_IMM64, in.dst(), 0, 0, (int) value));
            out.set(pc + 1, new Insn(0, 0, 0, 0, (int) (value >>> 32)));
            pc++;
        }
        return out;
    }

    /** The instructions as bpftool shows them: map references by map id rather than by the loader's index. */
    private static List<Insn> byMapId(List<Insn> insns, List<Integer> fdArray) {
        List<Insn> out = new ArrayList<>(insns);
        for (int pc = 0; pc < out.size(); pc++) {
            Insn in = out.get(pc);
            if (in.opcode() != Opcodes.LD_IMM64) continue;
            if (in.src() == Opcodes.PSEUDO_MAP_IDX || in.src() == Opcodes.PSEUDO_MAP_IDX_VALUE) {
                int src = in.src() == Opcodes.PSEUDO_MAP_IDX ? Opcodes.PSEUDO_MAP_FD : Opcodes.PSEUDO_MAP_VALUE;
                out.set(pc, new Insn(in.opcode(), in.dst(), src, in.off(), fdArray.get(in.imm())));
            }
            pc++;
        }
        return out;
    }

    private MapMemory.Bound bound(int mapId) {
        MapMemory.Bound b = mapMemory.byMapId(mapId);
        if (b == null) throw new BpfException(Errno.EBADF, "no map with id " + mapId);
        return b;
    }

    @Override
    public dev.kbpf.api.LoadedObject objLoad(dev.kbpf.api.ObjLoadAttr attr) { return new ObjectLoader(this).load(attr); }

    @Override
    public void progUnload(int progId) {
        LoadedProgram p = programs.remove(progId);
        if (p == null) throw new BpfException(Errno.ENOENT, "no program with id " + progId);
        detachAll(p);
        forget(p);
    }

    private void forget(LoadedProgram p) {
        KfuncRegistry r = kfuncRegistry;
        if (r != null && !p.kfuncNames().isEmpty()) r.forgetUser(p.id());
        for (BpfMap m : maps.list()) if (m instanceof ProgArrayMap pa) pa.removeProgram(p);
    }

    private LoadedProgram program(int progId) {
        LoadedProgram p = programs.get(progId);
        if (p == null) throw new BpfException(Errno.ENOENT, "no program with id " + progId);
        return p;
    }

    @Override
    public ProgInfo progShow(int progId) { return program(progId).info(); }

    @Override
    public List<ProgInfo> progList() { return programs.values().stream().map(LoadedProgram::info).toList(); }

    @Override
    public List<Insn> progXlated(int progId) { return program(progId).insns(); }

    @Override
    public Optional<String> progJited(int progId) {
        LoadedProgram p = program(progId);
        return p.executor() instanceof JitExecutor j ? Optional.of(j.bytecodeListing()) : Optional.empty();
    }

    @Override
    public TestRunResult progTestRun(int progId, byte[] ctx, int repeat) {
        LoadedProgram p = program(progId);
        if (repeat < 0) throw new BpfException(Errno.EINVAL, "repeat must not be negative: " + repeat);
        int n = Math.max(1, repeat);
        byte[] record = Arrays.copyOf(ctx == null ? new byte[0] : ctx, Math.max(8, ctx == null ? 0 : ctx.length));
        int length = ctx == null ? 0 : ctx.length;
        long r0 = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) r0 = run(p, record, length, true);
        long mean = (System.nanoTime() - start) / n;
        return new TestRunResult(r0, mean, n, Arrays.copyOf(record, length));
    }

    /** Runs a program on one record on this thread; a fault ends the run with r0 = 0 and a dmesg line. */
    long run(LoadedProgram p, byte[] record, int length, boolean writableContext) {
        ProgramRun run = runs.get();
        ExecutionContext ctx = run.ctx;
        long r1 = run.context(record, length, writableContext);
        Object outer = ctx.attachment();
        ctx.setAttachment(p);
        boolean timed = statsEnabled;
        long started = timed ? System.nanoTime() : 0;
        try {
            long r0 = p.executor().run(ctx, r1);
            // an executor that does not end the program at a tail call leaves it pending: run it now
            for (Executor next = ctx.takeTailCall(); next != null; next = ctx.takeTailCall()) {
                r0 = next.invoke(ctx, 0, 0, r1, 0, 0, 0, 0);
            }
            return r0;
        } catch (ExecutionFault f) {
            dmesg(LogLevel.KERN_ERR, "kbpf: prog " + p.id() + " (" + p.name() + ") faulted: " + f.getMessage());
            return 0;
        } finally {
            ctx.takeTailCall();
            ctx.setAttachment(outer);
            if (timed) p.stats().add(System.nanoTime() - started);
        }
    }

    /** {@code bpf_tail_call}: the target replaces the calling program when the helper returns. */
    long tailCall(ExecutionContext ctx, MapMemory.Bound progArray, long index) {
        if (progArray == null || !(progArray.map() instanceof ProgArrayMap pa)) return Errno.EINVAL.negative();
        if (index < 0 || index >= pa.maxEntries()) return Errno.ENOENT.negative();
        if (!(pa.program(index) instanceof LoadedProgram target) || !programs.containsKey(target.id())) return Errno.ENOENT.negative();
        return ctx.requestTailCall(target.executor()) ? 0 : Errno.ENOENT.negative();
    }

    /** A callback ({@code bpf_loop}) runs in the calling program's next stack frame. */
    long callback(ExecutionContext ctx, long function, long r1, long r2, long r3, long r4, long r5) {
        try {
            return ctx.callback(function, r1, r2, r3, r4, r5);
        } catch (IllegalArgumentException e) {
            return Errno.EINVAL.negative();
        }
    }

    // ---------------------------------------------------------------- maps

    @Override
    public MapInfo mapCreate(dev.kbpf.api.MapAttr attr) {
        BpfMap m = maps.create(attr);
        mapMemory.bind(m);
        if (m instanceof ProgArrayMap pa) pa.setProgramResolver(programs::get);
        return info(m);
    }

    /**
     * Creates a map holding one value (libbpf's global data: {@code .rodata}, {@code .data},
     * {@code .bss}), initialised with {@code value}; {@code freeze} forbids later writes from Java.
     */
    public MapInfo mapCreateGlobalData(dev.kbpf.api.MapAttr attr, byte[] value, boolean freeze) {
        if (attr.type() != MapType.ARRAY || attr.maxEntries() != 1)
            throw new BpfException(Errno.EINVAL, "global data maps are arrays of one value");
        MapInfo info = mapCreate(attr);
        maps.get(info.id()).update(new byte[4], Arrays.copyOf(value, attr.valueSize()), 0);
        if (freeze) frozenMaps.add(info.id());
        return mapShow(info.id());
    }

    /** {@code BPF_MAP_FREEZE}: no more writes from Java; programs keep what the map's flags allow. */
    public void freeze(int mapId) {
        maps.get(mapId);
        frozenMaps.add(mapId);
    }

    private MapInfo info(BpfMap m) {
        return new MapInfo(m.id(), m.name(), m.type(), m.keySize(), m.valueSize(), m.maxEntries(), m.mapFlags(), frozenMaps.contains(m.id()));
    }

    @Override
    public void mapDelete(int mapId) {
        BpfMap m = maps.get(mapId);
        for (LoadedProgram p : programs.values())
            if (p.mapIds().contains(mapId)) throw new BpfException(Errno.EBUSY, "map " + mapId + " is used by prog " + p.id());
        mapMemory.unbind(m.id());
        maps.remove(m.id());
        frozenMaps.remove(m.id());
    }

    @Override
    public MapInfo mapShow(int mapId) { return info(maps.get(mapId)); }

    @Override
    public List<MapInfo> mapList() { return maps.list().stream().map(this::info).toList(); }

    @Override
    public dev.kbpf.api.RingBufferReader ringBufferOpen(int mapId, dev.kbpf.api.RingBufferReader.Handler handler) {
        BpfMap m = maps.get(mapId);
        if (!(m instanceof dev.kbpf.maps.RingbufMap rb)) throw new BpfException(Errno.EINVAL, "map " + mapId + " is a " + m.type() + ", not a RINGBUF");
        dev.kbpf.maps.RingBuffer reader = new dev.kbpf.maps.RingBuffer(rb, handler::onRecord);
        return new dev.kbpf.api.RingBufferReader() {
            @Override public int poll(long timeoutMillis) { return reader.poll(timeoutMillis); }
            @Override public int consume() { return reader.consume(); }
            @Override public void close() { reader.close(); }
        };
    }

    @Override
    public dev.kbpf.api.PerfBufferReader perfBufferOpen(int mapId, int pageCount, dev.kbpf.api.PerfBufferReader.SampleHandler onSample,
                                                        dev.kbpf.api.PerfBufferReader.LostHandler onLost) {
        BpfMap m = maps.get(mapId);
        if (!(m instanceof dev.kbpf.maps.PerfEventArrayMap pa)) {
            throw new BpfException(Errno.EINVAL, "map " + mapId + " is a " + m.type() + ", not a PERF_EVENT_ARRAY");
        }
        if (onSample == null) throw new BpfException(Errno.EINVAL, "a perf buffer needs a sample handler");
        dev.kbpf.maps.PerfBuffer reader = new dev.kbpf.maps.PerfBuffer(pa, pageCount, onSample::onSample,
                onLost == null ? null : onLost::onLost);
        return new dev.kbpf.api.PerfBufferReader() {
            @Override public int poll(long timeoutMillis) { return reader.poll(timeoutMillis); }
            @Override public int consume() { return reader.consume(); }
            @Override public long lost() { return reader.lostTotal(); }
            @Override public void close() { reader.close(); }
        };
    }

    /** The map object, for the ring buffer and perf buffer consumers. */
    public BpfMap map(int mapId) { return maps.get(mapId); }

    @Override
    public Optional<byte[]> mapLookup(int mapId, byte[] key) { return Optional.ofNullable(maps.get(mapId).lookup(key)); }

    @Override
    public void mapUpdate(int mapId, byte[] key, byte[] value, long flags) {
        if (frozenMaps.contains(mapId)) throw new BpfException(Errno.EPERM, "map " + mapId + " is frozen");
        maps.get(mapId).update(key, value, flags);
    }

    @Override
    public void mapDeleteElem(int mapId, byte[] key) {
        if (frozenMaps.contains(mapId)) throw new BpfException(Errno.EPERM, "map " + mapId + " is frozen");
        maps.get(mapId).delete(key);
    }

    @Override
    public Optional<byte[]> mapGetNextKey(int mapId, byte[] key) { return Optional.ofNullable(maps.get(mapId).getNextKey(key)); }

    // ---------------------------------------------------------------- links and tracepoints

    @Override
    public LinkInfo attach(int progId, String tracepoint) {
        LoadedProgram p = program(progId);
        TracepointDefinition tp = tracepoints.require(tracepoint);
        if (p.type() != ProgType.TRACEPOINT && p.type() != ProgType.RAW_TRACEPOINT)
            throw new BpfException(Errno.EINVAL, "a " + p.type() + " program cannot attach to tracepoint " + tp.fullName());
        if (p.maxCtxOffset() > tp.recordSize())
            throw new BpfException(Errno.EINVAL, "prog " + p.id() + " reads context up to offset " + p.maxCtxOffset()
                    + " but a " + tp.fullName() + " record has " + tp.recordSize() + " bytes");
        TracepointProbe probe = (record, length) -> {
            // a program unloaded while this firing was under way is not run again
            return programs.containsKey(p.id()) ? run(p, record, length, false) : 0;
        };
        Link link = new Link(nextLinkId.getAndIncrement(), p, tp, probe);
        links.put(link.id(), link);
        tp.attach(probe);
        return link.info();
    }

    @Override
    public void detach(int linkId) {
        Link link = links.remove(linkId);
        if (link == null) throw new BpfException(Errno.ENOENT, "no link with id " + linkId);
        link.tracepoint().detach(link.probe());
    }

    private void detachAll(LoadedProgram p) {
        detachWhere(l -> l.prog().id() == p.id());
    }

    private void detachWhere(Predicate<Link> which) {
        for (Link l : new ArrayList<>(links.values())) {
            if (which.test(l) && links.remove(l.id()) != null) l.tracepoint().detach(l.probe());
        }
    }

    @Override
    public List<LinkInfo> linkList() { return links.values().stream().map(Link::info).toList(); }

    @Override
    public Tracepoint defineTracepoint(String category, String name, List<TracepointField> fields) {
        return tracepoints.define(category, name, fields);
    }

    @Override
    public Optional<Tracepoint> tracepoint(String name) { return tracepoints.find(name).map(t -> t); }

    @Override
    public List<Tracepoint> tracepoints() { return new ArrayList<>(tracepoints.all()); }

    /** Unloads everything (programs, links, maps), as a reboot leaves nothing behind. */
    public void shutdown() {
        detachWhere(l -> true);
        for (LoadedProgram p : new ArrayList<>(programs.values())) {
            programs.remove(p.id());
            forget(p);
        }
        for (BpfMap m : maps.list()) {
            mapMemory.unbind(m.id());
            maps.remove(m.id());
        }
        frozenMaps.clear();
        sysctls.removeListener(statsSwitch);
    }
}
