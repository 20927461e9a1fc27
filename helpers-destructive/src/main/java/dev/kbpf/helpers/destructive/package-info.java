/**
 * The destructive kfuncs ({@code bpf_panic}, {@code crash_kexec}, {@code bpf_crash_dump},
 * {@code bpf_halt}, {@code bpf_reboot}) and the non-destructive {@code bpf_console_print}, as a
 * kfunc set acting on the {@link dev.kbpf.spi.Machine}; plain Java, wired to OSGi by
 * {@code dev.kbpf.helpers.destructive.osgi}. The guard rails that decide who may call them are
 * the verifier's (core); this package only says which kfuncs are destructive and for which
 * program types.
 */
package dev.kbpf.helpers.destructive;
