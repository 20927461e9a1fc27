/**
 * The machine: the system that destructive calls act on, which in kbpf is the OSGi framework.
 * Its state, boot id and uptime, the kernel log ({@code dmesg}) and the console, the panic
 * sequence, and the primitives halt and reboot behind {@link dev.kbpf.machine.FrameworkControl}.
 *
 * <p>Plain Java, no OSGi: a later layer implements {@code FrameworkControl} on the framework,
 * {@link dev.kbpf.machine.SystemSnapshot} on the runtime and the bundle list, and publishes
 * {@link dev.kbpf.machine.FrameworkMachine} as the {@link dev.kbpf.spi.Machine} service.
 */
package dev.kbpf.machine;
