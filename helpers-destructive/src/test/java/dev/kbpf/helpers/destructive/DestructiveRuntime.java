package dev.kbpf.helpers.destructive;

import dev.kbpf.api.Capability;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.api.TracepointField;
import dev.kbpf.helpers.destructive.crash.CrashDumpReader;
import dev.kbpf.helpers.destructive.crash.JsonCrashDumpWriter;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.kfunc.KfuncTable;
import dev.kbpf.machine.FrameworkMachine;
import dev.kbpf.machine.RecordingFrameworkControl;
import dev.kbpf.runtime.BpfRuntime;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.BpfHelper;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.spi.LogLevel;
import dev.kbpf.spi.RetType;
import dev.kbpf.sysctl.StandardSysctls;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.sysctl.SysctlStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * What the bundles wire together in the framework, built by hand: core's runtime over a machine in
 * test mode (halt and reboot recorded, the framework untouched), the real kfunc registry table
 * holding this bundle's destructive set, this bundle's JSON crash dump writer, and the map helpers
 * the example objects call (as the tracing helpers bundle provides them).
 */
final class DestructiveRuntime implements AutoCloseable {
    /** The key the destructive set is registered under in the table (the provider's service reference). */
    static final Object DESTRUCTIVE_SET = new Object();
    static final Object MAP_HELPERS = new Object();

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final SysctlRegistry sysctls = SysctlRegistry.withStandardSysctls(SysctlStore.none(), scheduler, Clock.systemUTC(), w -> {});
    final RecordingFrameworkControl control = new RecordingFrameworkControl();
    final List<String> console = new CopyOnWriteArrayList<>();
    final Path crashDir;
    final FrameworkMachine machine;
    final BpfRuntime bpf;
    final KfuncTable kfuncs;

    DestructiveRuntime(Path crashDir) {
        this.crashDir = crashDir;
        machine = FrameworkMachine.builder(control, sysctls, scheduler).console(console::add)
                .kbpfVersion("0.1.0-test").crashDumpWriter(new JsonCrashDumpWriter(crashDir)).build();
        bpf = new BpfRuntime(machine, sysctls);
        kfuncs = new KfuncTable(msg -> machine.printk(LogLevel.KERN_WARNING, msg));
        bpf.setKfuncRegistry(kfuncs);
        bpf.addHelperProvider(MAP_HELPERS, "test map helpers", List.of(new BpfHelper(new HelperDescriptor(1, "map_lookup_elem",
                FunctionProto.of(RetType.PTR_TO_MAP_VALUE_OR_NULL, ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY),
                EnumSet.allOf(ProgType.class), false), (ctx, r1, r2, r3, r4, r5) -> ctx.services().mapLookup(ctx, r1, r2))));
        addDestructiveSet();
    }

    void addDestructiveSet() {
        kfuncs.addSet(DESTRUCTIVE_SET, DestructiveKfuncs.SET_NAME, "dev.kbpf.helpers.destructive", DestructiveKfuncs.kfuncs(() -> machine));
    }

    void removeDestructiveSet() {
        kfuncs.removeSet(DESTRUCTIVE_SET, "kfunc set destructive of dev.kbpf.helpers.destructive unregistered");
    }

    CrashDumpReader dumps() { return new CrashDumpReader(crashDir); }

    // ---- sysctls

    void destructiveEnabled(boolean on) {
        sysctls.set(StandardSysctls.DESTRUCTIVE_BPF_ENABLED.name(), on ? 1 : 0, Credentials.root());
    }

    void kernelPanic(int value) { sysctls.set(StandardSysctls.PANIC.name(), value, Credentials.root()); }

    // ---- the kernel log

    String dmesg() {
        return machine.dmesg().stream().map(KmsgRecord::text).collect(Collectors.joining("\n", "", "\n"));
    }

    // ---- credentials

    /** Every capability but CAP_SYS_BOOT: even CAP_SYS_ADMIN does not stand in for it. */
    static Credentials allButSysBoot() {
        return new Credentials(EnumSet.complementOf(EnumSet.of(Capability.CAP_SYS_BOOT)));
    }

