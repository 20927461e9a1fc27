package dev.kbpf.spi;

/** What the machine (the OSGi framework that kbpf runs in) is doing. */
public enum MachineState {
    /** Programs run; destructive calls act. */
    RUNNING,
    /** A panic happened; what follows depends on {@code kernel.panic} (a reboot may be pending). */
    PANICKED,
    /** Stopped for good: the framework stops and the process exits 0. */
    HALTED,
    /** The framework is restarting in the same process: a new boot follows. */
    REBOOTING
}
