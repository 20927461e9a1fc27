package dev.kbpf.machine;

import dev.kbpf.spi.BundleSnapshot;
import dev.kbpf.spi.CrashDumpWriter;
import dev.kbpf.spi.CrashReason;
import dev.kbpf.spi.CrashReport;
import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.spi.LinkSnapshot;
import dev.kbpf.spi.LogLevel;
import dev.kbpf.spi.Machine;
import dev.kbpf.spi.MachineState;
import dev.kbpf.spi.MapSnapshot;
import dev.kbpf.spi.PanicContext;
import dev.kbpf.spi.ProgramSnapshot;
import dev.kbpf.spi.ThreadSnapshot;
import dev.kbpf.sysctl.StandardSysctls;
import dev.kbpf.sysctl.SysctlRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The machine whose hardware is the OSGi framework: it keeps the state, boot id, uptime and
 * kernel log, runs the panic sequence, takes crash dumps through a {@link CrashDumpWriter}, and
 * halts or reboots through a {@link FrameworkControl}.
 *
 * <p>State changes are compare-and-set, so of several threads panicking at once exactly one
 * runs the sequence and the others return at once, as Linux's {@code panic_cpu} guard stops
 * every CPU but the first. A reboot after {@code kernel.panic} seconds is scheduled, never slept.
 */
public final class FrameworkMachine implements Machine {

    /** Entries per map a crash dump keeps by default. */
    public static final int DEFAULT_MAP_ENTRY_CAP = 64;

    private final FrameworkControl control;
    private final SysctlRegistry sysctls;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final String kbpfVersion;
    private final int mapEntryCap;
    private final KernelLog log;
    private final List<MachineListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<MachineState> state = new AtomicReference<>(MachineState.RUNNING);

    private volatile SystemSnapshot snapshot;
    private volatile CrashDumpWriter writer;
    private volatile UUID bootId;
    private volatile long bootNanos;
    private volatile String panicMessage;
    private ScheduledFuture<?> pendingReboot; // guarded by this

    private FrameworkMachine(Builder b) {
        b.sysctls.definition(StandardSysctls.PANIC.name()); // ENOENT now rather than in the middle of a panic
        this.control = b.control;
        this.sysctls = b.sysctls;
        this.scheduler = b.scheduler;
        this.nanoTime = b.nanoTime;
        this.clock = b.clock;
        this.kbpfVersion = b.kbpfVersion;
        this.mapEntryCap = b.mapEntryCap;
        this.snapshot = b.snapshot;
        this.writer = b.writer;
        this.log = new KernelLog(b.logCapacity, this::uptimeNanos, b.console);
        startBoot();
    }

    /**
     * @param control   what halt and reboot do to the framework
     * @param sysctls   where {@code kernel.panic} is read, and what a dump lists
     * @param scheduler runs the delayed reboot after a panic
     */
    public static Builder builder(FrameworkControl control, SysctlRegistry sysctls, ScheduledExecutorService scheduler) {
        return new Builder(control, sysctls, scheduler);
    }

    private void startBoot() {
        bootId = UUID.randomUUID();
        bootNanos = nanoTime.getAsLong();
        panicMessage = null;
        log.printk(LogLevel.KERN_NOTICE, "kbpf version " + kbpfVersion + " (boot " + bootId + ")");
    }

    /**
     * Starts a new boot in this object: a new boot id, uptime from zero, an empty kernel log,
     * state RUNNING. The OSGi layer makes a new machine at every framework start; this is for
     * a {@link RecordingFrameworkControl} (test mode), where the framework never restarts.
     *
     * @throws IllegalStateException unless the machine is halted or rebooting
     */
    public void boot() {
        MachineState from = state.get();
        if ((from != MachineState.HALTED && from != MachineState.REBOOTING) || !state.compareAndSet(from, MachineState.RUNNING))
            throw new IllegalStateException("the machine is " + state.get() + ": only a halted or rebooting machine boots");
        log.clear();
        startBoot();
        fire(from, MachineState.RUNNING);
    }

    // --- what the machine is

    @Override public MachineState state() { return state.get(); }

    @Override public UUID bootId() { return bootId; }

    @Override public long uptimeNanos() { return Math.max(0, nanoTime.getAsLong() - bootNanos); }

    @Override public Optional<String> panicMessage() { return Optional.ofNullable(panicMessage); }

    public String kbpfVersion() { return kbpfVersion; }

    /** The kernel log itself, for {@code dmesg -C} and {@code dmesg -n}. */
    public KernelLog log() { return log; }

    public SysctlRegistry sysctls() { return sysctls; }

    /** Wires (or, with {@code null}, unwires) what a crash dump lists besides the machine's own state. */
    public void setSystemSnapshot(SystemSnapshot snapshot) { this.snapshot = snapshot == null ? SystemSnapshot.empty() : snapshot; }

    /** Wires (or, with {@code null}, unwires) the crash dump writer: without one a crash leaves only kernel log lines. */
    public void setCrashDumpWriter(CrashDumpWriter writer) { this.writer = writer; }

    public Optional<CrashDumpWriter> crashDumpWriter() { return Optional.ofNullable(writer); }

