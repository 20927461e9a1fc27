package dev.kbpf.machine;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import dev.kbpf.spi.BundleSnapshot;
import dev.kbpf.spi.CrashDumpWriter;
import dev.kbpf.spi.CrashReason;
import dev.kbpf.spi.CrashReport;
import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.spi.LinkSnapshot;
import dev.kbpf.spi.LogLevel;
import dev.kbpf.spi.MachineState;
import dev.kbpf.spi.MapSnapshot;
import dev.kbpf.spi.PanicContext;
import dev.kbpf.spi.ProgramSnapshot;
import dev.kbpf.sysctl.InMemorySysctlStore;
import dev.kbpf.sysctl.ManualTime;
import dev.kbpf.sysctl.SysctlRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FrameworkMachineTest {
    private final ManualTime time = new ManualTime();
    private final List<String> console = Collections.synchronizedList(new ArrayList<>());
    private final RecordingFrameworkControl control = new RecordingFrameworkControl();
    private final SysctlRegistry sysctls = SysctlRegistry.withStandardSysctls(new InMemorySysctlStore(), time.scheduler(), time.clock(), w -> {});
    private final List<CrashReport> dumps = Collections.synchronizedList(new ArrayList<>());
    private final CrashDumpWriter writer = r -> {
        dumps.add(r);
        return Path.of("/var/crash/crash-" + dumps.size() + ".json");
    };
    private final AtomicInteger capAsked = new AtomicInteger(-1);

    static final PanicContext.ProgramFrame FRAME = new PanicContext.ProgramFrame(7, "detect", "0123456789abcdef",
            ProgType.TRACEPOINT, 3, new long[] {0, 0x1122334455667788L, 2, 3, 4, 5, 6, 7, 8, 9, 0xffff_0001_0000_0200L}, new byte[512]);

    static final SystemSnapshot SNAPSHOT = new SystemSnapshot() {
        @Override public List<ProgramSnapshot> programs() {
            return List.of(new ProgramSnapshot(7, "detect", "0123456789abcdef", ProgType.TRACEPOINT, false,
                    List.of(new Insn(0xb7, 1, 0, 0, 5), new Insn(0x85, 0, 2, 0, 1), new Insn(0x95, 0, 0, 0, 0)),
                    List.of("r1 = 5", "call bpf_panic#1", "exit")));
        }
        @Override public List<MapSnapshot> maps(int cap) { throw new IllegalStateException("map store locked"); }
        @Override public List<LinkSnapshot> links() { return List.of(new LinkSnapshot(1, "tracepoint", 7, "sched:sched_switch")); }
        @Override public List<BundleSnapshot> bundles() { return List.of(new BundleSnapshot(0, "org.apache.felix.framework", "7.0.5", "ACTIVE")); }
    };

    private FrameworkMachine machine(CrashDumpWriter w) {
        return FrameworkMachine.builder(control, sysctls, time.scheduler()).console(console::add).nanoTime(time)
                .clock(time.clock()).kbpfVersion("0.1.0-test").crashDumpWriter(w).systemSnapshot(SNAPSHOT).build();
    }

    private void setPanic(int v) { sysctls.set("kernel.panic", v, Credentials.root()); }

    private static List<String> texts(FrameworkMachine m) { return m.dmesg().stream().map(KmsgRecord::text).toList(); }

    @Test
    void aBootHasARandomIdAndAnUptimeFromItsStart() {
        time.advance(Duration.ofSeconds(100));
        FrameworkMachine m = machine(writer);
        assertEquals(MachineState.RUNNING, m.state());
        assertEquals(0, m.uptimeNanos());
        time.advance(Duration.ofMillis(12_345));
        assertEquals(12_345_000_000L, m.uptimeNanos());
        assertEquals("kbpf version 0.1.0-test (boot " + m.bootId() + ")", texts(m).get(0));
        UUID first = m.bootId();
        assertNotEquals(first, machine(writer).bootId());

        m.reboot();
        assertEquals(List.of(RecordingFrameworkControl.Action.REBOOT), control.actions());
        assertEquals(MachineState.REBOOTING, m.state());
        time.advance(Duration.ofSeconds(1));
        m.boot();
        assertEquals(MachineState.RUNNING, m.state());
        assertNotEquals(first, m.bootId());
        assertEquals(0, m.uptimeNanos());
        assertEquals(1, m.dmesg().size(), "a new boot starts a new kernel log: " + texts(m));
        assertThrows(IllegalStateException.class, m::boot, "a running machine does not boot again");
    }

    @Test
    void panicWithKernelPanicZeroHaltsAndStaysHalted() {
        FrameworkMachine m = machine(writer);
        time.advance(Duration.ofMillis(1500));
        m.panic("condition X seen", FRAME);

        assertEquals(MachineState.HALTED, m.state());
        assertEquals(List.of(RecordingFrameworkControl.Action.HALT), control.actions());
        assertEquals(Optional.of("condition X seen"), m.panicMessage());
        assertTrue(time.pending().isEmpty(), "nothing scheduled: a halted machine stays halted");

        List<String> t = texts(m);
        int at = t.indexOf("Kernel panic - not syncing: condition X seen");
        assertTrue(at > 0, t.toString());
        assertTrue(t.get(at + 1).startsWith("CPU: 0 PID: " + Thread.currentThread().getId() + " Comm: " + Thread.currentThread().getName()));
        assertEquals("BPF prog 7 'detect' tag 0123456789abcdef type TRACEPOINT insn 3", t.get(at + 2));
        assertEquals("R0:  0000000000000000 R1:  1122334455667788 R2:  0000000000000002", t.get(at + 3));
        assertEquals("R9:  0000000000000009 R10: ffff000100000200", t.get(at + 6));
        assertTrue(t.get(at + 7).startsWith("crash dump: could not collect maps"), t.get(at + 7));
        assertEquals("crash dump written to /var/crash/crash-1.json", t.get(at + 8));
        assertEquals("---[ end Kernel panic - not syncing: condition X seen ]---", t.get(at + 9));
        assertEquals("reboot: System halted", t.get(at + 10));
        assertTrue(m.dmesg().get(at).format().startsWith("[    1.500000] Kernel panic"));
        assertTrue(console.contains("[    1.500000] Kernel panic - not syncing: condition X seen"), console.toString());
        assertTrue(console.contains("[    1.500000] reboot: System halted"), console.toString());

        CrashReport d = dumps.get(0);
        assertEquals(CrashReason.PANIC, d.reason());
        assertEquals("condition X seen", d.message());
        assertEquals(MachineState.PANICKED, d.state());
        assertEquals(FRAME, d.caller());
        assertEquals(m.bootId(), d.bootId());
        assertEquals(1_500_000_000L, d.uptimeNanos());
        assertEquals(Instant.parse("2026-11-25T12:00:01.500Z"), d.time());
        assertEquals("0.1.0-test", d.kbpfVersion());
        assertEquals(Thread.currentThread().getId(), d.callerThreadId());
        assertEquals(1, d.programs().size());
        assertEquals(List.of(), d.maps(), "a part that fails to collect is left out");
        assertTrue(d.dmesg().stream().anyMatch(r -> r.text().contains("could not collect maps") && r.text().contains("map store locked")));
        assertTrue(d.dmesg().stream().anyMatch(r -> r.text().equals("Kernel panic - not syncing: condition X seen")));
        assertEquals(0, d.sysctls().get("kernel.panic"));
        assertTrue(d.threads().stream().anyMatch(th -> th.id() == Thread.currentThread().getId()
                && th.frames().stream().anyMatch(f -> f.contains("panicWithKernelPanicZeroHaltsAndStaysHalted"))));
    }

    @Test
    void panicWithKernelPanicPositiveRebootsAfterThatManySecondsWithoutSleeping() {
        setPanic(5);
        FrameworkMachine m = machine(writer);
        m.panic("boom", FRAME);
        assertEquals(MachineState.PANICKED, m.state());
        assertEquals(List.of(), control.actions());
        assertEquals(List.of(Duration.ofSeconds(5)), time.pending());
        assertTrue(texts(m).contains("Rebooting in 5 seconds.."));
        assertFalse(texts(m).stream().anyMatch(s -> s.startsWith("---[ end")), "a rebooting panic never reaches the end marker, as in Linux");

        time.advance(Duration.ofMillis(4999));
        assertEquals(List.of(), control.actions());
        time.advance(Duration.ofMillis(1));
        assertEquals(List.of(RecordingFrameworkControl.Action.REBOOT), control.actions());
        assertEquals(MachineState.REBOOTING, m.state());
        assertEquals("reboot: Restarting system", texts(m).get(texts(m).size() - 1));
    }

    @Test
    void panicWithKernelPanicNegativeRebootsAtOnce() {
        setPanic(-1);
        FrameworkMachine m = machine(writer);
        m.panic("boom", new PanicContext.Kernel("shell: bpf:panic"));
        assertEquals(List.of(RecordingFrameworkControl.Action.REBOOT), control.actions());
        assertEquals(MachineState.REBOOTING, m.state());
        assertTrue(time.pending().isEmpty());
        assertTrue(texts(m).contains("Caller: shell: bpf:panic"));
        assertEquals(1, dumps.size());
    }

    @Test
    void aHaltDuringThePanicDelayCancelsTheReboot() {
        setPanic(10);
        FrameworkMachine m = machine(writer);
        m.panic("boom", FRAME);
        m.halt();
        time.advance(Duration.ofSeconds(20));
        assertEquals(List.of(RecordingFrameworkControl.Action.HALT), control.actions());
        assertEquals(MachineState.HALTED, m.state());
    }

    @Test
    void aPanicWhilePanickedDoesNothingMore() {
        setPanic(30);
        FrameworkMachine m = machine(writer);
        m.panic("first", FRAME);
        int lines = m.dmesg().size(), consoleLines = console.size();
        m.panic("second", FRAME);
        m.crashKexec(FRAME);
        assertEquals(Optional.empty(), m.crashDump(CrashReason.CRASH_DUMP, "third", FRAME));
        assertEquals(1, dumps.size());
        assertEquals(lines, m.dmesg().size());
        assertEquals(consoleLines, console.size());
        assertEquals(Optional.of("first"), m.panicMessage());
    }

    @Test
    void ofManyThreadsPanickingAtOnceExactlyOneRunsTheSequence() throws Exception {
        FrameworkMachine m = machine(writer);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String msg = "cpu " + i;
            Thread t = new Thread(() -> {
                try { go.await(); } catch (InterruptedException e) { return; }
                m.panic(msg, FRAME);
            });
            t.start();
            ts.add(t);
        }
        go.countDown();
        for (Thread t : ts) t.join();
        assertEquals(1, dumps.size());
        assertEquals(List.of(RecordingFrameworkControl.Action.HALT), control.actions());
        assertEquals(1, texts(m).stream().filter(s -> s.startsWith("Kernel panic")).count());
    }

    @Test
    void aCrashDumpCarriesOn() {
        FrameworkMachine m = machine(writer);
        assertEquals(Optional.of(Path.of("/var/crash/crash-1.json")), m.crashDump(CrashReason.CRASH_DUMP, "look here", FRAME));
        assertEquals(MachineState.RUNNING, m.state());
        assertEquals(List.of(), control.actions());
        CrashReport d = dumps.get(0);
        assertEquals(CrashReason.CRASH_DUMP, d.reason());
        assertEquals(MachineState.RUNNING, d.state());
        assertTrue(texts(m).contains("bpf_crash_dump: look here (prog 7 'detect' tag 0123456789abcdef type TRACEPOINT at insn 3)"), texts(m).toString());
        assertTrue(m.panicMessage().isEmpty());
        assertEquals(Path.of("/var/crash/crash-2.json"), m.crashDump(CrashReason.CRASH_DUMP, "again", FRAME).orElseThrow());
    }

    @Test
    void withoutAWriterOrWithAFailingOneTheLogSaysWhy() {
        FrameworkMachine m = machine(null);
        assertEquals(Optional.empty(), m.crashDump(CrashReason.CRASH_DUMP, "x", FRAME));
        assertTrue(texts(m).stream().anyMatch(s -> s.startsWith("crash dump not taken: no crash dump writer")), texts(m).toString());
        m.setCrashDumpWriter(r -> { throw new IOException("No space left on device"); });
        assertEquals(Optional.empty(), m.crashDump(CrashReason.CRASH_DUMP, "x", FRAME));
        assertTrue(texts(m).stream().anyMatch(s -> s.equals("crash dump failed: java.io.IOException: No space left on device")), texts(m).toString());
        m.panic("still halts", FRAME);
        assertEquals(MachineState.HALTED, m.state(), "a failed dump does not stop the panic sequence");
    }

    @Test
    void crashKexecDumpsThenReboots() {
        FrameworkMachine m = machine(writer);
        m.crashKexec(FRAME);
        assertEquals(CrashReason.CRASH_KEXEC, dumps.get(0).reason());
        assertEquals(List.of(RecordingFrameworkControl.Action.REBOOT), control.actions());
        assertEquals(MachineState.REBOOTING, m.state());
        assertTrue(m.panicMessage().isEmpty(), "crash_kexec is not a panic");
    }

    @Test
    void haltAndRebootActOnceAndListenersHearEveryTransition() {
        FrameworkMachine m = machine(writer);
        List<String> heard = new ArrayList<>();
        m.addListener((from, to) -> heard.add(from + "->" + to));
        m.addListener((from, to) -> { throw new IllegalStateException("bad listener"); });
        m.halt();
        m.halt();
        m.reboot();
        assertEquals(List.of(RecordingFrameworkControl.Action.HALT), control.actions());
        m.boot();
        m.reboot();
        assertEquals(List.of(RecordingFrameworkControl.Action.HALT, RecordingFrameworkControl.Action.REBOOT), control.actions());
        assertEquals(List.of("RUNNING->HALTED", "HALTED->RUNNING", "RUNNING->REBOOTING"), heard);
        assertTrue(texts(m).stream().anyMatch(s -> s.contains("bad listener")));
    }

    @Test
    void aFailingPowerSwitchIsLoggedNotThrown() {
        FrameworkMachine m = FrameworkMachine.builder(new FrameworkControl() {
            @Override public void halt() { throw new IllegalStateException("framework already stopping"); }
            @Override public void reboot() {}
        }, sysctls, time.scheduler()).console(console::add).nanoTime(time).build();
        m.halt();
        assertEquals(MachineState.HALTED, m.state());
        assertTrue(texts(m).stream().anyMatch(s -> s.contains("halt failed") && s.contains("framework already stopping")));
    }

    @Test
    void consolePrintAlwaysReachesTheConsole() {
        FrameworkMachine m = machine(writer);
        m.printk(LogLevel.KERN_INFO, "quiet");
        m.consolePrint("hello from BPF");
        assertEquals(List.of("[    0.000000] hello from BPF"), console);
        assertTrue(texts(m).containsAll(List.of("quiet", "hello from BPF")));
    }

    @Test
    void theMapCapIsPassedOn() {
        FrameworkMachine m = FrameworkMachine.builder(control, sysctls, time.scheduler()).console(console::add).nanoTime(time)
                .mapEntryCap(3).crashDumpWriter(writer).systemSnapshot(new SystemSnapshot() {
                    @Override public List<ProgramSnapshot> programs() { return List.of(); }
                    @Override public List<MapSnapshot> maps(int cap) {
                        capAsked.set(cap);
                        return List.of(new MapSnapshot(1, "counts", MapType.HASH, 4, 8, 1024, 10,
                                List.of(new MapSnapshot.Entry(new byte[4], new byte[8]))));
                    }
                    @Override public List<LinkSnapshot> links() { return List.of(); }
                    @Override public List<BundleSnapshot> bundles() { return List.of(); }
                }).build();
        m.crashDump(CrashReason.CRASH_DUMP, "x", FRAME);
        assertEquals(3, capAsked.get());
        assertTrue(dumps.get(0).maps().get(0).truncated());
    }

    @Test
    void aMachineNeedsKernelPanicRegistered() {
        SysctlRegistry bare = new SysctlRegistry(new InMemorySysctlStore(), time.scheduler(), time.clock(), w -> {});
        dev.kbpf.api.BpfException e = assertThrows(dev.kbpf.api.BpfException.class,
                () -> FrameworkMachine.builder(control, bare, time.scheduler()).console(console::add).build());
        assertEquals(dev.kbpf.api.Errno.ENOENT, e.errno());
    }

    @Test
    void panicActionFollowsLinuxPanicTimeout() {
        assertEquals(new PanicAction.Halt(), PanicAction.of(0));
        assertEquals(new PanicAction.Reboot(Duration.ofSeconds(7)), PanicAction.of(7));
        assertEquals(new PanicAction.Reboot(Duration.ZERO), PanicAction.of(-3));
    }

    @Test
    void framesRejectWhatNoProgramHas() {
        assertThrows(IllegalArgumentException.class, () -> new PanicContext.ProgramFrame(1, "p", "t", ProgType.KPROBE, 0, new long[10], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new PanicContext.ProgramFrame(1, "p", "t", ProgType.KPROBE, 0, new long[11], new byte[513]));
        assertThrows(IllegalArgumentException.class, () -> new PanicContext.ProgramFrame(1, "p", "t", ProgType.KPROBE, -1, new long[11], new byte[0]));
    }
}
