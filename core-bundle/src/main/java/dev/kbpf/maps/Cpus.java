package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a "CPU" is inside a JVM, for per-CPU maps, perf event arrays and
 * {@code bpf_get_smp_processor_id}.
 *
 * <p>kbpf has {@link #count()} CPUs, {@code nr_cpus}: {@code Runtime.availableProcessors()} when
 * this class is initialised (or the system property {@code kbpf.nr_cpus}), fixed for the life of
 * the JVM because per-CPU maps size their storage by it. Every thread gets a CPU number the first
 * time it asks, round-robin over {@code 0 .. count()-1}, and keeps it: a thread never migrates.
 *
 * <p>Unlike Linux, where a program runs with preemption disabled and so owns its CPU's per-CPU
 * values while it runs, several JVM threads can share one CPU number when there are more threads
 * than CPUs. Per-CPU values are then shared by those threads: a program that must not lose
 * updates should use atomic instructions on them, as it would on a shared map.
 */
public final class Cpus {
    private Cpus() {}

    private static final int COUNT = initialCount();
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final ThreadLocal<Integer> CURRENT =
            ThreadLocal.withInitial(() -> Math.floorMod(NEXT.getAndIncrement(), COUNT));

    private static int initialCount() {
        String configured = System.getProperty("kbpf.nr_cpus");
        if (configured != null) {
            try {
                int n = Integer.parseInt(configured.trim());
                if (n > 0) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the number of processors
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** {@code nr_cpus}: how many CPUs per-CPU maps have. */
    public static int count() { return COUNT; }

    /** The CPU of the calling thread: what {@code bpf_get_smp_processor_id} returns. */
    public static int current() { return CURRENT.get(); }

    /**
     * Moves the calling thread to {@code cpu}, as {@code BPF_PROG_TEST_RUN} with
     * {@code BPF_F_TEST_RUN_ON_CPU} does.
     *
     * @throws BpfException {@code EINVAL} when {@code cpu} is not a CPU
     */
    public static void pin(int cpu) {
        if (cpu < 0 || cpu >= COUNT) {
            throw new BpfException(Errno.EINVAL, "cpu " + cpu + " out of range: nr_cpus is " + COUNT);
        }
        CURRENT.set(cpu);
    }
}
