package dev.kbpf.helpers.tracing;

import dev.kbpf.api.Errno;

/**
 * A format string that {@code bpf_trace_printk} or {@code bpf_snprintf} refuses, with the errno
 * Linux's {@code bpf_bprintf_prepare} answers: {@code EINVAL} for a bad conversion or too many of
 * them, {@code ENOSPC} when the arguments overflow the 512-byte argument buffer. The helpers turn
 * it into {@code -errno} for the program; the message says what was wrong, for tests and logs.
 */
public final class FormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    public FormatException(Errno errno, String message) {
        super(message);
        this.errno = errno;
    }

    public Errno errno() { return errno; }
}
