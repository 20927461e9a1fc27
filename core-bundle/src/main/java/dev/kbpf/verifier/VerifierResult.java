package dev.kbpf.verifier;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;

import java.util.Objects;

/** The verdict on a program: accepted with what was learned, or rejected with the Linux errno. */
public sealed interface VerifierResult {

    /** The verifier log as requested by the log level (empty at level 0, except for a rejection's message). */
    String log();

    /** The program is safe to run. */
    record Accepted(ProgramFacts facts, VerifierStats stats, String log) implements VerifierResult {
        public Accepted {
            Objects.requireNonNull(facts, "facts");
            Objects.requireNonNull(stats, "stats");
        }
    }

    /**
     * The program was refused.
     *
     * @param errno   the Linux errno of {@code BPF_PROG_LOAD}
     * @param message the main message (the log line that explains the rejection)
     * @param log     the whole log
     */
    record Rejected(Errno errno, String message, String log) implements VerifierResult {
        public Rejected {
            Objects.requireNonNull(errno, "errno");
            Objects.requireNonNull(message, "message");
        }

        /** The rejection as bpf(2) reports it. */
        public BpfException toException() { return new BpfException(errno, message, log); }
    }
}
