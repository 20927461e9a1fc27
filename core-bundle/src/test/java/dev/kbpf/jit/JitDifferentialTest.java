package dev.kbpf.jit;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.Disassembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import dev.kbpf.spi.MemoryAccessException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JIT against the interpreter on random programs ({@link RandomPrograms}): the same r0 or the
 * same fault (kind, slot, message), the same instruction count, the same memory and stack bytes,
 * and the same helper and kfunc calls with the same arguments in the same order. Half the programs
 * run with verifier-style hints (stack accesses through r7), half unverified; budgets are
 * sometimes tiny so the block-accounting slow paths run.
 */
class JitDifferentialTest {
    static final int PROGRAMS = Integer.getInteger("kbpf.jit.differential.programs", 100_000);
    static final long SEED = Long.getLong("kbpf.jit.differential.seed", 0x6b627066L);

    /** Everything a run can be seen to do. */
    record Outcome(String result, long executed, byte[] memory, byte[] stack, List<String> calls) {
        @Override public boolean equals(Object o) {
            return o instanceof Outcome x && result.equals(x.result) && executed == x.executed && Arrays.equals(memory, x.memory)
                    && Arrays.equals(stack, x.stack) && calls.equals(x.calls);
        }
        @Override public int hashCode() { return Objects.hash(result, executed, Arrays.hashCode(memory), calls); }
        @Override public String toString() {
            return result + ", " + executed + " insns, calls " + calls + "\n memory " + Arrays.toString(memory);
        }
    }

    /**
     * The program a tail call jumps to: a short loop on r1 (so it counts instructions), then
     * r0 = r1 * 3 + 7. Each executor tail-calls its own kind.
     */
    private static final List<Insn> TAIL_PROGRAM = dev.kbpf.isa.Assembler.assemble(String.join("\n",
            "mov %r6, 3", "loop:", "add %r1, 1", "sub %r6, 1", "jne %r6, 0, loop", "mov %r0, %r1", "mul %r0, 3", "add %r0, 7", "exit"));
    private static final Executor TAIL_INTERPRETED = new Interpreter(ExecutableProgram.unverified(TAIL_PROGRAM, FunctionTable.EMPTY));
    private static final Executor TAIL_COMPILED = Jit.compileStrict(ExecutableProgram.unverified(TAIL_PROGRAM, FunctionTable.EMPTY));
    /** Which of the two the running executor's tail calls go to (per test thread). */
    private static final ThreadLocal<Executor> tailTarget = new ThreadLocal<>();

    /** Counts of what the programs did, so the test can insist the generator reaches every outcome. */
    private static final class Tally {
        int faults, budgets, compiled;
        long compileNanos;
        final java.util.TreeMap<String, Integer> kinds = new java.util.TreeMap<>();

        synchronized void add(Tally t) {
            faults += t.faults;
            budgets += t.budgets;
            compiled += t.compiled;
            compileNanos += t.compileNanos;
            t.kinds.forEach((k, v) -> kinds.merge(k, v, Integer::sum));
        }
    }