    public void addListener(MachineListener l) { listeners.add(Objects.requireNonNull(l)); }

    public void removeListener(MachineListener l) { listeners.remove(l); }

    // --- the kernel log and the console

    @Override public void printk(LogLevel level, String message) { log.printk(level, message); }

    @Override public void consolePrint(String message) { log.printkToConsole(LogLevel.KERN_INFO, message); }

    @Override public List<KmsgRecord> dmesg() { return log.records(); }

    // --- destructive operations

    @Override
    public void panic(String message, PanicContext caller) {
        Objects.requireNonNull(caller, "caller");
        String msg = message == null ? "(null)" : message;
        if (!state.compareAndSet(MachineState.RUNNING, MachineState.PANICKED)) return; // a panic while not running does nothing more
        panicMessage = msg;
        fire(MachineState.RUNNING, MachineState.PANICKED);
        log.printk(LogLevel.KERN_EMERG, "Kernel panic - not syncing: " + msg);
        frame(caller).forEach(line -> log.printk(LogLevel.KERN_EMERG, line));
        takeDump(CrashReason.PANIC, msg, caller, LogLevel.KERN_EMERG);
        PanicAction action = PanicAction.of(sysctls.get(StandardSysctls.PANIC));
        if (action instanceof PanicAction.Reboot reboot) {
            if (reboot.delay().isZero()) {
                transitionAndReboot(MachineState.PANICKED);
            } else {
                log.printk(LogLevel.KERN_EMERG, "Rebooting in " + reboot.delay().toSeconds() + " seconds..");
                synchronized (this) {
                    pendingReboot = scheduler.schedule(() -> transitionAndReboot(MachineState.PANICKED),
                            reboot.delay().toNanos(), TimeUnit.NANOSECONDS);
                }
            }
        } else {
            log.printk(LogLevel.KERN_EMERG, "---[ end Kernel panic - not syncing: " + msg + " ]---");
            transitionAndHalt(MachineState.PANICKED);
        }
    }

    @Override
    public Optional<Path> crashDump(CrashReason reason, String message, PanicContext caller) {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(caller, "caller");
        if (state.get() != MachineState.RUNNING) return Optional.empty();
        String msg = message == null ? "(null)" : message;
        log.printk(LogLevel.KERN_WARNING, reason.kfunc() + ": " + msg + " (" + caller.describe() + ")");
        return takeDump(reason, msg, caller, LogLevel.KERN_WARNING);
    }

    @Override
    public void crashKexec(PanicContext caller) {
        Objects.requireNonNull(caller, "caller");
        // PANICKED while dumping: nothing else destructive may start meanwhile, as Linux's crash_kexec takes kexec_lock
        if (!state.compareAndSet(MachineState.RUNNING, MachineState.PANICKED)) return;
        fire(MachineState.RUNNING, MachineState.PANICKED);
        log.printk(LogLevel.KERN_EMERG, "crash_kexec: taking a crash dump, then rebooting");
        frame(caller).forEach(line -> log.printk(LogLevel.KERN_EMERG, line));
        takeDump(CrashReason.CRASH_KEXEC, "crash_kexec", caller, LogLevel.KERN_EMERG);
        transitionAndReboot(MachineState.PANICKED);
    }

    @Override
    public void halt() {
        MachineState from = state.get();
        while (from == MachineState.RUNNING || from == MachineState.PANICKED) {
            if (transitionAndHalt(from)) return;
            from = state.get();
        }
    }

    @Override
    public void reboot() {
        MachineState from = state.get();
        while (from == MachineState.RUNNING || from == MachineState.PANICKED) {
            if (transitionAndReboot(from)) return;
            from = state.get();
        }
    }

    private boolean transitionAndHalt(MachineState from) {
        if (!state.compareAndSet(from, MachineState.HALTED)) return false;
        cancelPendingReboot();
        fire(from, MachineState.HALTED);
        log.printk(LogLevel.KERN_EMERG, "reboot: System halted");
        power("halt", control::halt);
        return true;
    }

    private boolean transitionAndReboot(MachineState from) {
        if (!state.compareAndSet(from, MachineState.REBOOTING)) return false;
        cancelPendingReboot();
        fire(from, MachineState.REBOOTING);
        log.printk(LogLevel.KERN_EMERG, "reboot: Restarting system");
        power("reboot", control::reboot);
        return true;
    }

    private synchronized void cancelPendingReboot() {
        if (pendingReboot != null) pendingReboot.cancel(false);
        pendingReboot = null;
    }

