package dev.kbpf.itest;

import static org.junit.Assert.*;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.BpfException;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.Errno;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Assembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.Machine;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * A kfunc provider installed while everything runs: a program calling its kfunc loads and runs;
 * uninstalling it unloads the program with a dmesg line, and loading again fails with the
 * unknown-kfunc error; the registry itself can go and come back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotKfuncIT {

    @Inject
    private BundleContext ctx;

    @Inject
    private Bpf bpf;

    @Inject
    private Machine machine;

    @Configuration
    public Option[] config() {
        return KbpfOptions.framework();
    }

    private static final String ADD = "kbpf_test_add";

    /** r0 = kbpf_test_add(40, 2): a kfunc call by name, as the ELF loader leaves it (imm indexes the names). */
    private static ProgLoadAttr callingAdd() {
        List<Insn> insns = new ArrayList<>(Assembler.assemble("mov %r1, 40\nmov %r2, 2\ncall runtime 0\nexit"));
        return new ProgLoadAttr(ProgType.TRACEPOINT, insns, "GPL", "adder", 0, 1, Credentials.root(), List.of(), List.of(ADD), Map.of(), "");
    }

    private Bundle installTestKfuncs() throws Exception {
        File jar = new File(System.getProperty("kbpf.bundles.dir", "target/bundles"), "test-kfunc-bundle.jar");
        Bundle b = ctx.installBundle(jar.toURI().toString());
        b.start();
        Awaits.until("kfunc " + ADD + " registered", () -> registry() != null && registry().byName(ADD).isPresent());
        return b;
    }

    private KfuncRegistry registry() {
        var ref = ctx.getServiceReference(KfuncRegistry.class);
        return ref == null ? null : ctx.getService(ref);
    }

    private String dmesg() {
        return machine.dmesg().stream().map(r -> r.text()).collect(Collectors.joining("\n"));
    }

    @Test
    public void aKfuncInstalledAtRunTimeIsCallableAndItsRemovalUnloadsTheCaller() throws Exception {
        BpfException before = assertThrows(BpfException.class, () -> bpf.progLoad(callingAdd()));
        assertEquals(Errno.ENOENT, before.errno());

        Bundle provider = installTestKfuncs();
        ProgInfo prog = bpf.progLoad(callingAdd());
        assertEquals(List.of(ADD), prog.kfuncs());
        assertEquals(42, bpf.progTestRun(prog.id(), new byte[8], 1).retval());
        assertEquals(List.of(prog.id()), registry().users(ADD).stream().map(p -> p.id()).toList());

        provider.uninstall();
        Awaits.until("prog " + prog.id() + " unloaded", () -> bpf.progList().stream().noneMatch(p -> p.id() == prog.id()));
        String log = dmesg();
        assertTrue(log, log.contains("prog " + prog.id() + " (adder) detached and unloaded: kfunc " + ADD + " is gone"));
        BpfException after = assertThrows(BpfException.class, () -> bpf.progLoad(callingAdd()));
        assertEquals(Errno.ENOENT, after.errno());
        assertTrue(after.getMessage(), after.getMessage().contains(ADD + " is not registered"));
    }

    @Test
    public void withoutTheRegistryKfuncsAreGoneButHelperOnlyProgramsKeepRunning() throws Exception {
        Bundle provider = installTestKfuncs();
        ProgInfo kfuncUser = bpf.progLoad(callingAdd());
        ProgInfo plain = bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "plain", Assembler.assemble("mov %r0, 7\nexit")));
        Bundle registryBundle = java.util.Arrays.stream(ctx.getBundles())
                .filter(b -> KbpfOptions.KFUNC.equals(b.getSymbolicName())).findFirst().orElseThrow();
        registryBundle.stop();
        Awaits.until("kfunc user unloaded", () -> bpf.progList().stream().noneMatch(p -> p.id() == kfuncUser.id()));
        assertEquals(7, bpf.progTestRun(plain.id(), new byte[8], 1).retval());
        BpfException e = assertThrows(BpfException.class, () -> bpf.progLoad(callingAdd()));
        assertTrue(e.getMessage(), e.getMessage().contains("registry is not present"));

        registryBundle.start();
        Awaits.until("kfunc back with its registry", () -> registry() != null && registry().byName(ADD).isPresent());
        ProgInfo again = bpf.progLoad(callingAdd());
        assertEquals(42, bpf.progTestRun(again.id(), new byte[8], 1).retval());
        bpf.progUnload(again.id());
        bpf.progUnload(plain.id());
        provider.uninstall();
    }
}
