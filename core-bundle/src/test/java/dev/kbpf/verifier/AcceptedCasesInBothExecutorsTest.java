package dev.kbpf.verifier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.ExecutorFactory;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.jit.Jit;
import dev.kbpf.jit.JitExecutor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every program of the verifier's case table that the verifier accepts runs in the interpreter
 * and in the JIT — each given the program as the runtime gives it, with the verifier's access
 * hints — on the same inputs: context bytes, map contents and helper results drawn from one seed
 * per run ({@link RunnableEnv}). Both must end the same way (r0, or the same fault at the same
 * instruction with the same message, after the same number of instructions), and leave the same
 * context bytes, the same map contents, ring buffer and perf records, and the same helper and
 * kfunc calls with the same argument registers and results, in the same order. The last
 * {@value #SHORT_CONTEXTS} inputs of each case have a context of a random length below the program
 * type's, so loads past its end fault. Each input is run
 * again with an instruction budget that stops the program part way: both executors must stop at
 * the same instruction, having done the same things.
 */
class AcceptedCasesInBothExecutorsTest {
    private static final long SEED = 0xACCE_97EDL;
    /** Runs per case, each with inputs of its own. */
    private static final int INPUTS = 8;
    /** The last inputs have a context shorter than the program type's: loads past its end fault, alike in both. */
    private static final int SHORT_CONTEXTS = 2;
    /** The accepted cases of the table when this test was written; it may grow, never shrink. */
    private static final int ACCEPTED_FLOOR = 161;

    /** The JIT without its interpreter fallback: a program it could not compile must fail here, not pass trivially. */
    private static final ExecutorFactory JIT = Jit::compileStrict;

    @Test
    void everyAcceptedCaseRunsAlikeInTheInterpreterAndTheJit() {
        int compared = 0, runs = 0, faulted = 0, calling = 0, stopped = 0;
        for (Case c : VerifierCasesTest.all()) {
            if (!c.accept) continue;
            TestEnv env = new TestEnv();
            c.envSetup.accept(env);
            List<dev.kbpf.isa.Insn> insns = c.program.get();
            VerifierResult r = Verifier.verify(new VerifierInput(insns, c.type, c.flags, c.creds, 0, env, c.lines));
            if (!(r instanceof VerifierResult.Accepted accepted)) continue;   // VerifierCasesTest reports that
            ExecutableProgram exe = RunnableEnv.executable(insns, accepted.facts(), env);
            Executor interpreted = create(Interpreter.FACTORY, exe, c);
            Executor jited = create(JIT, exe, c);
            assertTrue(jited instanceof JitExecutor, c.name + ": not compiled");
            Executor interpretedTarget = RunnableEnv.tailTarget(Interpreter.FACTORY);
            Executor jitedTarget = RunnableEnv.tailTarget(JIT);
            boolean calls = false;
            for (int i = 0; i < INPUTS; i++) {
                long seed = SEED * 31 + c.name.hashCode() * 1_000_003L + i;
                boolean shortContext = i >= INPUTS - SHORT_CONTEXTS;
                RunnableEnv.Outcome expected = RunnableEnv.run(interpreted, interpretedTarget, env, c.type, seed, RunnableEnv.FULL_BUDGET, shortContext);
                RunnableEnv.Outcome actual = RunnableEnv.run(jited, jitedTarget, env, c.type, seed, RunnableEnv.FULL_BUDGET, shortContext);
                String where = "case '" + c.name + "', input " + i + " (seed " + seed + ")";
                String difference = expected.difference(actual);
                if (difference != null) fail(where + ": the interpreter and the JIT differ in " + difference);
                if (expected.instructions() > 1) { // the same inputs with a budget that runs out part way
                    long budget = 1 + Math.floorMod(seed * 0x5DEECE66DL, expected.instructions() - 1);
                    difference = RunnableEnv.run(interpreted, interpretedTarget, env, c.type, seed, budget, shortContext)
                            .difference(RunnableEnv.run(jited, jitedTarget, env, c.type, seed, budget, shortContext));
                    if (difference != null) fail(where + ", budget " + budget + ": the interpreter and the JIT differ in " + difference);
                    stopped++;
                }
                runs++;
                if (expected.end().startsWith("fault")) faulted++;
                calls |= !expected.calls().isEmpty();
            }
            if (calls) calling++;
            compared++;
        }
        System.out.printf("interpreter vs JIT: %d accepted verifier cases (%d calling helpers or kfuncs), %d runs, %d of them faulting,"
                + " and %d runs stopped by the budget part way, agree%n", compared, calling, runs, faulted, stopped);
        assertTrue(compared >= ACCEPTED_FLOOR, "only " + compared + " accepted cases compared");
    }

    private static Executor create(ExecutorFactory factory, ExecutableProgram exe, Case c) {
        try {
            return factory.create(exe);
        } catch (Exception e) {
            throw new AssertionError(c.name + ": " + e, e);
        }
    }
}
