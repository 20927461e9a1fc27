package dev.kbpf.helpers.destructive;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.ObjLoadAttr;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.helpers.destructive.crash.CrashDumpDocument;
import dev.kbpf.helpers.destructive.crash.CrashDumpSummary;
import dev.kbpf.machine.RecordingFrameworkControl.Action;
import dev.kbpf.spi.MachineState;
import dev.kbpf.verifier.DestructivePolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Why kbpf exists: the example programs, as clang compiled them, attached to their tracepoints,
 * crash the machine once their condition holds — and only then — leaving a crash dump, a kernel
 * log that says what happened, and the halt or reboot that {@code kernel.panic} asks for.
 */
class PanicOnTracepointTest {
    static final int BUNDLE_STARTED = 2, BUNDLE_STOPPED = 4, ACTIVE = 32, RESOLVED = 4;

    @TempDir Path home;
    private DestructiveRuntime rt;

    @BeforeEach
    void start() {
        rt = new DestructiveRuntime(home.resolve("crash"));
        rt.bpf.setDestructivePolicy(DestructivePolicy.FULL);
        rt.destructiveEnabled(true);
    }

    @AfterEach
    void stop() { rt.close(); }

    private LoadedObject load(String example, String shortName) {
        Path obj = DestructiveRuntime.exampleCopy(example, home, shortName);
        return rt.bpf.objLoad(new ObjLoadAttr(obj, Optional.empty(), Optional.empty(), LoadFlags.BPF_F_DESTRUCTIVE, 1, Credentials.root()));
    }

    private static void bundleEvent(Tracepoint tp, long bundleId, int type, int state) {
        tp.fire(0, 0, 0, (int) Thread.currentThread().getId(), bundleId, type, state, "org.example.bundle" + bundleId);
    }

    /** The caller of the dump is the program: as a frame where the runtime reports one, else named in the origin. */
    static void assertCallerIs(CrashDumpDocument d, ProgInfo prog) {
        CrashDumpDocument.Caller c = d.caller();
        if (CrashDumpDocument.Caller.PROGRAM.equals(c.kind())) {
            assertEquals(prog.id(), c.progId());
            assertEquals(prog.name(), c.progName());
            assertEquals(prog.tag(), c.tag());
            assertEquals(prog.type().name(), c.progType());
        } else {
            assertEquals(CrashDumpDocument.Caller.KERNEL, c.kind());
            assertTrue(c.origin().startsWith("bpf prog " + prog.id() + " '" + prog.name() + "' tag " + prog.tag()), c.origin());
        }
    }

