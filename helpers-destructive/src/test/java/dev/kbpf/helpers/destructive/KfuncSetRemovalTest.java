package dev.kbpf.helpers.destructive;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LinkInfo;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.ObjLoadAttr;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.isa.Assembler;
import dev.kbpf.spi.MachineState;
import dev.kbpf.spi.ProgRef;
import dev.kbpf.verifier.DestructivePolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kfuncs carry no stability promise: when the destructive set goes (its bundle stops), every
 * program calling one of its kfuncs is detached and unloaded with a dmesg line naming the program
 * and the kfunc, loading it again fails, and the set coming back makes it load again. Programs that
 * call only helpers keep running.
 */
class KfuncSetRemovalTest {
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

    private LoadedObject loadPanic() {
        Path obj = DestructiveRuntime.exampleCopy("panic.o", home, "p.o");
        return rt.bpf.objLoad(new ObjLoadAttr(obj, Optional.empty(), Optional.empty(), LoadFlags.BPF_F_DESTRUCTIVE, 1, Credentials.root()));
    }

    @Test
    void removingTheSetUnloadsItsCallersAndReAddingItLetsThemLoadAgain() {
        Tracepoint tp = rt.bundleEvent();
        LoadedObject panic = loadPanic();
        ProgInfo prog = panic.programs().get(0);
        LinkInfo link = rt.bpf.attach(prog.id(), "osgi:bundle_event");
        ProgInfo plain = rt.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "plain", Assembler.assemble("mov %r0, 7\nexit")));
        LinkInfo plainLink = rt.bpf.attach(plain.id(), "osgi:bundle_event");
        int idBefore = rt.kfuncs.byName("bpf_panic").orElseThrow().id();

        // who would go: the answer before removing the provider
        assertEquals(List.of(new ProgRef(prog.id(), prog.name(), prog.tag())), rt.kfuncs.users("bpf_panic"));

        rt.removeDestructiveSet();

        assertEquals(List.of(plain.id()), rt.bpf.progList().stream().map(ProgInfo::id).toList());
        assertEquals(List.of(plainLink.id()), rt.bpf.linkList().stream().map(LinkInfo::id).toList(), "link " + link.id() + " went");
        assertTrue(rt.dmesg().contains("kbpf: prog " + prog.id() + " (panic_on_stops) detached and unloaded: kfunc bpf_panic is gone"
                + " (kfunc set destructive of dev.kbpf.helpers.destructive unregistered)"), rt.dmesg());
        assertTrue(rt.kfuncs.users("bpf_panic").isEmpty());
        assertTrue(rt.kfuncs.byName("bpf_panic").isEmpty());
        for (int i = 0; i < 10; i++) tp.fire(0, 0, 0, 1, (long) i, 4, 4, "b");
        assertEquals(MachineState.RUNNING, rt.machine.state(), "an unloaded program panics nothing");

        int maps = rt.bpf.mapList().size();
        BpfException e = assertThrows(BpfException.class, this::loadPanic);
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("kfunc bpf_panic is not registered: no kfunc set provides it", e.reason());
        assertEquals(maps, rt.bpf.mapList().size(), "a failed object load leaves no maps");

        rt.addDestructiveSet();
        ProgInfo again = loadPanic().programs().get(0);
        assertEquals(List.of("bpf_panic"), again.kfuncs());
        assertNotEquals(idBefore, rt.kfuncs.byName("bpf_panic").orElseThrow().id(), "kfunc ids are not reused");
        rt.bpf.attach(again.id(), "osgi:bundle_event");
        for (int i = 0; i < 4; i++) tp.fire(0, 0, 0, 1, (long) i, 4, 4, "b");
        assertEquals(MachineState.HALTED, rt.machine.state(), "the reloaded program works (kernel.panic=0: halt)");
    }

    @Test
    void withoutTheRegistryNoKfuncResolvesButHelperOnlyProgramsKeepRunning() {
        LoadedObject panic = loadPanic();
        ProgInfo plain = rt.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "plain", Assembler.assemble("mov %r0, 7\nexit")));
        rt.bpf.setKfuncRegistry(null);
        assertEquals(List.of(plain.id()), rt.bpf.progList().stream().map(ProgInfo::id).toList());
        assertTrue(rt.dmesg().contains("kbpf: prog " + panic.programs().get(0).id() + " (panic_on_stops) detached and unloaded: kfunc bpf_panic is gone"),
                rt.dmesg());
        assertEquals(7, rt.bpf.progTestRun(plain.id(), new byte[8], 1).retval());
        BpfException e = assertThrows(BpfException.class, this::loadPanic);
        assertEquals(Errno.ENOENT, e.errno());
        rt.bpf.setKfuncRegistry(rt.kfuncs);
        assertEquals(1, loadPanic().programs().size());
    }
}
