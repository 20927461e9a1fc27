package dev.kbpf.verifier;

import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verification time of a compiled program (bench/latency.c, clang-14 -O2) and of a long bounded
 * loop near the 1,000,000-instruction limit. Run alone to read the figures:
 * {@code ./mvnw -B -q -pl core-bundle test -Dtest=VerifierBenchTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
class VerifierBenchTest {

    static List<Insn> load(String resource) throws IOException {
        List<Insn> out = new ArrayList<>();
        try (var r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(VerifierBenchTest.class.getResourceAsStream(resource)),
                StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                String[] f = line.trim().split(" ");
                out.add(new Insn(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), (short) Integer.parseInt(f[3]),
                        Integer.parseInt(f[4])));
            }
        }
        return out;
    }

    static TestEnv latencyEnv() {
        TestEnv env = new TestEnv();
        env.maps.put(1, MapInfo.of(1, MapType.HASH, 4, 8, 1024, "counts"));
        env.maps.put(2, MapInfo.of(2, MapType.ARRAY, 4, 256, 1, "hist"));
        env.maps.put(3, MapInfo.of(3, MapType.RINGBUF, 0, 0, 4096, "events"));
        return env;
    }

    @Test
    void compiledProgramVerifiesInMilliseconds() throws IOException {
        List<Insn> insns = load("bench/latency.insns");
        TestEnv env = latencyEnv();
        VerifierInput in = VerifierInput.of(insns, ProgType.TRACEPOINT, env);
        VerifierResult first = Verifier.verify(in.withLogLevel(2));
        assertInstanceOf(VerifierResult.Accepted.class, first, first.log());
        for (int i = 0; i < 300; i++) Verifier.verify(in); // warm up
        int runs = 300;
        // CPU time of this thread: the machine is shared, wall time says more about the neighbours
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        VerifierResult r = null;
        for (int i = 0; i < runs; i++) r = Verifier.verify(in);
        double ms = (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / runs;
        double wall = (System.nanoTime() - t0) / 1e6 / runs;
        VerifierStats s = ((VerifierResult.Accepted) r).stats();
        System.out.printf("latency.c: %d insns, processed %d, states %d, peak %d: %.3f ms CPU (%.3f ms wall) per verification, warm%n",
                insns.size(), s.processedInsns(), s.totalStates(), s.peakStates(), ms, wall);
        assertTrue(ms < 50, "verification took " + ms + " ms");
    }

    @Test
    void longBoundedLoopNearTheLimit() {
        // 2 instructions per iteration: ~900,000 processed
        List<Insn> insns = Asm.of("mov %r1, 0; l: add %r1, 1; jlt %r1, 450000, l; mov %r0, 0; exit");
        VerifierInput in = VerifierInput.of(insns, ProgType.TRACEPOINT, new TestEnv());
        Verifier.verify(in);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        VerifierResult r = Verifier.verify(in);
        double ms = (mx.getCurrentThreadCpuTime() - cpu0) / 1e6;
        VerifierStats s = ((VerifierResult.Accepted) r).stats();
        System.out.printf("bounded loop of 450000 iterations: processed %d insns, states %d: %.1f ms CPU%n", s.processedInsns(), s.totalStates(), ms);
        assertTrue(s.processedInsns() > 800_000);
    }
}
