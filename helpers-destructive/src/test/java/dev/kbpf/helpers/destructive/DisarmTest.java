package dev.kbpf.helpers.destructive;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.api.TracepointField;
import dev.kbpf.spi.MachineState;
import dev.kbpf.verifier.DestructivePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beyond Linux, for the reviewer's worry about a global switch forgotten on: setting
 * {@code kernel.destructive_bpf_enabled} back to 0 disarms programs already loaded (their calls
 * do nothing, return {@code -EPERM} and leave a dmesg line), and the switch can be turned on for a
 * limited time only.
 */
class DisarmTest {
    @TempDir Path home;
    private DestructiveRuntime rt;
    private int message;

    @BeforeEach
    void start() {
        rt = new DestructiveRuntime(home.resolve("crash"));
        rt.bpf.setDestructivePolicy(DestructivePolicy.FULL);
        rt.destructiveEnabled(true);
        message = rt.constString("caught it");
    }

    @AfterEach
    void stop() { rt.close(); }

    private ProgInfo load(String kfunc) {
        Integer str = kfunc.equals(DestructiveKfuncs.BPF_PANIC) || kfunc.equals(DestructiveKfuncs.BPF_CRASH_DUMP) ? message : null;
        return rt.bpf.progLoad(DestructiveRuntime.callingKfunc(ProgType.TRACEPOINT, kfunc, str, LoadFlags.BPF_F_DESTRUCTIVE, Credentials.root()));
    }

    private long call(ProgInfo p) { return rt.bpf.progTestRun(p.id(), new byte[16], 1).retval(); }

    @org.junit.jupiter.params.ParameterizedTest(name = "net.core.bpf_jit_enable={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 0})
    void settingTheSysctlBackToZeroDisarmsALoadedProgram(int jit) {
        rt.sysctls.set("net.core.bpf_jit_enable", jit, Credentials.root());
        ProgInfo p = load(DestructiveKfuncs.BPF_CRASH_DUMP);
        assertEquals(jit == 1, p.jited(), "both executors call kfuncs through the runtime's wrapper");
        Tracepoint tp = rt.bpf.defineTracepoint("test", "tick", List.of(TracepointField.u64("n", 8)));
        rt.bpf.attach(p.id(), "test:tick");
        tp.fire(1L);
        assertEquals(1, rt.dumps().list().size(), "armed: the call takes a dump");
        assertEquals(0, call(p));
        assertEquals(2, rt.dumps().list().size());

        rt.destructiveEnabled(false);

        assertEquals(Errno.EPERM.negative(), call(p), "disarmed: -EPERM");
        tp.fire(2L);
        assertEquals(2, rt.dumps().list().size(), "disarmed: no dump");
        assertTrue(rt.dmesg().contains("kbpf: bpf_crash_dump disarmed by kernel.destructive_bpf_enabled=0 (prog " + p.id() + " " + p.name() + ")"),
                rt.dmesg());
        assertEquals(MachineState.RUNNING, rt.machine.state());
        assertEquals(List.of(p.id()), rt.bpf.progList().stream().map(ProgInfo::id).toList(), "disarmed, not unloaded");

        rt.destructiveEnabled(true);
        assertEquals(0, call(p), "armed again");
        assertEquals(3, rt.dumps().list().size());
    }

    @Test
    void aDisarmedPanicDoesNotPanic() {
        ProgInfo p = load(DestructiveKfuncs.BPF_PANIC);
        rt.destructiveEnabled(false);
        assertEquals(Errno.EPERM.negative(), call(p));
        assertEquals(MachineState.RUNNING, rt.machine.state());
        assertFalse(rt.dmesg().contains("Kernel panic"), rt.dmesg());
        assertTrue(rt.control.actions().isEmpty());
        assertTrue(rt.dumps().list().isEmpty());
        assertTrue(rt.dmesg().contains("kbpf: bpf_panic disarmed by kernel.destructive_bpf_enabled=0"), rt.dmesg());
    }

    @Test
    void aProgramCallingADisarmedKfuncOnEveryEventDoesNotFloodDmesg() {
        ProgInfo p = load(DestructiveKfuncs.BPF_PANIC);
        rt.destructiveEnabled(false);
        for (int k = 0; k < 25; k++) assertEquals(Errno.EPERM.negative(), call(p));
        long lines = rt.dmesg().lines().filter(l -> l.contains("bpf_panic disarmed by kernel.destructive_bpf_enabled=0")).count();
        assertEquals(10, lines, "the kernel's printk rate: a burst of 10 per 5 s\n" + rt.dmesg());
    }

    @Test
    void asLinux61TheSysctlDisarmsNothing() {
        rt.bpf.setDestructivePolicy(DestructivePolicy.LINUX_6_1);
        rt.destructiveEnabled(false);
        ProgInfo p = rt.bpf.progLoad(DestructiveRuntime.callingKfunc(ProgType.TRACEPOINT, DestructiveKfuncs.BPF_CRASH_DUMP, message, 0, Credentials.root()));
        assertEquals(0, call(p));
        assertEquals(1, rt.dumps().list().size());
        assertFalse(rt.dmesg().contains("disarmed"), rt.dmesg());
    }

    @Test
    void theSysctlTurnedOnForALimitedTimeReturnsToZeroByItself() throws Exception {
        ProgInfo p = load(DestructiveKfuncs.BPF_CRASH_DUMP);
        assertEquals(0, call(p), "armed while the switch is on");
        // no timing in the test but the expiry's own: the load above may be slow on a busy machine
        rt.sysctls.set("kernel.destructive_bpf_enabled", 1, Duration.ofMillis(300), Credentials.root());
        assertTrue(rt.sysctls.expiresAt("kernel.destructive_bpf_enabled").isPresent());

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (rt.sysctls.get("kernel.destructive_bpf_enabled") != 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(0, rt.sysctls.get("kernel.destructive_bpf_enabled"), "back to 0 after the expiry");
        assertTrue(rt.sysctls.expiresAt("kernel.destructive_bpf_enabled").isEmpty());

        assertEquals(Errno.EPERM.negative(), call(p), "the loaded program is disarmed");
        assertEquals(1, rt.dumps().list().size());
        BpfException e = assertThrows(BpfException.class, () -> load(DestructiveKfuncs.BPF_CRASH_DUMP));
        assertEquals("destructive kfunc calls are disabled by kernel.destructive_bpf_enabled=0", e.reason());
        assertEquals(Errno.EPERM, e.errno());
    }
}
