package dev.kbpf.helpers.tracing;

import java.util.function.LongSupplier;

/**
 * The kernel's clocks as a JVM can read them: {@code bpf_ktime_get_ns},
 * {@code bpf_ktime_get_boot_ns} and {@code bpf_jiffies64}.
 *
 * <p>The source is {@link System#nanoTime()}, which HotSpot on Linux reads from
 * {@code CLOCK_MONOTONIC}: the very clock of Linux's {@code bpf_ktime_get_ns}, so values match the
 * host kernel's (nanoseconds since the host booted, not counting suspend). {@code CLOCK_BOOTTIME}
 * also counts time suspended, which Java cannot see: {@code bpf_ktime_get_boot_ns} answers the
 * same value, which is exact unless the host has been suspended. On other systems the values are
 * monotonic from an arbitrary origin, as {@code System.nanoTime} is.
 *
 * <p>{@code jiffies64} is derived from the monotonic clock for a kernel with
 * {@code CONFIG_HZ=}{@value #HZ} (Debian's and Ubuntu's), starting, as Linux, at
 * {@code INITIAL_JIFFIES} so that the 32-bit {@code jiffies} wraps five minutes after boot.
 */
final class KernelClock {
    /** Ticks per second of the modelled kernel. */
    static final int HZ = 250;
    /** Linux's {@code INITIAL_JIFFIES} on 64-bit: {@code (unsigned long)(unsigned int)(-300 * HZ)}. */
    static final long INITIAL_JIFFIES = Integer.toUnsignedLong(-300 * HZ);
    private static final long NANOS_PER_JIFFY = 1_000_000_000L / HZ;

    private final LongSupplier monotonic;

    /** The system's clock. */
    static final KernelClock SYSTEM = new KernelClock(System::nanoTime);

    KernelClock(LongSupplier monotonicNanos) {
        this.monotonic = monotonicNanos;
    }

    /** {@code bpf_ktime_get_ns}: {@code CLOCK_MONOTONIC} in nanoseconds. */
    long ktimeGetNs() { return monotonic.getAsLong(); }

    /** {@code bpf_ktime_get_boot_ns}: {@code CLOCK_BOOTTIME}, here equal to the monotonic clock. */
    long ktimeGetBootNs() { return monotonic.getAsLong(); }

    /** {@code bpf_jiffies64}: ticks of {@value #HZ} Hz since boot, from {@link #INITIAL_JIFFIES}. */
    long jiffies64() { return INITIAL_JIFFIES + Long.divideUnsigned(monotonic.getAsLong(), NANOS_PER_JIFFY); }
}
