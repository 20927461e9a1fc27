package dev.kbpf.machine;

import java.io.PrintStream;
import java.util.Objects;

/** The system console: where urgent kernel messages and panics are printed, one line at a time. */
@FunctionalInterface
public interface Console {

    void println(String line);

    /** The process's standard output: what a person running {@code bin/kbpf} sees. */
    static Console stdout() { return of(System.out); }

    static Console of(PrintStream out) {
        Objects.requireNonNull(out, "out");
        return line -> {
            out.println(line);
            out.flush();
        };
    }
}
