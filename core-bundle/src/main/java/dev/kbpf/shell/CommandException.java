package dev.kbpf.shell;

import dev.kbpf.api.BpfException;

/**
 * A shell command failed: the message the user reads. For a failed bpf(2) operation it names the
 * errno (symbol and number) and carries the verifier log, so that {@code bin/kbpf -c}, which
 * prints the message of the exception and exits 1, shows everything a rejected load said.
 */
public class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandException(String message) { super(message); }

    public CommandException(String message, Throwable cause) { super(message, cause); }

    /** {@code EACCES (errno 13): destructive kfunc calls require ...} followed by the verifier log, if any. */
    public static CommandException of(BpfException e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.errno()).append(" (errno ").append(e.errno().value()).append("): ").append(e.reason());
        if (!e.log().isBlank()) {
            sb.append("\nverifier log:\n").append(e.log().strip());
        }
        return new CommandException(sb.toString(), e);
    }
}
