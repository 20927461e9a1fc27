package dev.kbpf.verifier;

import dev.kbpf.api.Errno;
import dev.kbpf.verifier.log.VerifierLog;

/**
 * The BPF verifier: proves a program safe the way Linux's {@code kernel/bpf/verifier.c} does — a
 * path-sensitive abstract interpretation of every path ({@code do_check}) over register and stack
 * states, with pruning of states already proven safe — and explains itself in the kernel's log
 * format.
 *
 * <p>{@link #verify} never throws: every input, however malformed, gives an
 * {@link VerifierResult.Accepted} or a {@link VerifierResult.Rejected} with the Linux errno.
 */
public final class Verifier {
    private Verifier() {}

    /** Verifies one program. */
    public static VerifierResult verify(VerifierInput in) {
        long start = System.nanoTime();
        VerifierLog log = new VerifierLog(in == null ? 0 : in.logLevel());
        Checker checker = null;
        try {
            if (in == null) return reject(log, null, Errno.EINVAL, "no program to verify");
            checker = new Checker(in, log);
            return checker.run(start);
        } catch (Reject r) {
            return reject(log, checker, r.errno, r.getMessage());
        } catch (StackOverflowError | OutOfMemoryError e) {
            return reject(log, checker, Errno.ENOMEM, "verifier ran out of memory: " + e);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            return reject(log, checker, Errno.EINVAL, "internal verifier error: " + e);
        }
    }

    private static VerifierResult.Rejected reject(VerifierLog log, Checker checker, Errno errno, String message) {
        String msg = message == null ? "rejected" : message;
        for (String line : msg.split("\n")) log.line(line);
        String main = msg.contains("\n") ? msg.substring(0, msg.indexOf('\n')) : msg;
        // as Linux, the statistics line ends the log of a rejected program too
        if (log.enabled() && checker != null && checker.processed > 0) log.line(checker.statsNow().summaryLine());
        return new VerifierResult.Rejected(errno, main, log.toString());
    }
}
