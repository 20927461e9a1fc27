package dev.kbpf.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The system that destructive calls act on: the OSGi framework kbpf runs in, with a boot id,
 * an uptime, a kernel log and a console. Destructive kfuncs reach it; so do the shell commands.
 *
 * <p>Every destructive operation acts only while the machine is {@link MachineState#RUNNING}
 * (halt and reboot also while {@link MachineState#PANICKED}); otherwise it does nothing, as a
 * second CPU entering Linux's panic stops instead of panicking again. The operations return to
 * their caller: a program calling them should stop once the state is no longer RUNNING.
 */
public interface Machine {

    MachineState state();

    /** A random id, new at every boot of the framework. */
    UUID bootId();

    /** Time since this boot, from a monotonic clock. */
    long uptimeNanos();

    /** The message of the panic of this boot, if one happened. */
    Optional<String> panicMessage();

    /**
     * {@code Kernel panic - not syncing: MESSAGE} on the console and in the kernel log, the
     * caller's frame, a crash dump, then what {@code kernel.panic} says: 0 halt and stay
     * halted, N &gt; 0 reboot after N seconds, N &lt; 0 reboot at once.
     */
    void panic(String message, PanicContext caller);

    /** Takes a crash dump and carries on; empty if no dump could be written (the kernel log says why). */
    Optional<Path> crashDump(CrashReason reason, String message, PanicContext caller);

    /** As Linux's {@code crash_kexec}: a crash dump, then a reboot. */
    void crashKexec(PanicContext caller);

    /** Stops the framework for good (the kbpf process exits 0). */
    void halt();

    /** Restarts the framework in the same process: a new boot id, uptime from zero. */
    void reboot();

    /** Prints a message on the console, whatever the console log level, and logs it. */
    void consolePrint(String message);

    /** Logs a message (split into lines) in the kernel log; the console shows it if urgent enough. */
    void printk(LogLevel level, String message);

    /** The kernel log of this boot, oldest line first (as far as the ring buffer still holds it). */
    List<KmsgRecord> dmesg();
}
