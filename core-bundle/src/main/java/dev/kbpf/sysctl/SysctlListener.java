package dev.kbpf.sysctl;

/**
 * Told of every change of a sysctl value, after it took effect, on the thread that made it
 * (the writer's, or the scheduler's for an expiry). Changes made concurrently by different
 * threads may be reported concurrently: read {@link SysctlRegistry#get} for the current value.
 */
@FunctionalInterface
public interface SysctlListener {
    void changed(SysctlChange change);
}
