package dev.kbpf.bench;

import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.RingBufferReader;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * program that looks a key up in a hash map and adds 1 atomically; the same followed by a
 * {@code bpf_ringbuf_output} of a 16-byte record (issue 10's tracing workload); and programs doing
 * one hash lookup, one hash update or one array lookup (subtract {@code return0} to get the map
 * operation alone). {@code jit} = 1 runs the JIT, 0 the interpreter.
 *
 * <h2>The ring buffer is drained</h2>
 * A ring buffer nobody reads fills up after a few thousand events, and from then on
 * {@code bpf_ringbuf_output} fails at once with {@code -EAGAIN}: an unread ring would measure that
 * failure path, not the event. {@link #hashLookupAtomicAddRingbufOutput} therefore consumes the
 * ring from the benchmark thread itself every {@value #DRAIN_EVERY} events, through the same
 * {@link RingBufferReader} a user-space consumer uses ({@code ring_buffer__consume}); the
 * 64 KiB ring holds about 2,700 of these 24-byte records (8-byte header + 16 bytes), so it never
 * fills between drains. The figure per event therefore includes 1/{@value #DRAIN_EVERY} of a
 * drain, i.e. reading each record once and checking it (what a consumer on the same CPU would
 * pay), and no cross-thread traffic, which a consumer thread on this 2-core shared machine would
 * add as noise. {@link #tearDown} drains what is left and fails the run (an exception, so JMH
 * reports the benchmark as failed) unless every fired event produced exactly one intact record and
 * one atomic increment: the figure cannot silently be that of dropped records.
 *
 * <h2>Warm-up: 5 s</h2>
 * Enough for the JIT's programs and, since {@code Interpreter.execute} is compiled once, for the
 * interpreter too: both are at their steady cost from the second one-second warm-up iteration on.
 * It used to take 20 s: C2 compiled the interpreter's loop as a long counted loop (the budget
 * counter) with a loop predicate checking {@code code[pc]} for the whole budget, which failed on
 * every run of these straight-line programs ({@code uncommon_trap reason='predicate'} at the
 * loop's back branch), so the method was recompiled about 100 times (up to
 * {@code -XX:PerMethodTrapLimit}) and events cost microseconds for the first 5-15 s. The
 * interpreter now advances {@code pc} by a step C2 cannot fold, which keeps that check out of the
 * predicates (see {@code Interpreter.execute}); {@code -XX:+LogCompilation} shows one C2
 * compilation of it. If warm-up iterations ever again cost far more than the measured ones, look
 * for {@code <uncommon_trap thread=} elements in such a log before raising the warm-up.
 *
 * <p>{@code bin/bench --tracepoints} runs it; report figures as ratios within one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TracepointBenchmark {

    @Param({"1", "0"})
    public int jit;

    /** Events between two drains of the ring buffer (a power of two: the test is a mask). */
    static final int DRAIN_EVERY = 1024;
    /** The ring buffer's size: 16 pages, room for well over {@link #DRAIN_EVERY} records. */
    private static final int RINGBUF_SIZE = 64 * 1024;
    /** Field {@code a} of the fired record; the program copies it into each ring buffer record. */
    private static final long FIELD_A = 0x1122_3344_5566_7788L;
    /** Field {@code b} of the fired record. */
    private static final long FIELD_B = 42;

    private ScheduledExecutorService scheduler;
    private BpfRuntime bpf;
    private TracepointDefinition nothing, return0, countHash, hashLookup, hashUpdate, arrayLookup, countOutput;
    private final byte[] record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(FIELD_A).putLong(FIELD_B).array();

    // the ring buffer workload: its own counter map, the ring, its reader and the tallies checked at tear-down
    private int outputCounts;
    private RingBufferReader ringReader;
    private long eventsFired, recordsRead, badRecords;

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
        outputCounts = bpf.mapCreate(MapAttr.of(MapType.HASH, 4, 8, 1024).withName("counts")).id();
        int ring = bpf.mapCreate(MapAttr.of(MapType.RINGBUF, 0, 0, RINGBUF_SIZE).withName("events")).id();
        bpf.mapUpdate(outputCounts, new byte[4], new byte[8], 0);
        ringReader = bpf.ringBufferOpen(ring, this::onRecord);
        // key 0 on the stack, lookup, null check, atomic add; then the record {ctx->a, ctx->b}
        // built on the stack and copied into the ring with bpf_ringbuf_output (helper 130)
        countOutput = attach("count_output", """
                mov %r6, %r1
                stw [%r10-4], 0
                mov %r2, %r10
                add %r2, -4
                lddw %r1, MAP
                call 1
                jeq %r0, 0, +2
                mov %r1, 1
                lock add [%r0+0], %r1
                ldxdw %r7, [%r6+0]
                stxdw [%r10-24], %r7
                ldxdw %r7, [%r6+8]
                stxdw [%r10-16], %r7
                lddw %r1, MAP_1
                mov %r2, %r10
                add %r2, -24
                mov %r3, 16
                mov %r4, 0
                call 130
                mov %r0, 0
                exit""", outputCounts, ring);
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

    /**
     * Loads {@code asm} as a tracepoint program attached to a new tracepoint {@code bench:name}.
     * {@code lddw %r1, MAP} loads the handle of map {@code mapIds[0]}, {@code MAP_1} that of
     * {@code mapIds[1]}, and so on (pseudo map fd lddws).
     */
    private TracepointDefinition attach(String name, String asm, int... mapIds) {
        final int placeholder = 0x7fff0000;
        for (int m = mapIds.length - 1; m >= 1; m--) asm = asm.replace("MAP_" + m, Integer.toString(placeholder + m));
        List<Insn> insns = new ArrayList<>(Assembler.assemble(asm.replace("MAP", Integer.toString(placeholder))));
        for (int i = 0; i < insns.size(); i++) {
            Insn in = insns.get(i);
            int m = in.imm() - placeholder;
            if (in.opcode() == Opcodes.LD_IMM64 && m >= 0 && m < mapIds.length) {
                insns.set(i, new Insn(in.opcode(), in.dst(), Opcodes.PSEUDO_MAP_FD, 0, mapIds[m]));
            }
        }
        TracepointDefinition tp = tracepoint(name);
        int prog = bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, name, insns)).id();
        bpf.attach(prog, "bench:" + name);
        return tp;
    }

    /** The ring buffer consumer: counts the records and checks that each is the fired {a, b}. */
    private int onRecord(ByteBuffer data) {
        if (data.remaining() == 16 && data.getLong(0) == FIELD_A && data.getLong(8) == FIELD_B) recordsRead++;
        else badRecords++;
        return 0;
    }

    /**
     * Drains the ring, then checks the ring buffer workload (when this trial ran it): one intact
     * record and one increment of the counter per event fired, or the trial fails.
     */
    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (eventsFired > 0) {
                ringReader.consume();
                long count = ByteBuffer.wrap(bpf.mapLookup(outputCounts, new byte[4]).orElseThrow())
                        .order(ByteOrder.LITTLE_ENDIAN).getLong();
                long dropped = eventsFired - recordsRead - badRecords;
                if (dropped != 0 || badRecords != 0 || count != eventsFired) {
                    throw new IllegalStateException("ring buffer workload did not run as measured: " + eventsFired
                            + " events fired, " + recordsRead + " records read, " + badRecords + " malformed, " + dropped
                            + " dropped, counter " + count);
                }
                System.out.printf("%n[ring buffer check] %,d events, %,d records read, none dropped, counter %,d%n",
                        eventsFired, recordsRead, count);
            }
        } finally {
            ringReader.close();
            bpf.shutdown();
            scheduler.shutdownNow();
        }
    }

    @Benchmark
    public void nothingAttached() { nothing.fireRecord(record); }

    @Benchmark
    public void return0() { return0.fireRecord(record); }

    @Benchmark
    public void hashLookupAtomicAdd() { countHash.fireRecord(record); }

    /**
     * Issue 10's tracing workload: hash lookup, atomic add and {@code bpf_ringbuf_output} of a
     * 16-byte record, with the ring drained every {@value #DRAIN_EVERY} events (see the class
     * comment).
     */
    @Benchmark
    public void hashLookupAtomicAddRingbufOutput() {
        countOutput.fireRecord(record);
        if ((++eventsFired & (DRAIN_EVERY - 1)) == 0) ringReader.consume();
    }

    @Benchmark
    public void hashLookup() { hashLookup.fireRecord(record); }

    @Benchmark
    public void hashUpdate() { hashUpdate.fireRecord(record); }

    @Benchmark
    public void arrayLookup() { arrayLookup.fireRecord(record); }
}