    private void power(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.printk(LogLevel.KERN_EMERG, "reboot: " + what + " failed: " + e);
        }
    }

    private void fire(MachineState from, MachineState to) {
        for (MachineListener l : listeners) {
            try {
                l.stateChanged(from, to);
            } catch (RuntimeException e) {
                log.printk(LogLevel.KERN_ERR, "machine: listener failed on " + from + " -> " + to + ": " + e);
            }
        }
    }

    // --- the caller's frame, as the panic message shows it

    /** The lines that show who called: the JVM thread, then the program's frame and registers. */
    List<String> frame(PanicContext caller) {
        Thread t = Thread.currentThread();
        List<String> out = new ArrayList<>();
        out.add("CPU: 0 PID: " + t.getId() + " Comm: " + t.getName() + " kbpf " + kbpfVersion);
        if (caller instanceof PanicContext.ProgramFrame f) {
            out.add("BPF prog " + f.progId() + " '" + f.progName() + "' tag " + f.tag() + " type " + f.progType()
                    + " insn " + f.insnIndex());
            out.addAll(registerLines(f.registers()));
        } else {
            out.add("Caller: " + caller.describe());
        }
        return out;
    }

    /** R0..R10, three a line, as x86 register dumps print them. */
    public static List<String> registerLines(long[] regs) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < regs.length; i++) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(String.format(Locale.ROOT, "%-4s %016x", "R" + i + ":", regs[i]));
            if (i % 3 == 2 || i == regs.length - 1) {
                out.add(sb.toString());
                sb.setLength(0);
            }
        }
        return out;
    }

    // --- crash dumps

    private Optional<Path> takeDump(CrashReason reason, String msg, PanicContext caller, LogLevel level) {
        CrashDumpWriter w = writer;
        if (w == null) {
            log.printk(level, "crash dump not taken: no crash dump writer is installed (bundle dev.kbpf.helpers.destructive)");
            return Optional.empty();
        }
        SystemSnapshot s = snapshot;
        List<ProgramSnapshot> programs = collect("programs", s::programs);
        List<MapSnapshot> maps = collect("maps", () -> s.maps(mapEntryCap));
        List<LinkSnapshot> links = collect("links", s::links);
        List<BundleSnapshot> bundles = collect("bundles", s::bundles);
        List<ThreadSnapshot> threads = collect("threads", JvmThreads::capture);
        CrashReport report = new CrashReport(reason, msg, clock.instant(), bootId, uptimeNanos(), kbpfVersion, state.get(),
                caller, Thread.currentThread().getId(), programs, maps, links, bundles, sysctls.values(), log.records(), threads);
        try {
            Path written = w.write(report);
            log.printk(level, "crash dump written to " + written);
            return Optional.of(written);
        } catch (Exception | LinkageError e) { // a writer whose bundle just went away must not stop a panic
            log.printk(level, "crash dump failed: " + e);
            return Optional.empty();
        }
    }

    private <T> List<T> collect(String part, Supplier<List<T>> source) {
        try {
            List<T> l = source.get();
            return l == null ? List.of() : l;
        } catch (RuntimeException e) {
            log.printk(LogLevel.KERN_ERR, "crash dump: could not collect " + part + ": " + e);
            return List.of();
        }
    }

    /** How a machine is made; every part but the three given to {@link #builder} has a default. */
    public static final class Builder {
        private final FrameworkControl control;
        private final SysctlRegistry sysctls;
        private final ScheduledExecutorService scheduler;
        private Console console = Console.stdout();
        private SystemSnapshot snapshot = SystemSnapshot.empty();
        private CrashDumpWriter writer;
        private LongSupplier nanoTime = System::nanoTime;
        private Clock clock = Clock.systemUTC();
        private String kbpfVersion = defaultVersion();
        private int mapEntryCap = DEFAULT_MAP_ENTRY_CAP;
        private int logCapacity = KernelLog.DEFAULT_CAPACITY;

        private Builder(FrameworkControl control, SysctlRegistry sysctls, ScheduledExecutorService scheduler) {
            this.control = Objects.requireNonNull(control, "control");
            this.sysctls = Objects.requireNonNull(sysctls, "sysctls");
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        }

        /** Where urgent kernel messages and panics are printed; standard output by default. */
        public Builder console(Console console) { this.console = Objects.requireNonNull(console); return this; }

        public Builder systemSnapshot(SystemSnapshot snapshot) { this.snapshot = Objects.requireNonNull(snapshot); return this; }

        public Builder crashDumpWriter(CrashDumpWriter writer) { this.writer = writer; return this; }

        /** The monotonic clock uptime is measured with; {@code System::nanoTime} by default. */
        public Builder nanoTime(LongSupplier nanoTime) { this.nanoTime = Objects.requireNonNull(nanoTime); return this; }

        /** The wall clock a dump's time comes from. */
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

        public Builder kbpfVersion(String version) { this.kbpfVersion = Objects.requireNonNull(version); return this; }

        /** Entries per map a dump keeps. */
        public Builder mapEntryCap(int cap) {
            if (cap < 0) throw new IllegalArgumentException("map entry cap must not be negative: " + cap);
            this.mapEntryCap = cap;
            return this;
        }

        public Builder logCapacity(int lines) {
            if (lines <= 0) throw new IllegalArgumentException("kernel log capacity must be positive: " + lines);
            this.logCapacity = lines;
            return this;
        }

        public FrameworkMachine build() { return new FrameworkMachine(this); }

        private static String defaultVersion() {
            String v = FrameworkMachine.class.getPackage() == null ? null : FrameworkMachine.class.getPackage().getImplementationVersion();
            return v == null ? "0.1.0-SNAPSHOT" : v;
        }
    }
}
