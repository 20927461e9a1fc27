package dev.kbpf.bench;

import dev.kbpf.jit.Jit;
import dev.kbpf.jit.JitExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One run of each ../shared/bench program JIT-compiled (never the interpreter fallback): average time per run. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JitBenchmark {

    @Param({"SUM_LOOP", "MIX_LOOP", "BYTE_SUM", "DW_SUM"})
    public BenchProgram program;

    private BenchProgram.Prepared prepared;

    @Setup
    public void setUp() {
        prepared = program.prepare(BenchProgram.sharedDir(), p -> {
            JitExecutor e = Jit.compileStrict(p);
            return e;
        });
    }

    @Benchmark
    public long jit() {
        return prepared.run();
    }
}