    @Test
    void jitAndInterpreterAgreeOnRandomPrograms() throws Exception {
        // program p is generated from its own seed, so the split over threads changes nothing
        long[] seeds = new long[PROGRAMS];
        Random seedSource = new Random(SEED);
        for (int p = 0; p < PROGRAMS; p++) seeds[p] = seedSource.nextLong();
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        Tally total = new Tally();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    Tally tally = new Tally();
                    for (int p = first; p < PROGRAMS; p += threads) check(p, seeds[p], tally);
                    total.add(tally);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : parts) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Error err) throw err;
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("differential: " + PROGRAMS + " programs (" + total.compiled + " valid), " + total.faults + " faulted ("
                + total.budgets + " on the budget) " + total.kinds + "; JIT compile "
                + total.compileNanos / Math.max(1, total.compiled) / 1000 + " us per program");
        // the generator must reach every outcome, or the test proves little
        assertTrue(total.faults > PROGRAMS / 20, "too few faults: " + total.faults);
        assertTrue(PROGRAMS - total.faults > PROGRAMS / 5, "too few clean exits: " + (PROGRAMS - total.faults));
        assertTrue(total.budgets > PROGRAMS / 100, "too few budget faults: " + total.budgets);
        for (ExecutionFault.Kind k : ExecutionFault.Kind.values()) {
            assertTrue(total.kinds.getOrDefault(k.name(), 0) > 0, "no program ended with " + k);
        }
    }

    private static void check(int p, long seed, Tally tally) {
        Random rnd = new Random(seed);
        RandomPrograms gen = new RandomPrograms(rnd);
        List<Insn> insns = gen.generate();
        boolean verified = rnd.nextBoolean();
        long budget = rnd.nextInt(6) == 0 ? 1 + rnd.nextInt(300) : 100_000;
        byte[] memory = new byte[RandomPrograms.MEMORY_SIZE];
        rnd.nextBytes(memory);
        long[] args = {0, rnd.nextLong(), rnd.nextInt(100), rnd.nextLong(), rnd.nextInt()};

        List<String> calls = new ArrayList<>();
        FunctionTable helpers = FunctionTable.builder()
                .put(RandomPrograms.HELPER_RECORD, "record", (ctx, r1, r2, r3, r4, r5) -> {
                    calls.add("record(" + r1 + "," + r2 + "," + r3 + "," + r4 + "," + r5 + ")");
                    return r1 * 31 + (r2 ^ (r5 >>> 3));
                })
                .put(RandomPrograms.HELPER_FAILS, "fails", (ctx, r1, r2, r3, r4, r5) -> {
                    calls.add("fails(" + r1 + ")");
                    if (Long.remainderUnsigned(r1, 61) == 7) throw new IllegalStateException("refused " + r1);
                    return r1 + r2;
                })
                .put(RandomPrograms.HELPER_CALLBACK, "callback", (ctx, r1, r2, r3, r4, r5) -> {
                    calls.add("callback(" + Long.toHexString(r1) + "," + r2 + ")");
                    long r = ctx.unwrap(ExecutionContext.class).callback(r1, r2, r3, 0, 0, 0);
                    calls.add("callback returned " + r);
                    return r;
                })
                .put(RandomPrograms.HELPER_TAIL_CALL, "tail_call", (ctx, r1, r2, r3, r4, r5) -> {
                    calls.add("tail_call(" + r1 + ")");
                    if ((r2 & 1) == 0) return -2;   // -ENOENT: no program at that index, the caller goes on
                    return ctx.unwrap(ExecutionContext.class).requestTailCall(tailTarget.get()) ? 0 : -7;
                })
                .put(RandomPrograms.HELPER_READS, "reads", (ctx, r1, r2, r3, r4, r5) -> {
                    calls.add("reads(" + Long.toHexString(r1) + ")");
                    try {
                        return ctx.load(r1, 8);
                    } catch (MemoryAccessException e) {
                        if ((r2 & 3) == 0) throw e;   // a fault the executor reports
                        return -14;                    // -EFAULT, as bpf_probe_read does
                    }
                })
                .build();
        FunctionTable kfuncs = FunctionTable.builder()
                .put(RandomPrograms.KFUNC_RECORD, "kf_record", (ctx, r1, r2, r3, r4, r5) -> {
                    calls.add("kf(" + r1 + "," + r2 + ")");
                    return r1 - r2;
                })
                .build();
        ExecutableProgram program = new ExecutableProgram(insns, helpers, kfuncs, verified ? gen.hints() : null);
        tailTarget.set(null);

        Executor interp;
        try {
            interp = new Interpreter(program);
        } catch (InvalidProgramException e) {
            InvalidProgramException j = assertThrows(InvalidProgramException.class, () -> Jit.compileStrict(program));
            assertEquals(e.getMessage(), j.getMessage());
            return;
        }
        long t0 = System.nanoTime();
        Executor jit = Jit.compileStrict(program);
        tally.compileNanos += System.nanoTime() - t0;
        tally.compiled++;
        tailTarget.set(TAIL_INTERPRETED);
        Outcome expected = run(interp, memory, args, budget, calls);
        tailTarget.set(TAIL_COMPILED);
        Outcome actual = run(jit, memory, args, budget, calls);
        if (!expected.equals(actual)) {
            fail("program " + p + " (seed " + seed + ", " + (verified ? "with hints" : "unverified") + ", budget " + budget
                    + ") differs:\ninterpreter: " + expected + "\njit:         " + actual + "\n" + new Disassembler().listing(insns));
        }
        if (expected.result.startsWith("fault")) {
            tally.faults++;
            tally.kinds.merge(expected.result.split(" ")[1], 1, Integer::sum);
            if (expected.result.startsWith("fault BUDGET")) tally.budgets++;
        }
    }

    private static Outcome run(Executor e, byte[] memoryInit, long[] args, long budget, List<String> calls) {
        calls.clear();
        ExecutionContext ctx = new ExecutionContext();
        ctx.setInstructionBudget(budget);
        byte[] memory = memoryInit.clone();
        long r1 = ctx.attachExtra(0, Region.of(RegionKind.RAW, "memory", memory));
        String result;
        try {
            long r0 = e.run(ctx, r1, args[1], args[2], args[3], args[4]);
            assertNull(ctx.lastFault());
            result = "r0=" + Long.toHexString(r0);
        } catch (ExecutionFault f) {
            assertSame(f, ctx.lastFault());
            Throwable c = f.getCause();
            result = "fault " + f.kind() + " at " + f.slot() + ": " + f.getMessage()
                    + (c == null ? "" : " / " + c.getClass().getSimpleName() + ": " + c.getMessage());
        }
        return new Outcome(result, ctx.instructionsExecuted(), memory, ctx.stack().clone(), List.copyOf(calls));
    }
}
