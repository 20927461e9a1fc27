package dev.kbpf.api;

/**
 * A failed bpf(2) operation: the Linux errno, a message in words a BPF user recognises and,
 * for a program load, the verifier log.
 */
public class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;
    private final String log;

    public BpfException(Errno errno, String message) {
        this(errno, message, "");
    }

    public BpfException(Errno errno, String message, String log) {
        super(message);
        this.errno = errno;
        this.log = log == null ? "" : log;
    }

    public Errno errno() { return errno; }

    /** The verifier log of a rejected load, empty otherwise. */
    public String log() { return log; }

    @Override
    public String getMessage() { return super.getMessage() + " (" + errno + ")"; }

    /** The message without the errno suffix. */
    public String reason() { return super.getMessage(); }
}
