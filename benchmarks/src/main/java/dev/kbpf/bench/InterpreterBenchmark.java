package dev.kbpf.bench;

import dev.kbpf.interp.Interpreter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One run of each ../shared/bench program in the interpreter: average time per run. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InterpreterBenchmark {

    @Param({"SUM_LOOP", "MIX_LOOP", "BYTE_SUM", "DW_SUM"})
    public BenchProgram program;

    private BenchProgram.Prepared prepared;

    @Setup
    public void setUp() {
        prepared = program.prepare(BenchProgram.sharedDir(), Interpreter.FACTORY);
    }

    @Benchmark
    public long interpreter() {
        return prepared.run();
    }
}
