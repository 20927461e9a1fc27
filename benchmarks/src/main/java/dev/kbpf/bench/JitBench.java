package dev.kbpf.bench;

import dev.kbpf.interp.Interpreter;
import dev.kbpf.jit.Jit;
import dev.kbpf.jit.JitExecutor;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JIT against the interpreter on ../shared/bench, in one process, and against the native
 * x86-64 JIT figures of bench/README.md: warm, one call per run, compile time excluded, best and
 * median of single timed runs (as the README measured). The tracing workload (a tracepoint event
 * into a hash lookup, an atomic add and a ring buffer output, with the real runtime, maps and
 * helpers) is measured by {@link TracepointBenchmark} ({@code bin/bench --tracepoints}).
 *
 * <p>{@code bin/bench}-style run: {@code java -cp <benchmarks + core classpath> dev.kbpf.bench.JitBench [seconds]};
 * with {@code --jmh}, a short JMH run of {@link JitBenchmark} and {@link InterpreterBenchmark}.
 */
public final class JitBench {
    private JitBench() {}

    /** Native JIT best and median (ns) from bench/README.md, by program. */
    private static double[] nativeJit(BenchProgram p) {
        return switch (p) {
            case SUM_LOOP -> new double[] {272_000, 273_000};
            case MIX_LOOP -> new double[] {1_750_000, 1_840_000};
            case BYTE_SUM -> new double[] {17_900, 17_900};
            case DW_SUM -> new double[] {2_280, 2_280};
        };
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--jmh")) {
            jmh();
            return;
        }
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        System.out.printf(Locale.ROOT, "%-9s %14s %13s %13s %13s %8s %8s %8s %12s %12s%n", "program", "interp median", "jit best",
                "jit median", "native med", "jit/nat", "best/nat", "int/jit", "compile 1st", "compile warm");
        for (BenchProgram p : EnumSet.allOf(BenchProgram.class)) {
            JitExecutor[] compiled = new JitExecutor[1];
            BenchProgram.Prepared jit = p.prepare(BenchProgram.sharedDir(), prog -> compiled[0] = Jit.compileStrict(prog));
            BenchProgram.Prepared interp = p.prepare(BenchProgram.sharedDir(), Interpreter.FACTORY);
            double[] j = measure(jit, seconds, 150);
            double[] i = measure(interp, seconds, Math.max(10, (int) Math.min(60, 300_000_000L / p.instructions())));
            double[] n = nativeJit(p);
            System.out.printf(Locale.ROOT, "%-9s %11.1f us %10.2f us %10.2f us %10.2f us %7.2fx %7.2fx %7.1fx %9d us %9d us%n", p.file(),
                    i[1] / 1000, j[0] / 1000, j[1] / 1000, n[1] / 1000, j[1] / n[1], j[0] / n[0], i[1] / j[1],
                    compiled[0].compileTime().toNanos() / 1000, warmCompileNanos(compiled[0].program()) / 1000);
        }
    }

    /**
     * The median time to compile {@code program} once the JIT's own code is warm (what a program
     * loaded into a running system costs; the first compile in a JVM also loads ASM's classes).
     */
    private static long warmCompileNanos(dev.kbpf.exec.ExecutableProgram program) {
        long[] t = new long[200];
        for (int k = 0; k < 100; k++) Jit.compileStrict(program);
        for (int k = 0; k < t.length; k++) t[k] = Jit.compileStrict(program).compileTime().toNanos();
        Arrays.sort(t);
        return t[t.length / 2];
    }

    /** Warms up for {@code seconds}, then times {@code runs} single calls: best and median ns. */
    private static double[] measure(BenchProgram.Prepared p, double seconds, int runs) {
        long sink = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) sink += p.run();
        long[] t = new long[runs];
        for (int k = 0; k < runs; k++) {
            long s = System.nanoTime();
            sink += p.run();
            t[k] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        if (sink == 42) System.out.print("");
        return new double[] {t[0], t[runs / 2]};
    }

    private static void jmh() throws Exception {
        OptionsBuilder options = new OptionsBuilder();
        options.include(JitBenchmark.class.getName()).include(InterpreterBenchmark.class.getName())
                .forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Dkbpf.shared=" + BenchProgram.sharedDir().toAbsolutePath());
        for (RunResult r : new Runner(options.build()).run()) {
            System.out.printf(Locale.ROOT, "%-40s %-9s %10.2f ± %.2f us/run%n", r.getParams().getBenchmark(),
                    r.getParams().getParam("program"), r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError());
        }
    }
}
