package dev.kbpf.helpers.destructive;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import dev.kbpf.machine.RecordingFrameworkControl.Action;
import dev.kbpf.spi.MachineState;
import dev.kbpf.verifier.DestructivePolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lower-level building blocks the Linux reviewers asked for, each doing what its name says to the machine. */
class MachineKfuncsTest {
    @TempDir Path home;
    private DestructiveRuntime rt;
    private int message;

    @BeforeEach
    void start() {
        rt = new DestructiveRuntime(home.resolve("crash"));
        rt.bpf.setDestructivePolicy(DestructivePolicy.FULL);
        rt.destructiveEnabled(true);
        message = rt.constString("hello from bpf");
    }

    @AfterEach
    void stop() { rt.close(); }

    private long run(ProgType type, String kfunc, Integer str, int flags, Credentials creds) {
        ProgInfo p = rt.bpf.progLoad(DestructiveRuntime.callingKfunc(type, kfunc, str, flags, creds));
        return rt.bpf.progTestRun(p.id(), new byte[16], 1).retval();
    }

    private long runDestructive(String kfunc, Integer str) {
        return run(ProgType.TRACEPOINT, kfunc, str, LoadFlags.BPF_F_DESTRUCTIVE, Credentials.root());
    }

    @Test
    void consolePrintNeedsNoDestructivePrivilegeAndReachesTheConsole() {
        assertEquals(0, run(ProgType.XDP, DestructiveKfuncs.BPF_CONSOLE_PRINT, message, 0, Credentials.of(dev.kbpf.api.Capability.CAP_BPF)));
        assertTrue(rt.console.stream().anyMatch(l -> l.endsWith("hello from bpf")), rt.console.toString());
        assertTrue(rt.dmesg().contains("hello from bpf\n"), rt.dmesg());
        assertEquals(MachineState.RUNNING, rt.machine.state());
    }

    @Test
    void haltStopsTheMachine() {
        assertEquals(0, runDestructive(DestructiveKfuncs.BPF_HALT, null));
        assertEquals(MachineState.HALTED, rt.machine.state());
        assertEquals(List.of(Action.HALT), rt.control.actions());
        assertTrue(rt.dumps().list().isEmpty(), "halt takes no dump");
    }

    @Test
    void rebootRestartsTheMachine() {
        assertEquals(0, runDestructive(DestructiveKfuncs.BPF_REBOOT, null));
        assertEquals(MachineState.REBOOTING, rt.machine.state());
        assertEquals(List.of(Action.REBOOT), rt.control.actions());
    }

    @Test
    void crashDumpTakesADumpAndCarriesOnButNotOnAStoppedMachine() {
        assertEquals(0, runDestructive(DestructiveKfuncs.BPF_CRASH_DUMP, message));
        assertEquals(MachineState.RUNNING, rt.machine.state());
        assertTrue(rt.control.actions().isEmpty());
        var dumps = rt.dumps().list();
        assertEquals(1, dumps.size());
        assertEquals("CRASH_DUMP", dumps.get(0).reason());
        assertEquals("hello from bpf", dumps.get(0).message());
        assertTrue(rt.dmesg().contains("bpf_crash_dump: hello from bpf ("), rt.dmesg());

        rt.machine.halt();
        assertEquals(Errno.EBUSY.negative(), runDestructive(DestructiveKfuncs.BPF_CRASH_DUMP, message));
        assertEquals(1, rt.dumps().list().size());
    }

    @Test
    void withoutAWriterCrashDumpSaysSo() {
        rt.machine.setCrashDumpWriter(null);
        assertEquals(Errno.ENOENT.negative(), runDestructive(DestructiveKfuncs.BPF_CRASH_DUMP, message));
        assertTrue(rt.dmesg().contains("crash dump not taken: no crash dump writer is installed"), rt.dmesg());
    }
}
