package dev.kbpf.exec;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.Insn;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The differential harness itself: the interpreter is deterministic (two fresh runs of the same
 * random program agree in everything the harness compares), and the harness notices an executor
 * that differs in r0, memory, stack or helper calls.
 */
class ExecutorEquivalenceTest {
    private static final FunctionTable HELPERS = FunctionTable.builder()
            .put(1, "read8", (ctx, a, b, c, d, e) -> ctx.load(a, 1))
            .put(5, "unwind", (ctx, a, b, c, d, e) -> a)
            .build();

    @Test
    void theInterpreterAgreesWithItselfOnRandomPrograms() {
        long seed = 977L;
        Random rnd = new Random(seed);
        for (int n = 0; n < 5_000; n++) {
            List<Insn> p = RandomPrograms.next(rnd);
            byte[] memory = new byte[32];
            rnd.nextBytes(memory);
            ExecutorEquivalence.Outcome a = ExecutorEquivalence.run(Interpreter.FACTORY, p, HELPERS, 5, memory, 5_000);
            ExecutorEquivalence.Outcome b = ExecutorEquivalence.run(Interpreter.FACTORY, p, HELPERS, 5, memory, 5_000);
            Optional<String> d = a.difference(b);
            int index = n;
            assertTrue(d.isEmpty(), () -> "seed " + seed + ", program " + index + ": " + d.get());
        }
    }

    @Test
    void aDifferentExecutorIsCaught() {
        // stores r1's first byte + 1 to the stack, calls helper 5, returns 7
        List<Insn> p = List.of(
                new Insn(0x71, 2, 1, 0, 0),          // ldxb r2, [r1]
                new Insn(0x07, 2, 0, 0, 1),          // add r2, 1
                new Insn(0x7b, 10, 2, -8, 0),        // stxdw [r10-8], r2
                new Insn(0x73, 1, 2, 1, 0),          // stxb [r1+1], r2
                new Insn(0xb7, 1, 0, 0, 3),          // mov r1, 3
                new Insn(0x85, 0, 0, 0, 5),          // call 5
                new Insn(0xb7, 0, 0, 0, 7),          // mov r0, 7
                new Insn(0x95, 0, 0, 0, 0));         // exit
        byte[] memory = {10, 0, 0, 0};
        ExecutorEquivalence.Outcome good = ExecutorEquivalence.run(Interpreter.FACTORY, p, HELPERS, 5, memory, 100);
        assertEquals("r0=7", good.outcome());
        assertEquals(List.of("5(3,11,0,0,0)=3"), good.calls());   // r2 = first byte + 1
        assertEquals(11, good.memory()[1]);

        ExecutorFactory wrongResult = prog -> wrap(Interpreter.FACTORY.create(prog), (ctx, r0) -> r0 + 1);
        assertTrue(good.difference(ExecutorEquivalence.run(wrongResult, p, HELPERS, 5, memory, 100)).orElse("").startsWith("outcome"));

        ExecutorFactory scribbler = prog -> wrap(Interpreter.FACTORY.create(prog), (ctx, r0) -> {
            ctx.memory().store8(ExecutionContext.framePointer(0) - 100, 1);
            return r0;
        });
        assertTrue(good.difference(ExecutorEquivalence.run(scribbler, p, HELPERS, 5, memory, 100)).orElse("").startsWith("stack byte"));

        ExecutorFactory memoryWriter = prog -> wrap(Interpreter.FACTORY.create(prog), (ctx, r0) -> {
            ctx.memory().store8(dev.kbpf.memory.Address.of(dev.kbpf.memory.AddressSpace.FIRST_EXTRA_ID, 3), 9);
            return r0;
        });
        assertTrue(good.difference(ExecutorEquivalence.run(memoryWriter, p, HELPERS, 5, memory, 100)).orElse("").startsWith("memory"));

        ExecutorFactory extraCall = prog -> wrap(Interpreter.FACTORY.create(prog), (ctx, r0) -> {
            prog.helpers().get(5).call(ctx, 1, 2, 3, 4, 5);
            return r0;
        });
        assertTrue(good.difference(ExecutorEquivalence.run(extraCall, p, HELPERS, 5, memory, 100)).orElse("").startsWith("helper calls"));
    }

    private interface After { long apply(ExecutionContext ctx, long r0); }

    private static Executor wrap(Executor inner, After after) {
        return new Executor() {
            @Override
            public long invoke(ExecutionContext ctx, int entrySlot, int frame, long r1, long r2, long r3, long r4, long r5) {
                return after.apply(ctx, inner.invoke(ctx, entrySlot, frame, r1, r2, r3, r4, r5));
            }

            @Override
            public ExecutableProgram program() { return inner.program(); }
        };
    }
}
