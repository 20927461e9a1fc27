package dev.kbpf.osgi;

import dev.kbpf.machine.FrameworkControl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * The machine's power switch is the OSGi framework: halt stops it (and, in the distribution,
 * ends the process with status 0), reboot restarts the framework's bundles in the same process —
 * every bundle stops and starts again, so programs, maps and links are gone while ConfigAdmin's
 * configuration (sysctls) and files (crash dumps) stay.
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

    /**
     * Restarts every bundle but the console's (see {@link #isConsole}) in start-level order, in
     * this process, as a framework restart would.
     * (Updating the system bundle would make the launcher end the JVM with status 122 instead.)
     * The bundles stop in reverse start order, so SCR deactivates every component, the runtime
     * with its programs, maps and links among them; they start again in start order, which makes a
     * new machine with a new boot id. The system bundle's context is used: this bundle's own
     * context becomes invalid as soon as it stops.
     */
    @Override
    public void reboot() {
        BundleContext systemContext = system.getBundleContext();
        System.setProperty(REBOOTING, "true");
        Thread t = new Thread(() -> {
            List<Bundle> started = new ArrayList<>();
            for (Bundle b : systemContext.getBundles()) {
                if (b.getBundleId() != 0 && !isConsole(b) && (b.getState() == Bundle.ACTIVE || b.getState() == Bundle.STARTING)) started.add(b);
            }
            Comparator<Bundle> startOrder = Comparator.<Bundle>comparingInt(b -> b.adapt(BundleStartLevel.class).getStartLevel())
                    .thenComparingLong(Bundle::getBundleId);
            started.sort(startOrder.reversed());
            for (Bundle b : started) {
                try {
                    b.stop(Bundle.STOP_TRANSIENT);
                } catch (BundleException | IllegalStateException e) {
                    LOG.warning("reboot: cannot stop " + b.getSymbolicName() + ": " + e);
                }
            }
            started.sort(startOrder);
            for (Bundle b : started) {
                try {
                    if (b.getState() != Bundle.UNINSTALLED) b.start(Bundle.START_TRANSIENT);
                } catch (BundleException | IllegalStateException e) {
                    LOG.warning("reboot: cannot start " + b.getSymbolicName() + ": " + e);
                }
            }
            System.clearProperty(REBOOTING);
        }, "kbpf-reboot");
        t.start();
    }

    /**
     * The shell is the machine's console, not the machine: like a serial console it stays
     * connected through a reboot (Gogo's runtime cannot restart in one process either — it
     * keeps System.out replaced).
     */
    private static boolean isConsole(Bundle b) {
        String bsn = String.valueOf(b.getSymbolicName());
        return bsn.startsWith("org.apache.felix.gogo.") || bsn.equals("org.jline");
    }
}
