package dev.kbpf.conformance;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutorFactory;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import java.util.List;

/**
 * The machine the bpf_conformance suite assumes (FORMAT.md section 3): r1 = a private copy of the
 * test's memory (a raw, writable region), r2 = its length, a 512-byte stack per frame, programs run
 * unverified with every access checked, and helper 5 present.
 *
 * <p>Helper 5 is uBPF's {@code unwind} slot, which {@code call_unwind_fail.data} and
 * {@code callx.data} call: here it returns r1, as uBPF's does (uBPF additionally stops the program
 * when it returns 0; no test in the suite reaches that, and this machine does not model it).
 * Without {@code -- mem} r1 and r2 are 0, as uBPF passes NULL.
 */
public final class ConformanceMachine {
    /** Helper id the suite calls. */
    public static final int UNWIND_HELPER = 5;
    /** The helpers the suite expects. */
    public static final FunctionTable HELPERS = FunctionTable.builder()
            .put(UNWIND_HELPER, "unwind", (ctx, r1, r2, r3, r4, r5) -> r1)
            .build();
    /** Default instruction budget: ends an endless loop in a few seconds with an error. */
    public static final long DEFAULT_BUDGET = 1_000_000_000L;

    private final ExecutorFactory executors;
    private final long budget;

    public ConformanceMachine(ExecutorFactory executors, long budget) {
        this.executors = executors;
        this.budget = budget;
    }

    /**
     * Runs {@code program} with {@code memory} (copied; may be empty) and returns r0.
     *
     * @throws dev.kbpf.exec.InvalidProgramException for a program the executor cannot take
     * @throws dev.kbpf.exec.ExecutionFault          for a run that faults
     */
    public long run(List<Insn> program, byte[] memory) {
        ExecutionContext ctx = new ExecutionContext();
        ctx.setInstructionBudget(budget);
        long r1 = 0;
        if (memory.length > 0) {
            r1 = ctx.attachExtra(0, Region.of(RegionKind.RAW, "test memory", memory.clone()));
        }
        return executors.create(ExecutableProgram.unverified(program, HELPERS)).run(ctx, r1, memory.length, 0, 0, 0);
    }
}
