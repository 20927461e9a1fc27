package dev.kbpf.machine;

/**
 * The machine's power switch: what halting and rebooting do to the framework. The OSGi layer
 * implements it on the system bundle; {@link RecordingFrameworkControl} records the calls
 * instead, for tests running inside the framework they would otherwise stop.
 */
public interface FrameworkControl {
    /**
     * System property, JVM-wide, set while a reboot restarts the bundles: what was running then (a
     * shell script) was interrupted by the reboot, not failed.
     */
    String REBOOTING = "kbpf.machine.rebooting";


    /** Stops the framework for good; the kbpf process then exits 0. May return before it is stopped. */
    void halt();

    /** Restarts the framework in the same process. May return before the restart. */
    void reboot();
}
