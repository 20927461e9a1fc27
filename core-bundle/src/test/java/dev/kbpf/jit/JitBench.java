package dev.kbpf.jit;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.Assembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The shared benchmarks ({@code ../shared/bench}) in the JIT and the interpreter, in one process:
 * warm, one call per run, compile time excluded, best and median of many runs — the way the
 * README measured the C runtimes, whose figures it prints beside ours as ratios.
 *
 * <p>Run (after {@code ./mvnw -o -q -pl core-bundle test-compile}):
 * <pre>
 * java -cp core-bundle/target/classes:core-bundle/target/test-classes:$HOME/.m2/repository/org/ow2/asm/asm/9.11.1/asm-9.11.1.jar \
 *     dev.kbpf.jit.JitBench ../shared/bench
 * </pre>
 * (A bench main rather than JMH: the project has no benchmarks module yet.)
 */
public final class JitBench {
    private JitBench() {}

    /** name, memory file or null, expected r0, native JIT best and median (ns), C interpreter median (ns): bench/README.md. */
    private record Bench(String name, String memory, long expected, double nativeBest, double nativeMedian, double cInterpMedian) {}

    private static final List<Bench> BENCHES = List.of(
            new Bench("sum_loop", null, 0x746a5a2920L, 272_000, 273_000, 10_250_000),
            new Bench("mix_loop", null, 0x15d467b4688L, 1_750_000, 1_840_000, 68_100_000),
            new Bench("byte_sum", "rand64k.mem", 0x800f1bL, 17_900, 17_900, 1_200_000),
            new Bench("dw_sum", "rand64k.mem", 0xcebbfd8309c50d9L, 2_280, 2_280, 145_000));

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/bench");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        System.out.printf(Locale.ROOT, "%-9s %14s %14s %14s %14s %9s %9s %10s%n", "program", "interp median", "jit best", "jit median",
                "native median", "jit/nat", "int/jit", "compile");
        for (Bench b : BENCHES) {
            List<Insn> insns = Assembler.assemble(Files.readString(dir.resolve(b.name + ".asm")));
            byte[] memory = b.memory == null ? new byte[0] : Files.readAllBytes(dir.resolve(b.memory));
            ExecutableProgram program = ExecutableProgram.unverified(insns, FunctionTable.EMPTY);
            Executor interp = new Interpreter(program);
            JitExecutor jit = Jit.compileStrict(program);
            double[] j = measure(jit, memory, b.expected, seconds, 150);
            double[] i = measure(interp, memory, b.expected, seconds, 15);
            System.out.printf(Locale.ROOT, "%-9s %11.1f us %11.2f us %11.2f us %11.2f us %8.2fx %8.1fx %7d us%n", b.name, i[1] / 1000,
                    j[0] / 1000, j[1] / 1000, b.nativeMedian / 1000, j[1] / b.nativeMedian, i[1] / j[1], jit.compileTime().toNanos() / 1000);
        }
        event(seconds);
    }

    /**
     * The shape of a tracing event (issue 10's workload, with stand-ins until maps and ring
     * buffers exist): read a field of the context, look a value up through a helper, atomically
     * add to it, hand a stack record to an output helper, return. ns per run, interpreter vs JIT.
     */
    static void event(double seconds) {
        dev.kbpf.memory.RegionTable regions = new dev.kbpf.memory.RegionTable();
        byte[] values = new byte[64];
        long valueAddr = dev.kbpf.memory.Address.of(regions.register(Region.of(RegionKind.MAP_VALUE, "counts", values)), 0);
        long[] sink = new long[1];
        FunctionTable helpers = FunctionTable.builder()
                .put(1, "map_lookup_elem", (c, r1, r2, r3, r4, r5) -> valueAddr + ((c.load(r2, 4) & 7) << 3))
                .put(130, "ringbuf_output", (c, r1, r2, r3, r4, r5) -> { sink[0] += c.load(r2, 8); return 0; })
                .build();
        List<Insn> insns = Assembler.assemble(String.join("\n",
                "mov %r6, %r1",
                "ldxw %r7, [%r6+4]",            // a context field
                "stxw [%r10-4], %r7",           // the key on the stack
                "mov %r2, %r10",
                "add %r2, -4",
                "lddw %r1, 0",                  // the map (a stand-in pointer)
                "call 1",                       // map_lookup_elem
                "jeq %r0, 0, out",
                "mov %r1, 1",
                "lock add [%r0+0], %r1",
                "out:",
                "stxdw [%r10-16], %r7",
                "mov %r2, %r10",
                "add %r2, -16",
                "mov %r3, 8",
                "mov %r4, 0",
                "call 130",                     // ringbuf_output
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
            System.out.printf(Locale.ROOT, "event    %-12s %8.1f ns per run (best of 20 x 100,000)%n", e instanceof JitExecutor ? "jit" : "interpreter", best);
        }
    }

    /** Warms up for {@code seconds}, then times {@code runs} single calls: best and median ns. */
    private static double[] measure(Executor e, byte[] memory, long expected, double seconds, int runs) {
        ExecutionContext ctx = new ExecutionContext();
        long r1 = memory.length == 0 ? 0 : ctx.attachExtra(0, Region.of(RegionKind.RAW, "bench memory", memory));
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) check(e.run(ctx, r1, memory.length, 0, 0, 0), expected);
        long[] t = new long[runs];
        for (int k = 0; k < runs; k++) {
            long s = System.nanoTime();
            long r0 = e.run(ctx, r1, memory.length, 0, 0, 0);
            t[k] = System.nanoTime() - s;
            check(r0, expected);
        }
        Arrays.sort(t);
        return new double[] {t[0], t[runs / 2]};
    }

    private static void check(long r0, long expected) {
        if (r0 != expected) throw new AssertionError("r0 0x" + Long.toHexString(r0) + ", expected 0x" + Long.toHexString(expected));
    }
}
