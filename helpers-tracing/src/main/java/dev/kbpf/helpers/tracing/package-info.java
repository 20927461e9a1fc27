/**
 * The stable tracing helpers, by their Linux UAPI ids ({@code enum bpf_func_id}), with the
 * kernel's prototypes, GPL restrictions and caller program types (see {@link dev.kbpf.helpers.tracing.TracingHelper}),
 * and their bodies over the SPI's {@link dev.kbpf.spi.CallContext} and
 * {@link dev.kbpf.spi.HelperServices}. Plain Java: the OSGi component that offers them lives in
 * {@code dev.kbpf.helpers.tracing.osgi}.
 *
 * <p>In a JVM the "current task" is the current thread: {@code bpf_get_current_pid_tgid} answers
 * {@code (process id << 32) | thread id}, {@code bpf_get_current_comm} the thread's name cut to
 * 15 bytes and a NUL, {@code bpf_get_current_uid_gid} the JVM process's user and group. There is
 * one address space: the program's BPF addresses. The {@code probe_read} family reads any of them
 * and, as Linux, answers {@code -EFAULT} with a zeroed destination when the source is not
 * readable; "user" and "kernel" variants read the same memory.
 */
package dev.kbpf.helpers.tracing;
