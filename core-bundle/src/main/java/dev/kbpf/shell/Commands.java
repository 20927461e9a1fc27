package dev.kbpf.shell;

import dev.kbpf.api.BpfException;
import dev.kbpf.shell.format.Json;
import java.util.Map;
import java.util.function.Supplier;

/** What every command does around its body: a failed bpf(2) operation becomes a {@link CommandException}. */
final class Commands {
    private Commands() {}

    /** The property value of {@code osgi.command.scope} for every kbpf command. */
    static final String SCOPE = "bpf";

    /**
     * Runs a command's body. The text it returns loses its last line break: gosh and the batch
     * runner print a result with {@code println}, so a command's text must not end in one itself.
     */
    static String run(Supplier<String> body) {
        try {
            return withoutFinalNewline(body.get());
        } catch (BpfException e) {
            throw CommandException.of(e);
        }
    }

    /**
     * As {@link #run(Supplier)}; with {@code --json}, a failure too is JSON, as bpftool prints it:
     * {@code {"error":"ENOENT (errno 2): no program with id 7"}} (the batch runner prints it on
     * standard output, where a script reading JSON looks).
     */
    static String run(boolean json, Supplier<String> body) {
        try {
            return run(body);
        } catch (CommandException e) {
            if (!json || e.json()) throw e;
            throw CommandException.json(Json.write(Map.of("error", e.getMessage())), e);
        }
    }

    static String withoutFinalNewline(String text) {
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** A service that is optional and dynamic: a clear message when it is absent. */
    static <T> T require(T service, String what) {
        if (service == null) throw new CommandException(what + " is not present");
        return service;
    }
}
