package dev.kbpf.itest;

import static org.junit.Assert.*;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kbpf.api.Bpf;
import dev.kbpf.api.BpfException;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.ObjLoadAttr;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.spi.Machine;
import dev.kbpf.spi.MachineState;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
import org.osgi.framework.ServiceReference;

/**
 * The destructive bundle in a real Felix, with the machine in record mode (halt and reboot are
 * recorded, a reboot clears the runtime and boots the machine again): the sysctl disarms a loaded
 * program; uninstalling the bundle unloads its callers and reinstalling lets them load again; a
 * tracing program that calls bpf_panic once its condition holds leaves a crash dump that parses,
 * and the machine reboots as kernel.panic says.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DestructiveIT {
    private static final String HOME = new File("target/destructive-home").getAbsolutePath();

    @Inject
    private BundleContext ctx;

    @Configuration
    public Option[] config() {
        return KbpfOptions.framework(
                frameworkProperty("kbpf.machine.mode").value("record"),
                frameworkProperty("kbpf.home").value(HOME));
    }

    private Bpf bpf() {
        ServiceReference<Bpf> ref = ctx.getServiceReference(Bpf.class);
        return ref == null ? null : ctx.getService(ref);
    }

    private Machine machine() {
        ServiceReference<Machine> ref = ctx.getServiceReference(Machine.class);
        return ref == null ? null : ctx.getService(ref);
    }

    private static Path example(String name) {
        return Path.of(System.getProperty("kbpf.repo.dir", ".."), "examples", name).toAbsolutePath().normalize();
    }

    private ProgInfo loadPanic() {
        LoadedObject o = bpf().objLoad(new ObjLoadAttr(example("panic.o"), Optional.empty(), Optional.empty(),
                LoadFlags.BPF_F_DESTRUCTIVE, 0, Credentials.root()));
        ProgInfo p = o.programs().get(0);
        bpf().attach(p.id(), "osgi:bundle_event");
        return p;
    }

    private Bundle bundle(String bsn) {
        return Arrays.stream(ctx.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst().orElseThrow();
    }

    private String dmesg() {
        return machine().dmesg().stream().map(r -> r.text()).collect(Collectors.joining("\n"));
    }

    /** A bundle stop is what panic.c counts; four of them cross its threshold of three. */
    private void stopAndStart(Bundle b, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            b.stop();
            b.start();
        }
    }

    @Test
    public void destructiveKfuncsUnderTheGuardRailsInARealFramework() throws Exception {
        Path crash = Path.of(HOME, "crash");
        if (Files.isDirectory(crash)) {
            try (Stream<Path> old = Files.list(crash)) {
                for (Path f : old.collect(Collectors.toList())) Files.delete(f);
            }
        }
        Gogo.run(ctx, "bpf:sysctl -w kernel.destructive_bpf_enabled=1");
        Awaits.until("the destructive kfuncs", () -> bpf().progList() != null && Gogo.runQuietly(ctx, "bpf:kfuncs").contains("bpf_panic"));
        Bundle victim = bundle("org.osgi.util.function");

        // 1. the sysctl back at 0 disarms the loaded program: its bpf_panic does nothing, with a dmesg line
        ProgInfo armed = loadPanic();
        Gogo.run(ctx, "bpf:sysctl -w kernel.destructive_bpf_enabled=0");
        stopAndStart(victim, 4);
        assertEquals(MachineState.RUNNING, machine().state());
        assertTrue(dmesg(), dmesg().contains("bpf_panic disarmed by kernel.destructive_bpf_enabled=0"));
        BpfException rail4 = assertThrows(BpfException.class, this::loadPanic);
        assertEquals(Errno.EPERM, rail4.errno());
        bpf().progUnload(armed.id());
        Gogo.run(ctx, "bpf:sysctl -w kernel.destructive_bpf_enabled=1");

        // 2. uninstalling the provider unloads its callers; loading again fails; reinstalling brings it back
        ProgInfo caller = loadPanic();
        Bundle destructive = bundle(KbpfOptions.HELPERS_DESTRUCTIVE);
        String location = destructive.getLocation();
        destructive.uninstall();
        Awaits.until("the caller unloaded", () -> bpf().progList().stream().noneMatch(p -> p.id() == caller.id()));
        assertTrue(dmesg(), dmesg().contains("prog " + caller.id() + " (panic_on_stops) detached and unloaded: kfunc bpf_panic is gone"));
        assertEquals(Errno.ENOENT, assertThrows(BpfException.class, this::loadPanic).errno());
        ctx.installBundle(location).start();
        Awaits.until("the destructive kfuncs back", () -> Gogo.runQuietly(ctx, "bpf:kfuncs").contains("bpf_panic"));

        // 3. the panic: console and dmesg, a crash dump that parses, then a reboot at once (kernel.panic=-1)
        Gogo.run(ctx, "bpf:sysctl -w kernel.panic=-1");
        UUID bootBefore = machine().bootId();
        loadPanic();
        stopAndStart(victim, 4);
        Awaits.until("a new boot after the panic", () -> machine() != null && !bootBefore.equals(machine().bootId())
                && machine().state() == MachineState.RUNNING);
        assertTrue("a reboot leaves no program loaded", bpf().progList().isEmpty());
        List<Path> dumps;
        try (Stream<Path> s = Files.list(Path.of(HOME, "crash"))) {
            dumps = s.filter(f -> f.getFileName().toString().endsWith(".json")).collect(Collectors.toList());
        }
        assertEquals(dumps.toString(), 1, dumps.size());
        JsonNode dump = new ObjectMapper().readTree(dumps.get(0).toFile());
        assertEquals("too many bundles stopped", dump.path("message").asText());
        assertEquals(bootBefore.toString(), dump.path("bootId").asText());
        String list = Gogo.run(ctx, "bpf:crash list");
        assertTrue(list, list.contains("too many bundles stopped"));
    }
}
