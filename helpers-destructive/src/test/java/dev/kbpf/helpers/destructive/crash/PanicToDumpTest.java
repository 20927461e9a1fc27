package dev.kbpf.helpers.destructive.crash;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Credentials;
import dev.kbpf.machine.FrameworkMachine;
import dev.kbpf.machine.RecordingFrameworkControl;
import dev.kbpf.machine.SystemSnapshot;
import dev.kbpf.spi.BundleSnapshot;
import dev.kbpf.spi.LinkSnapshot;
import dev.kbpf.spi.MachineState;
import dev.kbpf.spi.MapSnapshot;
import dev.kbpf.spi.ProgramSnapshot;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.sysctl.SysctlStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine in core panicking through this bundle's writer: the file a user finds after the crash, and what the reader shows. */
class PanicToDumpTest {
    @TempDir Path home;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach void stop() { scheduler.shutdownNow(); }

    @Test
    void aPanicLeavesADumpThatTheReaderShows() {
        Path crashDir = home.resolve("var/crash");
        SysctlRegistry sysctls = SysctlRegistry.withStandardSysctls(SysctlStore.none(), scheduler, Clock.systemUTC(), w -> {});
        sysctls.set("kernel.destructive_bpf_enabled", 1, Credentials.root());
        RecordingFrameworkControl control = new RecordingFrameworkControl();
        List<String> console = new ArrayList<>();
        FrameworkMachine m = FrameworkMachine.builder(control, sysctls, scheduler).console(console::add)
                .kbpfVersion("0.1.0-test").crashDumpWriter(new JsonCrashDumpWriter(crashDir))
                .systemSnapshot(new SystemSnapshot() {
                    @Override public List<ProgramSnapshot> programs() { return List.of(CrashDumps.program()); }
                    @Override public List<MapSnapshot> maps(int cap) { return List.of(); }
                    @Override public List<LinkSnapshot> links() { return List.of(new LinkSnapshot(1, "tracepoint", 7, "sched:sched_switch")); }
                    @Override public List<BundleSnapshot> bundles() { return List.of(new BundleSnapshot(0, "org.apache.felix.framework", "7.0.5", "ACTIVE")); }
                }).build();

        m.panic("condition X seen", CrashDumps.frame());

        assertEquals(MachineState.HALTED, m.state());
        assertEquals(List.of(RecordingFrameworkControl.Action.HALT), control.actions());
        CrashDumpReader reader = new CrashDumpReader(crashDir);
        List<CrashDumpSummary> dumps = reader.list();
        assertEquals(1, dumps.size());
        CrashDumpSummary s = dumps.get(0);
        assertEquals("PANIC", s.reason());
        assertEquals("condition X seen", s.message());
        assertEquals(m.bootId().toString(), s.bootId());
        assertTrue(console.stream().anyMatch(l -> l.endsWith("crash dump written to " + s.file())), console.toString());

        CrashDumpDocument d = reader.read(s.id());
        assertEquals(1, d.sysctls().get("kernel.destructive_bpf_enabled"));
        assertEquals("detect", d.caller().program().name());
        CrashDumpView v = new CrashDumpView(d, s.file().toString());
        assertTrue(v.sys().contains("       PANIC: \"Kernel panic - not syncing: condition X seen\"\n"), v.sys());
        assertTrue(v.sys().contains("       STATE: PANICKED\n"), v.sys());
        assertTrue(v.log().contains("] Kernel panic - not syncing: condition X seen\n"), v.log());
        assertTrue(v.log().contains("] BPF prog 7 'detect' tag 0123456789abcdef type TRACEPOINT insn 4\n"), v.log());
        String bt = v.bt();
        assertTrue(bt.contains(" #0 [insn 4] call bpf_panic#3\n"), bt);
        String me = Thread.currentThread().getName();
        assertTrue(bt.contains("COMMAND: \"" + me + "\"") && bt.contains("(calling thread)"), bt);
        assertTrue(bt.contains("at dev.kbpf.machine.FrameworkMachine.panic("), "the JVM stack of the calling thread is in the dump:\n" + bt);
        assertTrue(bt.contains("aPanicLeavesADumpThatTheReaderShows"), bt);
    }
}
