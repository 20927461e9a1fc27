package dev.kbpf.api;

/**
 * The answer of {@code BPF_PROG_TEST_RUN}: r0 of the last run, the mean duration of one run over
 * {@code repeat} runs, and the context as the program left it.
 */
public record TestRunResult(long retval, long durationNanos, int repeat, byte[] ctxOut) {}
