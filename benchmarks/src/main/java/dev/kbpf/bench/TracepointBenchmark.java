package dev.kbpf.bench;

import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.TracepointField;
import dev.kbpf.helpers.tracing.TracingHelpers;
import dev.kbpf.isa.Assembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.machine.FrameworkMachine;
import dev.kbpf.machine.RecordingFrameworkControl;
import dev.kbpf.runtime.BpfRuntime;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.sysctl.SysctlStore;
import dev.kbpf.tracepoint.TracepointDefinition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one tracepoint event, by what is attached: nothing; a program that returns 0; a
 * program that looks a key up in a hash map and adds 1 atomically; and programs doing one hash
 * lookup, one hash update or one array lookup (subtract {@code return0} to get the map
 * operation alone). {@code jit} = 1 runs the JIT, 0 the interpreter.
 *
 * <p>{@code bin/bench --tracepoints} runs it; report figures as ratios within one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TracepointBenchmark {

    @Param({"1", "0"})
    public int jit;

    private ScheduledExecutorService scheduler;
    private BpfRuntime bpf;
    private TracepointDefinition nothing, return0, countHash, hashLookup, hashUpdate, arrayLookup;
    private final byte[] record = new byte[16];

    @Setup(Level.Trial)
    public void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        SysctlRegistry sysctls = SysctlRegistry.withStandardSysctls(SysctlStore.none(), scheduler, Clock.systemUTC(), w -> {});
        sysctls.set("net.core.bpf_jit_enable", jit, dev.kbpf.api.Credentials.root());
        FrameworkMachine machine = FrameworkMachine.builder(new RecordingFrameworkControl(), sysctls, scheduler).console(l -> {}).build();
        bpf = new BpfRuntime(machine, sysctls);
        bpf.addHelperProvider(this, "dev.kbpf.helpers.tracing", TracingHelpers.create());
        int hash = bpf.mapCreate(MapAttr.of(MapType.HASH, 4, 8, 1024).withName("h")).id();
        int array = bpf.mapCreate(MapAttr.of(MapType.ARRAY, 4, 8, 1).withName("a")).id();
        bpf.mapUpdate(hash, new byte[4], new byte[8], 0);

        nothing = tracepoint("nothing");
        return0 = attach("return0", "mov %r0, 0\nexit", -1);
        countHash = attach("count", """
                stw [%r10-4], 0
                mov %r2, %r10
                add %r2, -4
                lddw %r1, MAP
                call 1
                jeq %r0, 0, +2
                mov %r1, 1
                lock add [%r0+0], %r1
                mov %r0, 0
                exit""", hash);
        hashLookup = attach("hash_lookup", """
                stw [%r10-4], 0
                mov %r2, %r10
                add %r2, -4
                lddw %r1, MAP
                call 1
                mov %r0, 0
                exit""", hash);
        hashUpdate = attach("hash_update", """
                stw [%r10-4], 0
                stdw [%r10-16], 7
                mov %r2, %r10
                add %r2, -4
                mov %r3, %r10
                add %r3, -16
                mov %r4, 0
                lddw %r1, MAP
                call 2
                mov %r0, 0
                exit""", hash);
        arrayLookup = attach("array_lookup", """
                stw [%r10-4], 0
                mov %r2, %r10
                add %r2, -4
                lddw %r1, MAP
                call 1
                mov %r0, 0
                exit""", array);
    }

    private TracepointDefinition tracepoint(String name) {
        bpf.defineTracepoint("bench", name, List.of(TracepointField.u64("a", 0), TracepointField.u64("b", 8)));
        return bpf.tracepointRegistry().require("bench:" + name);
    }

    /** {@code lddw %r1, MAP} loads the handle of map {@code mapId} (a pseudo map fd lddw). */
    private TracepointDefinition attach(String name, String asm, int mapId) {
        List<Insn> insns = new ArrayList<>(Assembler.assemble(asm.replace("MAP", "0x7fff0000")));
        for (int i = 0; i < insns.size(); i++) {
            Insn in = insns.get(i);
            if (in.opcode() == Opcodes.LD_IMM64 && in.imm() == 0x7fff0000) insns.set(i, new Insn(in.opcode(), in.dst(), Opcodes.PSEUDO_MAP_FD, 0, mapId));
        }
        TracepointDefinition tp = tracepoint(name);
        int prog = bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, name, insns)).id();
        bpf.attach(prog, "bench:" + name);
        return tp;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bpf.shutdown();
        scheduler.shutdownNow();
    }

    @Benchmark
    public void nothingAttached() { nothing.fireRecord(record); }

    @Benchmark
    public void return0() { return0.fireRecord(record); }

    @Benchmark
    public void hashLookupAtomicAdd() { countHash.fireRecord(record); }

    @Benchmark
    public void hashLookup() { hashLookup.fireRecord(record); }

    @Benchmark
    public void hashUpdate() { hashUpdate.fireRecord(record); }

    @Benchmark
    public void arrayLookup() { arrayLookup.fireRecord(record); }
}
