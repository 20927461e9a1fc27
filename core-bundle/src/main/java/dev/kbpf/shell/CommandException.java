package dev.kbpf.shell;

import dev.kbpf.api.BpfException;

/**
 * A shell command failed: the message the user reads. For a failed bpf(2) operation it names the
 * errno (symbol and number) and carries the verifier log, so that {@code bin/kbpf -c}, which
 * prints the message of the exception and exits 1, shows everything a rejected load said.
 */
public class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean json;

    public CommandException(String message) { this(message, null, false); }

    public CommandException(String message, Throwable cause) { this(message, cause, false); }

    private CommandException(String message, Throwable cause, boolean json) {
        super(message, cause);
        this.json = json;
    }

    /** A failure of a command run with {@code --json}: the message is bpftool's {@code {"error": "..."}} object. */
    static CommandException json(String errorObject, Throwable cause) { return new CommandException(errorObject, cause, true); }

    /** Whether the message is a JSON error object (print it as it is, where the JSON output would have gone). */
    public boolean json() { return json; }

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
