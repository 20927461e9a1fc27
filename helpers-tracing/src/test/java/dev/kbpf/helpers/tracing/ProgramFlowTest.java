package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bpf_tail_call (12) and bpf_loop (181): through the runtime, and the loop's rules on a fake context. */
class ProgramFlowTest {
    private HelperRuntime k;

    @AfterEach
    void close() { if (k != null) k.close(); }

    private static byte[] ctx(long a, long b) {
        byte[] c = new byte[16];
        System.arraycopy(HelperRuntime.le64(a), 0, c, 0, 8);
        System.arraycopy(HelperRuntime.le64(b), 0, c, 8, 8);
        return c;
    }


    @Test
    void tailCallJumpsToTheProgramAtTheIndexOrFallsThroughInterpreted() { tailCallJumpsOrFallsThrough(false); }

    @Test
    void tailCallJumpsToTheProgramAtTheIndexOrFallsThroughJited() { tailCallJumpsOrFallsThrough(true); }

    private void tailCallJumpsOrFallsThrough(boolean jit) {
        k = new HelperRuntime(jit);
        int jmp = k.map(MapType.PROG_ARRAY, 4, 4, 4);
        int fellThrough = k.map(MapType.ARRAY, 4, 8, 1);
        ProgInfo target = k.load(ProgType.TRACEPOINT, "target", """
                ldxdw %r0, [%r1+0]
                add %r0, 42
                exit
                """);
        // tail_call(ctx, jmp, ctx[8]); when it falls through: counts, and answers 1
        ProgInfo main = k.load(ProgType.TRACEPOINT, "main", """
                mov %r6, %r1
                ldxdw %r3, [%r6+8]
                mov %r1, %r6
                lddw %r2, map:JMP
                call 12
                lddw %r1, mapvalue:FELL+0
                mov %r2, 1
                lock add [%r1+0], %r2
                mov %r0, 1
                exit
                """.replace("JMP", Integer.toString(jmp)).replace("FELL", Integer.toString(fellThrough)));
        assertEquals(1, k.run(main, ctx(100, 2)), "an empty slot: the caller goes on");
        assertEquals(1, k.lookupLong(fellThrough, 0));
        k.bpf.mapUpdate(jmp, HelperRuntime.le32(2), HelperRuntime.le32(target.id()), 0);
        assertEquals(142, k.run(main, ctx(100, 2)), "the target runs on the same context");
        assertEquals(1, k.lookupLong(fellThrough, 0), "the caller does not go on after a successful tail call");
        assertEquals(1, k.run(main, ctx(100, 3)));
        assertEquals(1, k.run(main, ctx(100, 4)), "index beyond max_entries");
        assertEquals(1, k.run(main, ctx(100, -1)));
        assertEquals(4, k.lookupLong(fellThrough, 0));
        assertEquals(142, k.run(main, ctx(100, (1L << 32) | 2)), "the index is a u32");
        assertEquals(4, k.lookupLong(fellThrough, 0));
    }

    @ParameterizedTest(name = "jit={0}")
    @ValueSource(booleans = {true, false})
    void tailCallChainsStopAfter33TailCalls(boolean jit) {
        k = new HelperRuntime(jit);
        int jmp = k.map(MapType.PROG_ARRAY, 4, 4, 1);
        int counter = k.map(MapType.ARRAY, 4, 8, 1);
        // counts its runs, then tail-calls itself
        ProgInfo self = k.load(ProgType.TRACEPOINT, "self", """
                mov %r6, %r1
                lddw %r7, mapvalue:COUNTER+0
                mov %r1, 1
                lock add [%r7+0], %r1
                mov %r1, %r6
                lddw %r2, map:JMP
                mov %r3, 0
                call 12
                mov %r0, 7
                exit
                """.replace("JMP", Integer.toString(jmp)).replace("COUNTER", Integer.toString(counter)));
        k.bpf.mapUpdate(jmp, HelperRuntime.le32(0), HelperRuntime.le32(self.id()), 0);
        assertEquals(7, k.run(self, ctx(0, 0)), "the last one in the chain falls through");
        assertEquals(34, k.lookupLong(counter, 0), "the first run and 33 tail calls (MAX_TAIL_CALL_CNT)");
    }

