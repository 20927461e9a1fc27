package dev.kbpf.osgi;

import dev.kbpf.machine.FrameworkControl;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

/**
 * The machine's power switch is the OSGi framework: halt stops it (and, in the distribution,
 * ends the process with status 0), reboot updates the system bundle, which restarts the framework
 * in the same process — every bundle stops and starts again, so programs, maps and links are gone
 * while ConfigAdmin's configuration (sysctls) and files (crash dumps) stay.
 *
 * <p>Both act on a thread of their own: the caller is usually a BPF program inside a component
 * that the stop is about to deactivate.
 */
final class OsgiFrameworkControl implements FrameworkControl {
    /** Framework property: {@code true} to end the JVM with status 0 once a halt has stopped the framework. */
    static final String EXIT_ON_HALT = "kbpf.machine.exitOnHalt";
    private static final Logger LOG = Logger.getLogger(OsgiFrameworkControl.class.getName());

    private final Bundle system;
    private final boolean exitOnHalt;

    OsgiFrameworkControl(BundleContext context) {
        this.system = context.getBundle(0);
        this.exitOnHalt = Boolean.parseBoolean(context.getProperty(EXIT_ON_HALT));
    }

    @Override
    public void halt() {
        Thread t = new Thread(() -> {
            try {
                system.stop();
                if (system instanceof Framework f) f.waitForStop(30_000);
            } catch (BundleException | InterruptedException e) {
                LOG.severe("halt: cannot stop the framework: " + e);
            }
            if (exitOnHalt) System.exit(0);
        }, "kbpf-halt");
        t.start();
    }

    @Override
    public void reboot() {
        Thread t = new Thread(() -> {
            try {
                system.update();
            } catch (BundleException e) {
                LOG.severe("reboot: cannot restart the framework: " + e);
            }
        }, "kbpf-reboot");
        t.start();
    }
}
