/**
 * Sysctls: the named, typed kernel parameters of {@code /proc/sys} that govern BPF and the
 * machine ({@code kernel.destructive_bpf_enabled}, {@code kernel.panic}, {@code net.core.bpf_jit_enable}, ...).
 *
 * <p>Plain Java, no OSGi: a later layer keeps the values in ConfigAdmin through {@link dev.kbpf.sysctl.SysctlStore}
 * so that they survive a reboot of the framework.
 */
package dev.kbpf.sysctl;
