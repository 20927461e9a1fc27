package dev.kbpf.exec;

import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import dev.kbpf.spi.HelperFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Runs one program on two executors and says how their runs differ, for the "interpreter and JIT
 * agree bit for bit" tests (issue 10): the result or the fault (kind and instruction), the test
 * memory and every stack frame afterwards, and each helper call (id, r1-r5, result) in order.
 * Both runs start from identical state: a fresh context, a fresh copy of the memory as r1 and its
 * length as r2, the same helpers (wrapped to log their calls), the same instruction budget.
 */
public final class ExecutorEquivalence {
    private ExecutorEquivalence() {}

    /** What one run did. {@code outcome} is {@code "r0=..."}, {@code "fault KIND at N"} or {@code "invalid at N"}. */
    public record Outcome(String outcome, byte[] memory, byte[] stack, List<String> calls) {

        /** The first difference from {@code other}, or empty when the two runs are the same. */
        public Optional<String> difference(Outcome other) {
            if (!outcome.equals(other.outcome)) return Optional.of("outcome: " + outcome + " vs " + other.outcome);
            if (!calls.equals(other.calls)) return Optional.of("helper calls: " + calls + " vs " + other.calls);
            if (!Arrays.equals(memory, other.memory)) {
                return Optional.of("memory: " + HexFormat.of().formatHex(memory) + " vs " + HexFormat.of().formatHex(other.memory));
            }
            int i = Arrays.mismatch(stack, other.stack);
            if (i >= 0) return Optional.of("stack byte " + i + " (frame " + i / ExecutionContext.STACK_SIZE + "): " + stack[i] + " vs " + other.stack[i]);
            return Optional.empty();
        }
    }

    /** Runs {@code program} on an executor from {@code factory}. */
    public static Outcome run(ExecutorFactory factory, List<Insn> program, FunctionTable helpers, int maxHelperId,
                              byte[] memory, long budget) {
        List<String> calls = new ArrayList<>();
        FunctionTable.Builder logged = FunctionTable.builder();
        for (int id = 0; id <= maxHelperId; id++) {
            HelperFunction f = helpers.get(id);
            if (f == null) continue;
            int helperId = id;
            logged.put(id, helpers.name(id), (ctx, a, b, c, d, e) -> {
                long r = f.call(ctx, a, b, c, d, e);
                calls.add(helperId + "(" + a + "," + b + "," + c + "," + d + "," + e + ")=" + r);
                return r;
            });
        }
        ExecutionContext ctx = new ExecutionContext();
        ctx.setInstructionBudget(budget);
        byte[] mem = memory.clone();
        long r1 = ctx.attachExtra(0, Region.of(RegionKind.RAW, "test memory", mem));
        String outcome;
        try {
            Executor executor = factory.create(ExecutableProgram.unverified(program, logged.build()));
            outcome = "r0=" + executor.run(ctx, r1, mem.length, 0, 0, 0);
        } catch (InvalidProgramException e) {
            outcome = "invalid at " + e.slot();
        } catch (ExecutionFault f) {
            outcome = "fault " + f.kind() + " at " + f.slot();
        }
        return new Outcome(outcome, mem, ctx.stack().clone(), List.copyOf(calls));
    }
}
