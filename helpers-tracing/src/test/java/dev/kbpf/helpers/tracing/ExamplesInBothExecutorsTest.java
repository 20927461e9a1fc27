package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ObjLoadAttr;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.TracepointField;
import dev.kbpf.elf.BpfObject;
import dev.kbpf.elf.ElfLoader;
import dev.kbpf.elf.ProgramSpec;
import dev.kbpf.spi.BpfHelper;
import dev.kbpf.spi.HelperFunction;
import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.sysctl.StandardSysctls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example object ({@code examples/*.o}), loaded unchanged into two runtimes — one running
 * the JIT, one the interpreter — and fed the same tracepoint records, half of them fired at the
 * attached programs and half run through {@code BPF_PROG_TEST_RUN}. Both runtimes get this
 * bundle's helpers, each wrapped to log its call (the five argument registers and r0), with a
 * clock that ticks the same in both, and the same stand-ins for the kfuncs the examples call
 * ({@link StandInKfuncs}, bound through the kfunc registry as the real ones are; the destructive
 * ones loaded behind {@code BPF_F_DESTRUCTIVE} and {@code kernel.destructive_bpf_enabled=1}).
 * Afterwards the two must agree on every map (ring buffers: every record, byte for byte), on
 * every helper and kfunc call in order, on every r0 and on the kernel log.
 */
class ExamplesInBothExecutorsTest {
    private static final Map<String, Integer> RECORD_SIZES = Map.of(
            "osgi:bundle_event", 88, "osgi:service_event", 96, "osgi:framework_event", 24,
            "jvm:gc_pause", 56, "jvm:thread_start", 48);
    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
    /** The objects this test was written for; any other object in the folder is run as well. */
    private static final List<String> KNOWN = List.of("bounded_loop", "core_read", "counter", "crash_kexec", "globals", "latency_hist",
            "legacy_maps", "loop_callback", "panic", "ringbuf_events", "subprog", "tail_call");

    /** Every compiled example, by name. */
    static Stream<String> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".o")).map(n -> n.substring(0, n.length() - 2))
                    .sorted().toList().stream();
        }
    }

    @Test
    void everyExampleIsHere() throws IOException {
        assertTrue(examples().toList().containsAll(KNOWN), "examples: " + examples().toList());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void theJitAndTheInterpreterAgree(String example) {
        Path object = EXAMPLES.resolve(example + ".o");
        BpfObject spec = ElfLoader.load(object);
        Map<String, String> jit = run(true, object, spec);
        Map<String, String> interp = run(false, object, spec);
        assertEquals(interp.keySet(), jit.keySet());
        for (String what : interp.keySet()) assertEquals(interp.get(what), jit.get(what), example + ": " + what + ", interpreter vs JIT");
        assertTrue(interp.entrySet().stream().anyMatch(e -> e.getKey().startsWith("map ") && !e.getValue().isEmpty()),
                example + ": the events changed no map");
        boolean callsKfuncs = spec.programs().stream().anyMatch(p -> p.insns().stream()
                .anyMatch(i -> i.opcode() == (dev.kbpf.isa.Opcodes.JMP | dev.kbpf.isa.Opcodes.CALL) && i.src() == dev.kbpf.isa.Opcodes.PSEUDO_KFUNC_CALL));
        if (callsKfuncs) assertTrue(interp.get("calls").contains("kfunc "), example + ": calls kfuncs, but none was called:\n" + interp.get("calls"));
    }

    /**
     * Loads the object into a fresh runtime, attaches every program to its tracepoint, feeds it
     * 300 seeded records and says what came of it: each map's contents, the calls, the r0 of
     * every test run and the kernel log.
     */
    private static Map<String, String> run(boolean jit, Path object, BpfObject spec) {
        List<String> calls = new ArrayList<>();
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        List<BpfHelper> helpers = new ArrayList<>();
        for (BpfHelper h : TracingHelpers.create(new KernelClock(() -> clock.addAndGet(12_345)), CurrentTask.ofThisProcess())) {
            helpers.add(new BpfHelper(h.descriptor(), recorded(h.descriptor().funcName(), h.function(), calls)));
        }
        Map<String, String> out = new LinkedHashMap<>();
        try (HelperRuntime k = new HelperRuntime(jit, helpers)) {
            k.bpf.setKfuncRegistry(new StandInKfuncs(calls));
            k.sysctls.set(StandardSysctls.DESTRUCTIVE_BPF_ENABLED.name(), 1, Credentials.root());
            LoadedObject o = k.bpf.objLoad(new ObjLoadAttr(object, Optional.empty(), Optional.empty(), LoadFlags.BPF_F_DESTRUCTIVE, 0,
                    Credentials.root()));
            assertEquals(jit, o.programs().stream().allMatch(p -> k.bpf.progJited(p.id()).isPresent()), "every program jited: " + jit);
            Map<String, List<Integer>> attached = new LinkedHashMap<>();
            for (ProgramSpec p : spec.programs()) {
                String target = p.attachTarget().orElseThrow();
                if (k.bpf.tracepoint(target).isEmpty()) {
                    int size = RECORD_SIZES.get(target);
                    k.bpf.defineTracepoint(target.substring(0, target.indexOf(':')), target.substring(target.indexOf(':') + 1),
                            List.of(TracepointField.chars("raw", 0, size)));
                }
                ProgInfo prog = o.programs().stream().filter(i -> i.name().equals(p.name().length() > 15 ? p.name().substring(0, 15) : p.name()))
                        .findFirst().orElseThrow();
                List<Integer> progs = attached.computeIfAbsent(target, t -> new ArrayList<>());
                // tail-call targets are reached through the program array, not attached
                if (!p.name().startsWith("handle_")) {
                    k.bpf.attach(prog.id(), target);
                    progs.add(prog.id());
                }
            }
            List<String> targets = List.copyOf(attached.keySet());
            StringBuilder r0s = new StringBuilder();
            Random random = new Random(0x6b627066L);
            for (int i = 0; i < 300; i++) {
                String target = targets.get(i % targets.size());
                byte[] record = record(target, random);
                if (i % 2 == 0) {
                    k.bpf.tracepoint(target).orElseThrow().fireRecord(record);
                } else {
                    for (int prog : attached.get(target)) r0s.append(Long.toHexString(k.bpf.progTestRun(prog, record, 1).retval())).append(' ');
                }
            }
            for (MapInfo m : o.maps()) out.put("map " + m.name(), dump(k, m));
            out.put("calls", String.join("\n", calls));
            out.put("r0", r0s.toString());
            // the kernel log (a fault would show there), but for the boot line with its random boot id
            out.put("kernel log", k.machine.dmesg().stream().map(KmsgRecord::text).filter(t -> !t.startsWith("kbpf version "))
                    .reduce("", (a, b) -> a + b + "\n"));
        }
        return out;
    }

    /** A seeded record with small field values, as real events have: type and state words, durations of up to ~1 s. */
    private static byte[] record(String target, Random random) {
        byte[] record = new byte[RECORD_SIZES.get(target)];
        random.nextBytes(record);
        for (int off = 8; off < record.length; off += 8) {
            record[off + 4] = 0;
            record[off + 5] = 0;
            record[off + 6] = 0;
            record[off + 7] = 0;
            record[off + 3] &= 0x3f;
            if (off == 16) { record[off + 1] = 0; record[off + 2] = 0; record[off] &= 0x1f; }
        }
        // bundle events: the event type (offset 16) one of the eight Felix knows, so the examples watching one type see it often
        if (target.equals("osgi:bundle_event")) { record[16] &= 0x07; record[19] = 0; }
        return record;
    }

    /** {@code body}, logging each call — name, r1-r5 as the program left them, r0 — to {@code log}. */
    private static HelperFunction recorded(String name, HelperFunction body, List<String> log) {
        return (ctx, r1, r2, r3, r4, r5) -> {
            int at = log.size();
            log.add(name + "(" + Long.toHexString(r1) + ", " + Long.toHexString(r2) + ", " + Long.toHexString(r3) + ", "
                    + Long.toHexString(r4) + ", " + Long.toHexString(r5) + ")");
            long r0 = body.call(ctx, r1, r2, r3, r4, r5);
            log.set(at, log.get(at) + " = " + Long.toHexString(r0));
            return r0;
        };
    }

    private static String dump(HelperRuntime k, MapInfo m) {
        StringBuilder sb = new StringBuilder();
        HexFormat hex = HexFormat.of();
        if (m.type() == MapType.RINGBUF) {
            try (var reader = k.bpf.ringBufferOpen(m.id(), data -> {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                sb.append(hex.formatHex(b)).append('\n');
                return 0;
            })) {
                reader.consume();
            }
            return sb.toString();
        }
        if (m.type() == MapType.PROG_ARRAY || m.type() == MapType.PERF_EVENT_ARRAY) return "";
        Optional<byte[]> key = k.bpf.mapGetNextKey(m.id(), null);
        while (key.isPresent()) {
            byte[] kb = key.get();
            sb.append(hex.formatHex(kb)).append('=').append(k.bpf.mapLookup(m.id(), kb).map(hex::formatHex).orElse("-")).append('\n');
            key = k.bpf.mapGetNextKey(m.id(), kb);
        }
        return sb.toString();
    }
}