    @ParameterizedTest(name = "kernel.panic={0}")
    @ValueSource(ints = {0, -1, 1})
    void panicOnTooManyBundleStopsThenWhatKernelPanicSays(int kernelPanic) throws Exception {
        rt.kernelPanic(kernelPanic);
        LoadedObject obj = load("panic.o", "p.o");
        ProgInfo prog = obj.programs().get(0);
        assertEquals("panic_on_stops", prog.name());
        assertTrue(prog.destructive());
        assertEquals(List.of("bpf_panic"), prog.kfuncs());
        Tracepoint tp = rt.bundleEvent();
        rt.bpf.attach(prog.id(), "osgi:bundle_event");

        // max_stops = 3 in .rodata: three stops (and any number of other events) are fine
        for (int i = 1; i <= 3; i++) {
            bundleEvent(tp, i, BUNDLE_STARTED, ACTIVE);
            bundleEvent(tp, i, BUNDLE_STOPPED, RESOLVED);
        }
        assertEquals(MachineState.RUNNING, rt.machine.state());
        assertTrue(rt.dumps().list().isEmpty());
        assertEquals(3, bss(obj), ".bss stops counts the stops");

        bundleEvent(tp, 4, BUNDLE_STOPPED, RESOLVED);
        // read at once: with kernel.panic=N > 0 the reboot follows N seconds later
        MachineState afterPanic = rt.machine.state();
        List<Action> actionsAfterPanic = rt.control.actions();

        String dmesg = rt.dmesg();
        assertTrue(dmesg.contains("Kernel panic - not syncing: too many bundles stopped\n"), dmesg);
        assertTrue(rt.console.stream().anyMatch(l -> l.endsWith("Kernel panic - not syncing: too many bundles stopped")), rt.console.toString());
        assertEquals(Optional.of("too many bundles stopped"), rt.machine.panicMessage());
        List<CrashDumpSummary> dumps = rt.dumps().list();
        assertEquals(1, dumps.size(), "one dump: " + dumps);
        CrashDumpSummary s = dumps.get(0);
        assertEquals("PANIC", s.reason());
        assertEquals("too many bundles stopped", s.message());
        assertEquals(rt.machine.bootId().toString(), s.bootId());
        assertTrue(dmesg.contains("crash dump written to " + s.file()), dmesg);
        CrashDumpDocument d = rt.dumps().read(s.id());
        assertEquals("bpf_panic", d.kfunc());
        assertEquals(1, d.sysctls().get("kernel.destructive_bpf_enabled"));
        assertEquals(kernelPanic, d.sysctls().get("kernel.panic"));
        assertCallerIs(d, prog);

        if (kernelPanic == 0) {
            assertEquals(MachineState.HALTED, afterPanic);
            assertEquals(List.of(Action.HALT), actionsAfterPanic);
            assertTrue(dmesg.contains("---[ end Kernel panic - not syncing: too many bundles stopped ]---"), dmesg);
        } else if (kernelPanic < 0) {
            assertEquals(MachineState.REBOOTING, afterPanic);
            assertEquals(List.of(Action.REBOOT), actionsAfterPanic);
        } else {
            assertEquals(MachineState.PANICKED, afterPanic, "the reboot waits kernel.panic seconds");
            assertTrue(actionsAfterPanic.isEmpty());
            assertTrue(dmesg.contains("Rebooting in 1 seconds.."), dmesg);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (rt.control.actions().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(List.of(Action.REBOOT), rt.control.actions());
            assertEquals(MachineState.REBOOTING, rt.machine.state());
        }

        // the program still runs, but a machine that is not running does not panic again
        bundleEvent(tp, 5, BUNDLE_STOPPED, RESOLVED);
        assertEquals(1, rt.dumps().list().size());
        assertEquals(5, bss(obj));
    }

    /** The value of the object's {@code .bss} ({@code stops}). */
    private long bss(LoadedObject obj) {
        MapInfo bss = obj.maps().stream().filter(m -> m.name().endsWith(".bss")).findFirst().orElseThrow();
        return ByteBuffer.wrap(rt.bpf.mapLookup(bss.id(), new byte[4]).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void manyThreadsCrossingTheThresholdAtOncePanicOnce() throws Exception {
        LoadedObject obj = load("panic.o", "p.o");
        Tracepoint tp = rt.bundleEvent();
        rt.bpf.attach(obj.programs().get(0).id(), "osgi:bundle_event");
        int threads = 8, perThread = 50;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Thread> ts = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) bundleEvent(tp, base + i, BUNDLE_STOPPED, RESOLVED);
            });
            th.start();
            ts.add(th);
        }
        go.countDown();
        for (Thread th : ts) th.join();
        assertEquals(threads * perThread, bss(obj), "every stop counted (atomic add on .bss)");
        assertEquals(1, rt.dumps().list().size(), "one panic, one dump");
        assertEquals(List.of(Action.HALT), rt.control.actions());
        assertEquals(1, rt.machine.dmesg().stream().filter(r -> r.text().startsWith("Kernel panic - not syncing: ")).count(), rt.dmesg());
    }

    @Test
    void crashKexecOnALongGcPauseDumpsThenReboots() {
        LoadedObject obj = load("crash_kexec.o", "k.o");
        ProgInfo prog = obj.programs().get(0);
        assertEquals(List.of("crash_kexec"), prog.kfuncs());
        Tracepoint tp = rt.gcPause();
        rt.bpf.attach(prog.id(), "jvm:gc_pause");
        MapInfo worst = obj.maps().stream().filter(m -> m.name().equals("worst")).findFirst().orElseThrow();

        tp.fire(0, 0, 0, 1, 1L, 120_000_000L, "G1 Young Generation");
        tp.fire(0, 0, 0, 1, 2L, 499_999_999L, "G1 Young Generation");
        assertEquals(MachineState.RUNNING, rt.machine.state());
        assertTrue(rt.dumps().list().isEmpty());
        assertEquals(499_999_999L, ByteBuffer.wrap(rt.bpf.mapLookup(worst.id(), new byte[4]).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN).getLong());

        tp.fire(0, 0, 0, 1, 3L, 750_000_000L, "G1 Old Generation");

        assertEquals(MachineState.REBOOTING, rt.machine.state());
        assertEquals(List.of(Action.REBOOT), rt.control.actions());
        String dmesg = rt.dmesg();
        assertTrue(dmesg.contains("crash_kexec: taking a crash dump, then rebooting"), dmesg);
        assertTrue(dmesg.contains("reboot: Restarting system"), dmesg);
        List<CrashDumpSummary> dumps = rt.dumps().list();
        assertEquals(1, dumps.size());
        assertEquals("CRASH_KEXEC", dumps.get(0).reason());
        CrashDumpDocument d = rt.dumps().read(dumps.get(0).id());
        assertEquals("crash_kexec", d.kfunc());
        assertCallerIs(d, prog);
    }
}
