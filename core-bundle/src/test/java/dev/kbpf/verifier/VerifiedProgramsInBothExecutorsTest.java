package dev.kbpf.verifier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kbpf.api.ProgType;
import dev.kbpf.exec.Executor;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.Disassembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.jit.Jit;
import dev.kbpf.jit.JitExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The differential property test: over 100,000 distinct random programs that the verifier
 * accepts ({@link ProgramGen}: context loads, stack, map lookups with and without null checks,
 * direct map values, bounded indexes, atomics, ring buffer records, branches, bounded loops,
 * counted loops the JIT versions, bpf-to-bpf calls and {@code bpf_loop} callbacks) run in the
 * interpreter and in the JIT — each given the program as the runtime gives it, with the verifier's
 * access hints — on the same inputs ({@link RunnableEnv}). Both must end alike (r0 or the same
 * fault, after the same number of instructions) and leave the same context, map values, map keys,
 * ring buffer records and helper calls.
 *
 * <p>Each program runs on {@value #INPUTS} inputs with a budget it never spends — one of them with
 * a context shorter than the program may read, so that loads past its end fault — then once more
 * with a budget that stops it part way (drawn below what the interpreter executed): both
 * executors must stop at the same instruction having done the same things. Every
 * {@value #UNHINTED_EVERY}th program is also compiled without hints, so the JIT's checked
 * accesses are compared as well.
 *
 * <p>Most programs come from the careful generator, whose programs the verifier nearly always
 * accepts; one in ten from the risk-seeking one, for shapes the careful one never makes. Program
 * {@code i} is drawn from its own seed, so the programs do not depend on how the two worker
 * threads share them out, and a failure names the seed that rebuilds it.
 */
class VerifiedProgramsInBothExecutorsTest {
    private static final long SEED = 0x76657269L;
    private static final int PROGRAMS = 112_000;
    private static final int REQUIRED = 100_000;
    /** Runs of each program with a full budget, each on inputs of its own. */
    private static final int INPUTS = 2;
    /** The input whose context is shorter than a tracepoint record may be (reads past its end fault). */
    private static final int SHORT_CONTEXT_INPUT = 1;
    /** Every this many programs, the JIT also compiles the program without hints (every access checked). */
    private static final int UNHINTED_EVERY = 8;

    /** The seed of program {@code i}. */
    static long seedOf(int i) { return SEED * 0x9E3779B97F4A7C15L + i; }

    /** Program {@code i}: careful but for every tenth. */
    static List<Insn> program(int i) { return new ProgramGen(new Random(seedOf(i)), i % 10 != 0).program(); }

    /** What the workers count. */
    private static final class Tally {
        final LongAdder accepted = new LongAdder(), runs = new LongAdder(), stoppedByBudget = new LongAdder(), withCalls = new LongAdder(),
                withCallbacks = new LongAdder(), versioned = new LongAdder(), callingHelpers = new LongAdder(), unhinted = new LongAdder(),
                faulted = new LongAdder();
    }

    @Test
    void theJitAgreesWithTheInterpreterOnAcceptedPrograms() throws Exception {
        TestEnv env = new TestEnv();
        AtomicInteger next = new AtomicInteger();
        Tally tally = new Tally();
        Map<Integer, String> failures = new ConcurrentSkipListMap<>();
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    Executor interpretedTarget = RunnableEnv.tailTarget(Interpreter.FACTORY);
                    Executor jitedTarget = RunnableEnv.tailTarget(Jit::compileStrict);
                    for (int i = next.getAndIncrement(); i < PROGRAMS && failures.size() < 5; i = next.getAndIncrement()) {
                        List<Insn> prog = program(i);
                        if (!(Verifier.verify(VerifierInput.of(prog, ProgType.TRACEPOINT, env)) instanceof VerifierResult.Accepted a)) continue;
                        String difference;
                        try {
                            difference = compare(i, prog, a.facts(), env, interpretedTarget, jitedTarget, tally);
                        } catch (Exception | AssertionError e) {
                            difference = e.toString();
                        }
                        if (difference != null) failures.put(i, "program " + i + " (seed " + seedOf(i) + ")" + difference + "\n" + new Disassembler().listing(prog));
                        tally.accepted.increment();
                        if (prog.stream().anyMatch(x -> x.opcode() == 0x85 && x.src() == 1)) tally.withCalls.increment();
                        if (prog.stream().anyMatch(x -> x.opcode() == 0x85 && x.src() == 0 && x.imm() == 181)) tally.withCallbacks.increment();
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) w.get();
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (!failures.isEmpty()) fail(failures.size() + " program(s) differ; the first:\n" + failures.values().iterator().next());
        System.out.printf("interpreter vs JIT: %d verifier-accepted programs of %d agree on %d runs, %d of them stopped by the budget part way,"
                        + " %d faulting on a short context"
                        + " (%d with local calls, %d with bpf_loop callbacks, %d with versioned loops; %d runs calling helpers;"
                        + " %d also compiled without hints); %d thread(s), %.1f s%n",
                tally.accepted.sum(), PROGRAMS, tally.runs.sum(), tally.stoppedByBudget.sum(), tally.faulted.sum(), tally.withCalls.sum(), tally.withCallbacks.sum(),
                tally.versioned.sum(), tally.callingHelpers.sum(), tally.unhinted.sum(), threads, (System.nanoTime() - start) / 1e9);
        long n = tally.accepted.sum();
        assertTrue(n >= REQUIRED, "only " + n + " accepted programs compared, " + REQUIRED + " required");
        assertTrue(tally.withCalls.sum() >= n / 5 && tally.withCallbacks.sum() >= n / 5 && tally.versioned.sum() >= n / 10,
                "too few programs with local calls (" + tally.withCalls.sum() + "), bpf_loop callbacks (" + tally.withCallbacks.sum()
                        + ") or loops the JIT versions (" + tally.versioned.sum() + ")");
    }

    /** Runs accepted program {@code i} in both executors on every input; null if they agree, else where they differ. */
    private static String compare(int i, List<Insn> prog, ProgramFacts facts, TestEnv env, Executor interpretedTarget, Executor jitedTarget,
                                  Tally tally) throws Exception {
        dev.kbpf.exec.ExecutableProgram exe = RunnableEnv.executable(prog, facts, env);
        Executor interpreted = Interpreter.FACTORY.create(exe);
        JitExecutor jited = Jit.compileStrict(exe);
        if (jited.versionedLoops() > 0) tally.versioned.increment();
        long executed = 0;
        for (int k = 0; k < INPUTS; k++) {
            long inputs = seedOf(i) * 31 + k;
            boolean shortContext = k == SHORT_CONTEXT_INPUT;
            RunnableEnv.Outcome expected = RunnableEnv.run(interpreted, interpretedTarget, env, ProgType.TRACEPOINT, inputs, RunnableEnv.FULL_BUDGET,
                    shortContext);
            String difference = expected.difference(RunnableEnv.run(jited, jitedTarget, env, ProgType.TRACEPOINT, inputs, RunnableEnv.FULL_BUDGET,
                    shortContext));
            if (difference != null) return ", input " + k + (shortContext ? " (short context)" : "") + ": the interpreter and the JIT differ in " + difference;
            if (expected.end().startsWith("fault")) tally.faulted.increment();
            tally.runs.increment();
            if (!expected.calls().isEmpty()) tally.callingHelpers.increment();
            if (k == 0) executed = expected.instructions();
        }
        if (executed > 1) { // input 0 again, with a budget that runs out part way
            long budget = 1 + Math.floorMod(seedOf(i) * 0x5DEECE66DL, executed - 1);
            long inputs = seedOf(i) * 31;
            RunnableEnv.Outcome expected = RunnableEnv.run(interpreted, interpretedTarget, env, ProgType.TRACEPOINT, inputs, budget);
            String difference = expected.difference(RunnableEnv.run(jited, jitedTarget, env, ProgType.TRACEPOINT, inputs, budget));
            if (difference != null) return ", input 0 with a budget of " + budget + " instructions: the interpreter and the JIT differ in " + difference;
            tally.runs.increment();
            tally.stoppedByBudget.increment();
        }
        if (i % UNHINTED_EVERY == 0) { // the JIT's checked path too: the same program without the verifier's hints
            Executor checked = Jit.compileStrict(RunnableEnv.executable(prog, null, env));
            long inputs = seedOf(i) * 31 + INPUTS;
            String difference = RunnableEnv.run(interpreted, interpretedTarget, env, ProgType.TRACEPOINT, inputs)
                    .difference(RunnableEnv.run(checked, jitedTarget, env, ProgType.TRACEPOINT, inputs));
            if (difference != null) return " without hints: the interpreter and the JIT differ in " + difference;
            tally.unhinted.increment();
        }
        return null;
    }
}