    // ---- programs calling a kfunc, assembled by hand

    /** A frozen, program-read-only map holding {@code text} NUL-terminated: a string the verifier accepts as constant. */
    int constString(String text) {
        byte[] bytes = Arrays.copyOf(text.getBytes(StandardCharsets.UTF_8), text.length() + 1);
        MapAttr attr = new MapAttr(MapType.ARRAY, 4, bytes.length, 1, MapFlags.BPF_F_RDONLY_PROG, ".rodata.str1.1");
        return bpf.mapCreateGlobalData(attr, bytes, true).id();
    }

    /**
     * {@code r1 = &string (if any); r0 = kfunc(r1); exit}: returns what the kfunc returned, so a
     * test run shows {@code -EPERM} from a disarmed call.
     */
    static ProgLoadAttr callingKfunc(ProgType type, String kfunc, Integer stringMap, int flags, Credentials creds) {
        List<Insn> insns = new ArrayList<>();
        if (stringMap != null) {
            insns.add(new Insn(Opcodes.LD_IMM64, 1, Opcodes.PSEUDO_MAP_VALUE, 0, stringMap));
            insns.add(new Insn(0, 0, 0, 0, 0));
        }
        insns.add(new Insn(Opcodes.JMP | Opcodes.CALL, 0, Opcodes.PSEUDO_KFUNC_CALL, 0, 0));
        insns.add(new Insn(Opcodes.JMP | Opcodes.EXIT, 0, 0, 0, 0));
        String name = (kfunc.length() > 15 ? kfunc.substring(0, 15) : kfunc);
        return new ProgLoadAttr(type, insns, "GPL", name, flags, 1, creds, List.of(), List.of(kfunc), Map.of(), "");
    }

    // ---- the tracepoints of examples/README.md

    /** The common header, {@code struct trace_entry}, that starts every record. */
    static List<TracepointField> withCommonHeader(TracepointField... fields) {
        List<TracepointField> all = new ArrayList<>(List.of(
                new TracepointField("common_type", "unsigned short", 0, 2, false),
                new TracepointField("common_flags", "unsigned char", 2, 1, false),
                new TracepointField("common_preempt_count", "unsigned char", 3, 1, false),
                TracepointField.s32("common_pid", 4)));
        all.addAll(List.of(fields));
        return all;
    }

    /** {@code osgi:bundle_event}, 88 bytes. */
    Tracepoint bundleEvent() {
        return bpf.defineTracepoint("osgi", "bundle_event", withCommonHeader(
                TracepointField.u64("bundle_id", 8), TracepointField.u32("type", 16), TracepointField.u32("state", 20),
                TracepointField.chars("symbolic_name", 24, 64)));
    }

    /** {@code jvm:gc_pause}, 56 bytes. */
    Tracepoint gcPause() {
        return bpf.defineTracepoint("jvm", "gc_pause", withCommonHeader(
                TracepointField.u64("gc_id", 8), TracepointField.u64("duration_ns", 16), TracepointField.chars("name", 24, 32)));
    }

    /** A committed example object, from the repository root (the module runs one level below it). */
    static Path example(String name) {
        Path p = Path.of("..", "examples", name);
        if (!p.toFile().isFile()) throw new IllegalStateException("example object " + p.toAbsolutePath() + " is missing");
        return p;
    }

    /**
     * The same bytes as {@link #example}, copied to {@code dir} as {@code shortName}: core names an
     * object's global-data maps object name + section ({@code panic.rodata.str1.1}) and its map
     * factory refuses names of 16 characters or more, so under their own names the examples do not
     * load (a core bug, reported; libbpf shortens these names). The object's name is the only thing
     * the copy changes.
     */
    static Path exampleCopy(String name, Path dir, String shortName) {
        try {
            return java.nio.file.Files.copy(example(name), dir.resolve(shortName), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        bpf.shutdown();
        scheduler.shutdownNow();
    }
}
