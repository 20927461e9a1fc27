package dev.kbpf.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kbpf.api.ProgType;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.Insn;
import dev.kbpf.jit.Jit;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Programs the verifier accepts (the soundness test's generator: context loads, stack, map
 * lookups with and without null checks, direct map values, ring buffer records, branches on
 * bounds, bounded loops) run in the interpreter and in the JIT on the same inputs: the same r0
 * or the same fault, and the same context and map value bytes afterwards.
 */
class VerifiedProgramsInBothExecutorsTest {
    private static final long SEED = 0x76657269L;
    private static final int PROGRAMS = 20_000;

    @Test
    void theJitAgreesWithTheInterpreterOnAcceptedPrograms() {
        Random rnd = new Random(SEED);
        TestEnv env = new TestEnv();
        int compared = 0;
        for (int iter = 0; iter < PROGRAMS; iter++) {
            List<Insn> prog = new VerifierSoundnessTest.Gen(rnd).program();
            if (!(Verifier.verify(VerifierInput.of(prog, ProgType.TRACEPOINT, env)) instanceof VerifierResult.Accepted)) continue;
            long inputs = SEED * 31 + iter;
            VerifierSoundnessTest.Outcome interpreted = VerifierSoundnessTest.execute(prog, env, new Random(inputs), Interpreter.FACTORY);
            VerifierSoundnessTest.Outcome jited = VerifierSoundnessTest.execute(prog, env, new Random(inputs), Jit::compile);
            String where = "seed " + SEED + " program " + iter;
            assertEquals(interpreted.fault(), jited.fault(), where + ": fault");
            assertEquals(interpreted.r0(), jited.r0(), where + ": r0");
            assertArrayEquals(interpreted.memory(), jited.memory(), where + ": context and map values");
            compared++;
        }
        System.out.printf("interpreter vs JIT: %d verifier-accepted programs of %d agree%n", compared, PROGRAMS);
        assertTrue(compared > PROGRAMS / 20, "too few accepted programs to mean anything: " + compared);
    }
}
