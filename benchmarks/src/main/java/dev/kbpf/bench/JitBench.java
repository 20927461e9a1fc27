package dev.kbpf.bench;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.Assembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.jit.Jit;
import dev.kbpf.jit.JitExecutor;
import dev.kbpf.memory.Address;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import dev.kbpf.memory.RegionTable;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JIT against the interpreter on ../shared/bench, in one process, and against the native
 * x86-64 JIT figures of bench/README.md: warm, one call per run, compile time excluded, best and
 * median of single timed runs (as the README measured). Then the shape of a tracing event (context
 * read, helper look-up, atomic add, output helper) in ns per run.
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
        System.out.printf(Locale.ROOT, "%-9s %14s %13s %13s %13s %8s %8s %8s %10s%n", "program", "interp median", "jit best",
                "jit median", "native med", "jit/nat", "best/nat", "int/jit", "compile");
        for (BenchProgram p : EnumSet.allOf(BenchProgram.class)) {
            JitExecutor[] compiled = new JitExecutor[1];
            BenchProgram.Prepared jit = p.prepare(BenchProgram.sharedDir(), prog -> compiled[0] = Jit.compileStrict(prog));
            BenchProgram.Prepared interp = p.prepare(BenchProgram.sharedDir(), Interpreter.FACTORY);
            double[] j = measure(jit, seconds, 150);
            double[] i = measure(interp, seconds, Math.max(10, (int) Math.min(60, 300_000_000L / p.instructions())));
            double[] n = nativeJit(p);
            System.out.printf(Locale.ROOT, "%-9s %11.1f us %10.2f us %10.2f us %10.2f us %7.2fx %7.2fx %7.1fx %7d us%n", p.file(),
                    i[1] / 1000, j[0] / 1000, j[1] / 1000, n[1] / 1000, j[1] / n[1], j[0] / n[0], i[1] / j[1],
                    compiled[0].compileTime().toNanos() / 1000);
        }
        event(seconds);
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

    /**
     * The shape of a tracing event (issue 10's workload, with stand-in helpers until the real map
     * and ring buffer helpers are wired in): read a context field, store it on the stack as a key,
     * look a value up through a helper, atomically add to it, hand a stack record to an output
     * helper, return 0. ns per run, interpreter and JIT.
     */
    static void event(double seconds) {
        RegionTable regions = new RegionTable();
        byte[] values = new byte[64];
        long valueAddr = Address.of(regions.register(Region.of(RegionKind.MAP_VALUE, "counts", values)), 0);
        long[] sink = new long[1];
        FunctionTable helpers = FunctionTable.builder()
                .put(1, "map_lookup_elem", (c, r1, r2, r3, r4, r5) -> valueAddr + ((c.load(r2, 4) & 7) << 3))
                .put(130, "ringbuf_output", (c, r1, r2, r3, r4, r5) -> { sink[0] += c.load(r2, 8); return 0; })
                .build();
        List<Insn> insns = Assembler.assemble(String.join("\n",
                "mov %r6, %r1",
                "ldxw %r7, [%r6+4]",
                "stxw [%r10-4], %r7",
                "mov %r2, %r10",
                "add %r2, -4",
                "lddw %r1, 0",
                "call 1",
                "jeq %r0, 0, out",
                "mov %r1, 1",
                "lock add [%r0+0], %r1",
                "out:",
                "stxdw [%r10-16], %r7",
                "mov %r2, %r10",
                "add %r2, -16",
                "mov %r3, 8",
                "mov %r4, 0",
                "call 130",
                "mov %r0, 0",
                "exit"));
        ExecutableProgram program = ExecutableProgram.unverified(insns, helpers);
        byte[] record = new byte[16];
        record[4] = 3;
        for (Executor e : new Executor[] {new Interpreter(program), Jit.compileStrict(program)}) {
            ExecutionContext ctx = new ExecutionContext(regions);
            long r1 = ctx.setContext(Region.of(RegionKind.CONTEXT, "tracepoint record", record));
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) for (int k = 0; k < 1000; k++) e.run(ctx, r1);
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 20; round++) {
                long s = System.nanoTime();
                for (int k = 0; k < 100_000; k++) e.run(ctx, r1);
                best = Math.min(best, (System.nanoTime() - s) / 100_000.0);
            }
            System.out.printf(Locale.ROOT, "event     %-12s %8.1f ns per run (best of 20 x 100,000)%n",
                    e instanceof JitExecutor ? "jit" : "interpreter", best);
        }
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
