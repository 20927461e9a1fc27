package dev.kbpf.bench;

import dev.kbpf.interp.Interpreter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Collection;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Prints the interpreter's time per run and per executed instruction on the ../shared/bench
 * programs. Without arguments: a quick measurement (warm-up, then best and median of single timed
 * runs, like the C figures in the README, and the thread's CPU time per instruction, which a busy
 * shared machine disturbs less than wall time), twice:
 * <ul>
 * <li><b>isolated</b>: each program in a fresh JVM, as JMH forks and as the README's C figures
 *     were taken. HotSpot profiles the interpreter loop and specialises it to the opcodes it saw;</li>
 * <li><b>mixed</b>: all programs warmed in one JVM first, then each measured: the loop compiled for
 *     every opcode the four use, closer to a system running many different programs.</li>
 * </ul> With {@code --jmh}: a short JMH run
 * (1 fork, 3 warm-up and 5 measured iterations of 1 s) of {@link InterpreterBenchmark}.
 * Further arguments name programs ({@code sum_loop}, ...) to limit the set.
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        boolean jmh = false, child = false;
        EnumSet<BenchProgram> programs = EnumSet.noneOf(BenchProgram.class);
        for (String a : args) {
            if (a.equals("--jit")) {
                // the JIT against the interpreter and the native JIT's figures (JitBench), or its JMH run
                JitBench.main(java.util.Arrays.stream(args).filter(x -> !x.equals("--jit")).toArray(String[]::new));
                return;
            }
            if (a.equals("--tracepoints")) {
                // tracepoint events and map operations from programs (TracepointBenchmark)
                new Runner(new OptionsBuilder().include(TracepointBenchmark.class.getName()).build()).run();
                return;
            }
            if (a.equals("--jmh")) jmh = true;
            else if (a.equals("--child")) child = true;
            else programs.add(BenchProgram.valueOf(a.toUpperCase()));
        }
        if (programs.isEmpty()) programs = EnumSet.allOf(BenchProgram.class);
        if (jmh) {
            jmh(programs);
        } else if (child) {
            measure(programs, false);
        } else {
            System.out.println("isolated (a fresh JVM per program):");
            header();
            for (BenchProgram p : programs) fork(p);
            System.out.println("mixed (one JVM, all programs warmed first):");
            header();
            measure(programs, true);
        }
    }

    private static void header() {
        System.out.printf("  %-9s %12s %12s %12s %12s %12s%n", "program", "best", "median", "ns/insn best", "ns/insn med", "cpu ns/insn");
    }

    /** Runs this class with {@code --child} for one program in a new JVM and copies its output. */
    private static void fork(BenchProgram p) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Dkbpf.shared=" + BenchProgram.sharedDir().toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), Bench.class.getName(), "--child", p.name())
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (child.waitFor() != 0) throw new IllegalStateException("benchmark of " + p.file() + " failed");
    }

    private static void measure(Collection<BenchProgram> programs, boolean warmAllFirst) {
        List<BenchProgram.Prepared> prepared = new ArrayList<>();
        for (BenchProgram p : programs) prepared.add(p.prepare(BenchProgram.sharedDir(), Interpreter.FACTORY));
        if (warmAllFirst) {
            for (BenchProgram.Prepared p : prepared) warm(p);
        }
        int i = 0;
        for (BenchProgram p : programs) measure(p, prepared.get(i++));
    }

    private static long warm(BenchProgram.Prepared prepared) {
        long sink = 0;
        long warmUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        int warm = 0;
        while (System.nanoTime() < warmUntil || warm < 5) { sink += prepared.run(); warm++; }
        return sink;
    }

    private static void measure(BenchProgram p, BenchProgram.Prepared prepared) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        {
            long sink = warm(prepared);
            long[] times = new long[Math.max(10, (int) Math.min(150, 2_000_000_000L / Math.max(1, p.instructions() * 4)))];
            long cpu0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < times.length; i++) {
                long t0 = System.nanoTime();
                sink += prepared.run();
                times[i] = System.nanoTime() - t0;
            }
            double cpuPerInsn = (double) (threads.getCurrentThreadCpuTime() - cpu0) / times.length / p.instructions();
            Arrays.sort(times);
            long best = times[0], median = times[times.length / 2];
            System.out.printf("  %-9s %12s %12s %12.2f %12.2f %12.2f%s%n", p.file(), duration(best), duration(median),
                    (double) best / p.instructions(), (double) median / p.instructions(), cpuPerInsn, sink == 42 ? " " : "");
        }
    }

    private static void jmh(Collection<BenchProgram> programs) throws RunnerException {
        OptionsBuilder options = new OptionsBuilder();
        options.include(InterpreterBenchmark.class.getName())
                .param("program", programs.stream().map(Enum::name).toArray(String[]::new))
                .forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Dkbpf.shared=" + BenchProgram.sharedDir().toAbsolutePath());
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.printf("%-9s %16s %12s%n", "program", "us/run (JMH)", "ns/insn");
        for (RunResult r : results) {
            BenchProgram p = BenchProgram.valueOf(r.getParams().getParam("program"));
            double us = r.getPrimaryResult().getScore();
            System.out.printf("%-9s %10.1f ± %-5.1f %10.2f%n", p.file(), us, r.getPrimaryResult().getScoreError(),
                    us * 1000 / p.instructions());
        }
    }

    private static String duration(long ns) {
        if (ns >= 1_000_000) return String.format("%.2f ms", ns / 1e6);
        return String.format("%.1f us", ns / 1e3);
    }
}
