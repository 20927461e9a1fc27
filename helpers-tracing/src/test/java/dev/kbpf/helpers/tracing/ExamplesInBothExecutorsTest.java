package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ObjLoadAttr;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.TracepointField;
import dev.kbpf.elf.BpfObject;
import dev.kbpf.elf.ElfLoader;
import dev.kbpf.elf.ProgramSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every helper-only example object, loaded unchanged into two runtimes — one running the JIT, one
 * the interpreter — and fed the same tracepoint records: afterwards every map holds the same bytes
 * (ring buffers: the same records, but for timestamps, which differ between the two runs).
 */
class ExamplesInBothExecutorsTest {
    private static final Map<String, Integer> RECORD_SIZES = Map.of(
            "osgi:bundle_event", 88, "osgi:service_event", 96, "osgi:framework_event", 24,
            "jvm:gc_pause", 56, "jvm:thread_start", 48);

    @ParameterizedTest
    @ValueSource(strings = {"counter", "latency_hist", "ringbuf_events", "bounded_loop", "subprog", "tail_call",
            "loop_callback", "legacy_maps", "core_read"})
    void theJitAndTheInterpreterLeaveTheSameMaps(String example) {
        Path object = Path.of("..", "examples", example + ".o").toAbsolutePath().normalize();
        BpfObject spec = ElfLoader.load(object);
        try (HelperRuntime jit = new HelperRuntime(true); HelperRuntime interp = new HelperRuntime(false)) {
            Map<String, String> a = run(jit, object, spec);
            Map<String, String> b = run(interp, object, spec);
            assertFalse(a.isEmpty(), "the example has maps");
            assertEquals(b, a, example + ": maps after the same events, interpreter vs JIT");
            assertTrue(a.values().stream().anyMatch(v -> !v.isEmpty()), example + ": the events changed something");
        }
    }

    /** Loads, attaches every program to its tracepoint, fires 300 seeded records, and dumps the maps. */
    private static Map<String, String> run(HelperRuntime k, Path object, BpfObject spec) {
        LoadedObject o = k.bpf.objLoad(new ObjLoadAttr(object, Optional.empty(), Optional.empty(), 0, 0, dev.kbpf.api.Credentials.root()));
        List<String> targets = new ArrayList<>();
        for (ProgramSpec p : spec.programs()) {
            String target = p.attachTarget().orElseThrow();
            if (k.bpf.tracepoint(target).isEmpty()) {
                int size = RECORD_SIZES.get(target);
                k.bpf.defineTracepoint(target.substring(0, target.indexOf(':')), target.substring(target.indexOf(':') + 1),
                        List.of(TracepointField.chars("raw", 0, size)));
            }
            ProgInfo prog = o.programs().stream().filter(i -> i.name().equals(p.name().length() > 15 ? p.name().substring(0, 15) : p.name()))
                    .findFirst().orElseThrow();
            // tail-call targets are reached through the program array, not attached
            if (!p.name().startsWith("handle_")) k.bpf.attach(prog.id(), target);
            if (!targets.contains(target)) targets.add(target);
        }
        Random random = new Random(0x6b627066L);
        for (int i = 0; i < 300; i++) {
            String target = targets.get(i % targets.size());
            byte[] record = new byte[RECORD_SIZES.get(target)];
            random.nextBytes(record);
            // small field values, as real events have: type and state words, durations of up to ~1 s
            for (int off = 8; off < record.length; off += 8) {
                record[off + 4] = 0;
                record[off + 5] = 0;
                record[off + 6] = 0;
                record[off + 7] = 0;
                record[off + 3] &= 0x3f;
                if (off == 16) { record[off + 1] = 0; record[off + 2] = 0; record[off] &= 0x1f; }
            }
            k.bpf.tracepoint(target).orElseThrow().fireRecord(record);
        }
        Map<String, String> maps = new LinkedHashMap<>();
        for (MapInfo m : o.maps()) maps.put(m.name(), dump(k, m));
        return maps;
    }

    private static String dump(HelperRuntime k, MapInfo m) {
        StringBuilder sb = new StringBuilder();
        HexFormat hex = HexFormat.of();
        if (m.type() == MapType.RINGBUF) {
            // record sizes and order; contents hold timestamps (bpf_ktime_get_ns) that differ between runs
            try (var reader = k.bpf.ringBufferOpen(m.id(), data -> { sb.append(data.remaining()).append(' '); return 0; })) {
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
