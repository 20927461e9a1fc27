package dev.kbpf.verifier;

import dev.kbpf.api.Errno;

/**
 * Thrown inside the verifier to stop at the first violation, carrying the Linux errno and the log
 * line; {@link Verifier#verify} turns it into a {@link VerifierResult.Rejected}. Never escapes.
 */
final class Reject extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Errno errno;

    Reject(Errno errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }

    static Reject inval(String fmt, Object... args) { return new Reject(Errno.EINVAL, args.length == 0 ? fmt : String.format(fmt, args)); }

    static Reject acces(String fmt, Object... args) { return new Reject(Errno.EACCES, args.length == 0 ? fmt : String.format(fmt, args)); }
}
