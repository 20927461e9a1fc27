package dev.kbpf.itest;

import static org.junit.Assert.*;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import dev.kbpf.spi.KfuncRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
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
 * The distribution's deploy folder, timed: FileInstall watches {@code etc/} with the
 * distribution's own settings (those of {@code kbpf.bndrun}), finds there the distribution's
 * {@code org.apache.felix.fileinstall-deploy.cfg}, and so watches {@code deploy/} as
 * {@code bin/kbpf} does. A kfunc bundle dropped into {@code deploy/} must provide its kfunc
 * within 2 seconds of the copy, and take it along within 2 seconds of the removal (issue 9).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeployFolderIT {
    private static final String ADD = "kbpf_test_add";
    private static final long TWO_SECONDS = 2_000;

    @Inject
    private BundleContext ctx;

    @Inject
    private ConfigurationAdmin configAdmin;

    private static Path home() {
        return Paths.get(System.getProperty("kbpf.paxexam.dir", "target/paxexam")).toAbsolutePath().resolveSibling("deploy-folder-home");
    }

    @Configuration
    public Option[] config() throws IOException {
        Path home = home();
        if (Files.exists(home)) {
            try (Stream<Path> all = Files.walk(home)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Path repo = Paths.get(System.getProperty("kbpf.repo.dir", ".."));
        Files.createDirectories(home.resolve("etc"));
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(repo.resolve("distribution/src/main/dist/etc/org.apache.felix.fileinstall-deploy.cfg"),
                home.resolve("etc/org.apache.felix.fileinstall-deploy.cfg"));
        return KbpfOptions.framework(
                mavenBundle("org.apache.felix", "org.apache.felix.fileinstall").versionAsInProject(),
                frameworkProperty("kbpf.home").value(home.toString()),
                // as distribution/kbpf.bndrun sets them for the etc/ watcher
                frameworkProperty("felix.fileinstall.dir").value(home.resolve("etc").toString()),
                frameworkProperty("felix.fileinstall.poll").value("1000"),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                frameworkProperty("felix.fileinstall.log.level").value("1"),
                frameworkProperty("felix.fileinstall.enableConfigSave").value("false"));
    }

    private KfuncRegistry registry() {
        var ref = ctx.getServiceReference(KfuncRegistry.class);
        return ref == null ? null : ctx.getService(ref);
    }

    private boolean provided() {
        KfuncRegistry r = registry();
        return r != null && r.byName(ADD).isPresent();
    }

    @Test
    public void aBundleDroppedIntoDeployProvidesItsKfuncsWithinTwoSecondsAndTakesThemAlongWhenRemoved() throws Exception {
        Path deploy = home().resolve("deploy");
        // the second watcher exists once FileInstall has turned etc/'s file into a configuration
        Awaits.until("the deploy/ watcher configured from etc/", () -> {
            try {
                var configs = configAdmin.listConfigurations("(service.factoryPid=org.apache.felix.fileinstall)");
                return configs != null && configs.length > 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1_500);   // let the new watcher make its first (empty) scan
        assertFalse("nothing provides " + ADD + " yet", provided());

        Path jar = Paths.get(System.getProperty("kbpf.bundles.dir", "target/bundles"), "test-kfunc-bundle.jar");
        Path dropped = deploy.resolve("test-kfunc-bundle.jar");
        Path partial = home().resolve("test-kfunc-bundle.jar.part");
        Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING);   // copied beside, then moved in: the watcher never sees half a jar
        long copied = System.nanoTime();
        Files.move(partial, dropped, StandardCopyOption.ATOMIC_MOVE);
        long installed = waitFor(true, copied);
        System.out.printf("deploy/: %s provided %d ms after the drop%n", ADD, installed);
        assertTrue(ADD + " provided " + installed + " ms after the drop; at most 2 s", installed <= TWO_SECONDS);

        long removedAt = System.nanoTime();
        Files.delete(dropped);
        long removed = waitFor(false, removedAt);
        System.out.printf("deploy/: %s gone %d ms after the removal%n", ADD, removed);
        assertTrue(ADD + " gone " + removed + " ms after the removal; at most 2 s", removed <= TWO_SECONDS);
    }

    /** Milliseconds from {@code since} until the kfunc is (or is no longer) provided; fails after 10 s. */
    private long waitFor(boolean present, long since) throws InterruptedException {
        long deadline = since + 10_000_000_000L;
        while (provided() != present) {
            if (System.nanoTime() > deadline) fail(ADD + (present ? " never appeared" : " never went away") + " within 10 s");
            Thread.sleep(10);
        }
        return (System.nanoTime() - since) / 1_000_000;
    }

}
