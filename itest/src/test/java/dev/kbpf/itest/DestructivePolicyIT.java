package dev.kbpf.itest;

import static org.junit.Assert.*;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.BpfException;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.ObjLoadAttr;
import java.io.File;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Optional;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The destructive policy through ConfigAdmin (PID dev.kbpf.core): with {@code full}, a program
 * calling bpf_panic needs the BPF_F_DESTRUCTIVE flag and the sysctl; switched to {@code linux-6.1}
 * it loads with CAP_SYS_BOOT alone, as Linux 6.1 does.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DestructivePolicyIT {

    @Inject
    private BundleContext ctx;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return KbpfOptions.framework(
                frameworkProperty("kbpf.machine.mode").value("record"),
                frameworkProperty("kbpf.home").value(new File("target/policy-home").getAbsolutePath()));
    }

    private Bpf bpf() {
        var ref = ctx.getServiceReference(Bpf.class);
        return ref == null ? null : ctx.getService(ref);
    }

    /** panic.o without the BPF_F_DESTRUCTIVE flag, by root (CAP_SYS_BOOT held). */
    private LoadedObject loadWithoutFlag() {
        Path panic = Path.of(System.getProperty("kbpf.repo.dir", ".."), "examples", "panic.o").toAbsolutePath().normalize();
        return bpf().objLoad(new ObjLoadAttr(panic, Optional.empty(), Optional.empty(), 0, 0, Credentials.root()));
    }

    @Test
    public void linux61PolicyDropsTheFlagAndSysctlRails() throws Exception {
        Awaits.until("the destructive kfuncs", () -> Gogo.runQuietly(ctx, "bpf:kfuncs").contains("bpf_panic"));
        BpfException full = assertThrows(BpfException.class, this::loadWithoutFlag);
        assertEquals(Errno.EPERM, full.errno());
        assertTrue(full.getMessage(), full.getMessage().contains("destructive kfunc calls require BPF_F_DESTRUCTIVE flag"));

        org.osgi.service.cm.Configuration core = configAdmin.getConfiguration("dev.kbpf.core", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("destructive.policy", "linux-6.1");
        props.put("machine.mode", "record");
        core.update(props);
        Awaits.until("the linux-6.1 policy in force", () -> {
            try {
                loadWithoutFlag().programs().forEach(p -> bpf().progUnload(p.id()));
                return true;
            } catch (BpfException stillFull) {
                return false;
            }
        });
        core.delete();
    }
}