    /**
     * bpf_loop(NR, callback, ctx, 0) then answers r0 + (counter << 32). The callback adds 1 to the
     * counter and stops after index 2. The counter lives on the caller's stack (passed as ctx) or,
     * with {@code mapCounter}, in an array map (ctx NULL).
     */
    private List<Insn> loopProgram(int nrLoops, int counterMap) {
        boolean onStack = counterMap < 0;
        List<Insn> main = new ArrayList<>(HelperRuntime.asm("""
                stdw [%r10-8], 0
                mov %r1, NR
                lddw %r2, 0
                CTX
                mov %r4, 0
                call 181
                COUNTER
                lsh %r1, 32
                add %r0, %r1
                exit
                """.replace("NR", Integer.toString(nrLoops))
                .replace("CTX", onStack ? "mov %r3, %r10\nadd %r3, -8" : "mov %r3, 0")
                .replace("COUNTER", onStack ? "ldxdw %r1, [%r10-8]" : "lddw %r1, mapvalue:" + counterMap + "+0\nldxdw %r1, [%r1+0]")));
        List<Insn> callback = HelperRuntime.asm((onStack ? """
                ldxdw %r3, [%r2+0]
                add %r3, 1
                stxdw [%r2+0], %r3
                """ : """
                lddw %r3, mapvalue:MAP+0
                mov %r4, 1
                lock add [%r3+0], %r4
                """.replace("MAP", Integer.toString(counterMap))) + """
                mov %r0, 0
                jne %r1, 2, +1
                mov %r0, 1
                exit
                """);
        int lddw = 2;
        // lddw pseudo func: imm is the callback's offset from the next instruction
        main.set(lddw, new Insn(Opcodes.LD_IMM64, 2, Opcodes.PSEUDO_FUNC, 0, main.size() - (lddw + 1)));
        main.addAll(callback);
        return main;
    }


    @Test
    void loopFromAVerifiedProgramInterpreted() { loopFromAVerifiedProgram(false); }

    @Test
    void loopFromAVerifiedProgramJited() { loopFromAVerifiedProgram(true); }

    private void loopFromAVerifiedProgram(boolean jit) {
        k = new HelperRuntime(jit);
        int counter = k.map(MapType.ARRAY, 4, 8, 1);
        ProgInfo p = k.load(ProgType.TRACEPOINT, "loop", loopProgram(5, counter));
        assertEquals((3L << 32) + 3, k.run(p), "three calls (indexes 0, 1, 2), the third one stops the loop");
        k.bpf.mapUpdate(counter, HelperRuntime.le32(0), HelperRuntime.le64(0), 0);
        ProgInfo twice = k.load(ProgType.TRACEPOINT, "loop2", loopProgram(2, counter));
        assertEquals((2L << 32) + 2, k.run(twice), "nr_loops calls when the callback never stops");
    }

    @Test
    void loopWithACounterOnTheCallersStack() {
        k = new HelperRuntime(false);
        ProgInfo p = k.load(ProgType.TRACEPOINT, "loopstack", loopProgram(5, -1));
        assertEquals((3L << 32) + 3, k.run(p));
    }

    // ------------------------------------------------------------------ the loop's rules

    private static long loop(FakeContext c, long nr, long flags) {
        return ProgramFlowHelpers.loop(c, nr, 0xc0de, 0x5000, flags, 0);
    }

    @Test
    void loopCallsTheCallbackWithItsIndexAndContextUntilItAnswersOne() {
        FakeContext c = new FakeContext(16);
        List<Long> indexes = new ArrayList<>();
        c.callbacks = (fn, r1, r2) -> {
            assertEquals(0xc0de, fn);
            assertEquals(0x5000, r2);
            indexes.add(r1);
            return r1 == 4 ? 1 : 0;
        };
        assertEquals(5, loop(c, 10, 0), "stopped by the fifth call");
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), indexes);
        indexes.clear();
        assertEquals(3, loop(c, 3, 0), "all calls made");
        assertEquals(0, loop(c, 0, 0));
        indexes.clear();
        assertEquals(3, loop(c, (1L << 32) | 3, 0), "nr_loops is a u32");
        assertEquals(3, indexes.size());
    }

    @Test
    void loopRefusesFlagsAndMoreThanBpfMaxLoops() {
        FakeContext c = new FakeContext(16);
        long[] calls = {0};
        c.callbacks = (fn, r1, r2) -> {
            calls[0]++;
            return 0;
        };
        assertEquals(Errno.EINVAL.negative(), loop(c, 1, 1));
        assertEquals(Errno.E2BIG.negative(), loop(c, (1 << 23) + 1, 0));
        assertEquals(0, calls[0], "refused loops call nothing");
        assertEquals(1 << 23, loop(c, 1 << 23, 0), "BPF_MAX_LOOPS itself is allowed");
        assertEquals(1 << 23, calls[0]);
    }

    @Test
    void loopPassesOnARuntimeThatCannotRunCallbacks() {
        FakeContext c = new FakeContext(16);
        assertEquals(Errno.ENOTSUPP.negative(), loop(c, 5, 0));
    }
}
