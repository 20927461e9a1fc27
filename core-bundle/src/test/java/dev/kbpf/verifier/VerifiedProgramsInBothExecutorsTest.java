package dev.kbpf.verifier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kbpf.api.ProgType;
import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.Executor;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.Disassembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.jit.Jit;
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
 * bpf-to-bpf calls and {@code bpf_loop} callbacks) run in the interpreter and in the JIT — each
 * given the program as the runtime gives it, with the verifier's access hints — on the same
 * inputs ({@link RunnableEnv}); every eighth program is also compiled without hints, so the JIT's
 * checked accesses are compared as well. Both must end alike (r0 or the same fault, after the same number
 * of instructions) and leave the same context, map values, map keys, ring buffer records and
 * helper calls.
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
    /** Runs of each program, each on inputs of its own. */
    private static final int INPUTS = 2;
    /** Every this many programs, the JIT also compiles the program without hints (every access checked), and must agree as well. */
    private static final int UNHINTED_EVERY = 8;

    /** The seed of program {@code i}. */
    static long seedOf(int i) { return SEED * 0x9E3779B97F4A7C15L + i; }

    /** Program {@code i}: careful but for every tenth. */
    static List<Insn> program(int i) { return new ProgramGen(new Random(seedOf(i)), i % 10 != 0).program(); }

    @Test
    void theJitAgreesWithTheInterpreterOnAcceptedPrograms() throws Exception {
        TestEnv env = new TestEnv();
        AtomicInteger next = new AtomicInteger();
        LongAdder accepted = new LongAdder(), runs = new LongAdder(), withCalls = new LongAdder(), withCallbacks = new LongAdder(),
                helperCalls = new LongAdder(), unhinted = new LongAdder();
        Map<Integer, String> failures = new ConcurrentSkipListMap<>();
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    Executor interpretedTarget = RunnableEnv.tailTarget(Interpreter.FACTORY);
                    Executor jitedTarget = RunnableEnv.tailTarget(Jit::compileStrict);
                    for (int i = next.getAndIncrement(); i < PROGRAMS && failures.size() < 5; i = next.getAndIncrement()) {
                        List<Insn> prog = program(i);
                        if (!(Verifier.verify(VerifierInput.of(prog, ProgType.TRACEPOINT, env)) instanceof VerifierResult.Accepted a)) continue;
                        try {
                            ExecutableProgram exe = RunnableEnv.executable(prog, a.facts(), env);
                            Executor interpreted = Interpreter.FACTORY.create(exe);
                            Executor jited = Jit.compileStrict(exe);
                            for (int k = 0; k < INPUTS; k++) {
                                long inputs = seedOf(i) * 31 + k;
                                RunnableEnv.Outcome expected = RunnableEnv.run(interpreted, interpretedTarget, env, ProgType.TRACEPOINT, inputs);
                                RunnableEnv.Outcome actual = RunnableEnv.run(jited, jitedTarget, env, ProgType.TRACEPOINT, inputs);
                                String difference = expected.difference(actual);
                                if (difference != null) {
                                    failures.put(i, "program " + i + " (seed " + seedOf(i) + "), input " + k + ": the interpreter and the JIT differ in "
                                            + difference + "\n" + new Disassembler().listing(prog));
                                    break;
                                }
                                runs.increment();
                                if (!expected.calls().isEmpty()) helperCalls.increment();
                            }
                            if (i % UNHINTED_EVERY == 0) {
                                // the JIT's checked path too: the same program without the verifier's hints
                                Executor checked = Jit.compileStrict(RunnableEnv.executable(prog, null, env));
                                long inputs = seedOf(i) * 31 + INPUTS;
                                String difference = RunnableEnv.run(interpreted, interpretedTarget, env, ProgType.TRACEPOINT, inputs)
                                        .difference(RunnableEnv.run(checked, jitedTarget, env, ProgType.TRACEPOINT, inputs));
                                if (difference != null) {
                                    failures.put(i, "program " + i + " (seed " + seedOf(i) + ") without hints: the interpreter and the JIT differ in "
                                            + difference + "\n" + new Disassembler().listing(prog));
                                }
                                unhinted.increment();
                            }
                        } catch (Exception | AssertionError e) {
                            failures.put(i, "program " + i + " (seed " + seedOf(i) + "): " + e + "\n" + new Disassembler().listing(prog));
                        }
                        accepted.increment();
                        if (prog.stream().anyMatch(x -> x.opcode() == 0x85 && x.src() == 1)) withCalls.increment();
                        if (prog.stream().anyMatch(x -> x.opcode() == 0x85 && x.src() == 0 && x.imm() == 181)) withCallbacks.increment();
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
        System.out.printf("interpreter vs JIT: %d verifier-accepted programs of %d agree on %d runs (%d with local calls, %d with bpf_loop callbacks,"
                        + " %d runs calling helpers; %d also compiled without hints); %d thread(s), %.1f s%n", accepted.sum(), PROGRAMS, runs.sum(), withCalls.sum(),
                withCallbacks.sum(), helperCalls.sum(), unhinted.sum(), threads, (System.nanoTime() - start) / 1e9);
        assertTrue(accepted.sum() >= REQUIRED, "only " + accepted.sum() + " accepted programs compared, " + REQUIRED + " required");
        assertTrue(withCalls.sum() >= REQUIRED / 5 && withCallbacks.sum() >= REQUIRED / 5,
                "too few programs with calls: " + withCalls.sum() + " local, " + withCallbacks.sum() + " bpf_loop");
    }
}
