package dev.kbpf.shell;

import dev.kbpf.api.BpfException;
import java.util.function.Supplier;

/** What every command does around its body: a failed bpf(2) operation becomes a {@link CommandException}. */
final class Commands {
    private Commands() {}

    /** The property value of {@code osgi.command.scope} for every kbpf command. */
    static final String SCOPE = "bpf";

    static String run(Supplier<String> body) {
        try {
            return body.get();
        } catch (BpfException e) {
            throw CommandException.of(e);
        }
    }

    /** A service that is optional and dynamic: a clear message when it is absent. */
    static <T> T require(T service, String what) {
        if (service == null) throw new CommandException(what + " is not present");
        return service;
    }
}
