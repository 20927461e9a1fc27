package dev.kbpf.bench;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.ExecutorFactory;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.isa.Assembler;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The four programs of {@code ../shared/bench} with what its README says they must return and how
 * many instructions they execute; {@link #prepare} checks both before anything is timed.
 */
public enum BenchProgram {
    SUM_LOOP("sum_loop", null, 0x746a5a2920L, 3_000_003L),
    MIX_LOOP("mix_loop", null, 0x15d467b4688L, 18_000_004L),
    BYTE_SUM("byte_sum", "rand64k.mem", 0x800f1bL, 327_685L),
    DW_SUM("dw_sum", "rand64k.mem", 0xcebbfd8309c50d9L, 40_965L);

    private final String file;
    private final String memory;
    private final long expectedR0;
    private final long instructions;

    BenchProgram(String file, String memory, long expectedR0, long instructions) {
        this.file = file;
        this.memory = memory;
        this.expectedR0 = expectedR0;
        this.instructions = instructions;
    }

    public String file() { return file; }

    /** Instructions one run executes (README table; checked by {@link #prepare}). */
    public long instructions() { return instructions; }

    /** The shared folder: system property {@code kbpf.shared}, else {@code ../shared}. */
    public static Path sharedDir() {
        return Path.of(System.getProperty("kbpf.shared", "../shared"));
    }

    /** A program ready to run repeatedly on this thread. */
    public static final class Prepared {
        private final Executor executor;
        private final ExecutionContext ctx;
        private final long r1, r2;

        Prepared(Executor executor, ExecutionContext ctx, long r1, long r2) {
            this.executor = executor;
            this.ctx = ctx;
            this.r1 = r1;
            this.r2 = r2;
        }

        /** One run; returns r0. */
        public long run() { return executor.run(ctx, r1, r2, 0, 0, 0); }

        public ExecutionContext context() { return ctx; }
    }

    /** Assembles the program, loads its memory, runs it once and checks r0 and the instruction count. */
    public Prepared prepare(Path shared, ExecutorFactory executors) {
        try {
            Path dir = shared.resolve("bench");
            String source = Files.readString(dir.resolve(file + ".asm"));
            Executor executor = executors.create(ExecutableProgram.unverified(Assembler.assemble(source), FunctionTable.EMPTY));
            ExecutionContext ctx = new ExecutionContext();
            long r1 = 0, r2 = 0;
            if (memory != null) {
                byte[] bytes = Files.readAllBytes(dir.resolve(memory));
                r1 = ctx.attachExtra(0, Region.of(RegionKind.RAW, memory, bytes));
                r2 = bytes.length;
            }
            Prepared p = new Prepared(executor, ctx, r1, r2);
            long r0 = p.run();
            if (r0 != expectedR0) {
                throw new IllegalStateException(file + " returned 0x" + Long.toHexString(r0) + ", expected 0x" + Long.toHexString(expectedR0));
            }
            if (ctx.instructionsExecuted() != instructions) {
                throw new IllegalStateException(file + " executed " + ctx.instructionsExecuted() + " instructions, expected " + instructions);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the benchmark " + file + " under " + shared.toAbsolutePath(), e);
        }
    }
}
