package dev.kbpf.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each committed example object loads into the programs, maps and relocations its C source declares. */
class ExamplesTest {
    private static final int CALL = Opcodes.JMP | Opcodes.CALL;

    private static List<Integer> helperCalls(ProgramSpec p) {
        List<Integer> ids = new ArrayList<>();
        for (Insn i : p.insns()) if (i.opcode() == CALL && i.src() == Opcodes.CALL_HELPER) ids.add(i.imm());
        return ids;
    }

    /** Indexes of lddw instructions with this pseudo source. */
    private static List<Integer> loads(ProgramSpec p, int src) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < p.insns().size(); i++) if (p.insns().get(i).opcode() == Opcodes.LD_IMM64 && p.insns().get(i).src() == src) at.add(i);
        return at;
    }

    private static Insn insn(ProgramSpec p, int i) { return p.insns().get(i); }

    private static ProgramSpec only(BpfObject o) {
        assertEquals(1, o.programs().size(), "programs of " + o.name());
        return o.programs().get(0);
    }

    private static long u64(byte[] b, int off) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(off); }

    private static String cString(byte[] b, int off) {
        int e = off;
        while (b[e] != 0) e++;
        return new String(b, off, e - off, StandardCharsets.UTF_8);
    }

    @Test
    void counterCountsPerPidInAHashMap() {
        BpfObject o = Examples.load("counter");
        assertEquals("counter", o.name());
        assertEquals("GPL", o.license());
        assertTrue(o.isGplCompatible());
        assertEquals(1, o.maps().size());
        MapSpec counts = o.maps().get(0);
        assertEquals("counts", counts.name());
        assertEquals(MapKind.BTF, counts.kind());
        assertEquals(MapType.HASH, counts.type());
        assertEquals(4, counts.keySize());
        assertEquals(8, counts.valueSize());
        assertEquals(1024, counts.maxEntries());
        assertFalse(counts.readOnly());

        ProgramSpec p = only(o);
        assertEquals("count_bundle_events", p.name());
        assertEquals("tracepoint/osgi/bundle_event", p.section());
        assertEquals(ProgType.TRACEPOINT, p.type());
        assertEquals(AttachKind.TRACEPOINT, p.attachKind());
        assertEquals(Optional.of("osgi:bundle_event"), p.attachTarget());
        assertEquals(22, p.insns().size());
        assertEquals(List.of(6, 16), loads(p, Opcodes.PSEUDO_MAP_IDX));
        for (int at : List.of(6, 16)) {
            assertEquals(0, insn(p, at).imm(), "map index of counts");
            assertEquals(0, insn(p, at + 1).imm());
        }
        assertEquals(List.of(1, 2), helperCalls(p));
        assertEquals(List.of(), p.kfuncs());
        // the context read of the pid: r1 = *(u32 *)(r1 + 4), under its source line
        assertEquals(new Insn(Opcodes.LDX | Opcodes.MEM | Opcodes.W, 1, 1, 4, 0), insn(p, 2));
        LineInfo line = p.lineAt(2).orElseThrow();
        assertEquals("__u32 pid = c->ent.pid;", line.source());
        assertEquals(18, line.line());
        assertTrue(line.file().endsWith("counter.c"), line.file());
        assertEquals("; __u32 pid = c->ent.pid; @ counter.c:18", line.verifierLogLine());
        assertEquals(18, p.lineCovering(3).orElseThrow().line());
        assertEquals(List.of(new FuncInfo(0, "count_bundle_events", p.funcInfo().get(0).btfTypeId())), p.funcInfo());
        assertEquals(22 * 8, p.bytecode().length);
    }

    @Test
    void latencyHistogramUsesAnArrayOfLog2Buckets() {
        BpfObject o = Examples.load("latency_hist");
        assertEquals("Dual BSD/GPL", o.license());
        assertTrue(o.isGplCompatible());
        MapSpec hist = o.map("hist").orElseThrow();
        assertEquals(MapType.ARRAY, hist.type());
        assertEquals(4, hist.keySize());
        assertEquals(8, hist.valueSize());
        assertEquals(64, hist.maxEntries());
        ProgramSpec p = only(o);
        assertEquals("gc_pause_hist", p.name());
        assertEquals("tp/jvm/gc_pause", p.section());
        assertEquals(Optional.of("jvm:gc_pause"), p.attachTarget());
        assertEquals(List.of(1), helperCalls(p));
        int lookup = loads(p, Opcodes.PSEUDO_MAP_IDX).get(0);
        assertEquals(o.mapIndex("hist").getAsInt(), insn(p, lookup).imm());
    }

    @Test
    void ringbufEventsReserveAndSubmit() {
        BpfObject o = Examples.load("ringbuf_events");
        MapSpec events = o.map("events").orElseThrow();
        assertEquals(MapType.RINGBUF, events.type());
        assertEquals(0, events.keySize());
        assertEquals(0, events.valueSize());
        assertEquals(256 * 1024, events.maxEntries());
        ProgramSpec p = only(o);
        assertEquals(Optional.of("osgi:service_event"), p.attachTarget());
        // bpf_ringbuf_reserve, ktime_get_ns, get_current_pid_tgid, probe_read_kernel_str, bpf_ringbuf_submit
        assertEquals(List.of(131, 5, 14, 115, 132), helperCalls(p));
    }

    @Test
    void boundedLoopJumpsBackwards() {
        BpfObject o = Examples.load("bounded_loop");
        ProgramSpec p = only(o);
        assertEquals(MapType.HASH, o.map("by_name").orElseThrow().type());
        assertEquals(256, o.map("by_name").orElseThrow().maxEntries());
        boolean backEdge = false;
        for (Insn i : p.insns()) {
            if (i.cls() == Opcodes.JMP && i.opcode() != CALL && i.opcode() != (Opcodes.JMP | Opcodes.EXIT) && i.off() < 0) backEdge = true;
        }
        assertTrue(backEdge, "the loop is a backward jump");
        assertTrue(p.lineInfo().stream().anyMatch(l -> l.source().startsWith("for (int i = 0; i < NAME_LEN; i++)")));
        // the name is copied to the stack before the loop: bpf_probe_read_kernel_str
        assertEquals(115, helperCalls(p).get(0));
    }

    /** Every local call lands on the first instruction of a function that func info names. */
    private static void assertCallsLandOnFunctions(ProgramSpec p) {
        for (int i = 0; i < p.insns().size(); i++) {
            Insn in = insn(p, i);
            if (in.opcode() == CALL && in.src() == Opcodes.PSEUDO_CALL) {
                int target = i + in.imm() + 1;
                assertTrue(p.funcInfo().stream().anyMatch(f -> f.insn() == target && target > 0),
                        p.name() + ": call at " + i + " lands at " + target + ", not a subprogram start " + p.funcInfo());
            }
        }
    }

    @Test
    void subprogramsAreAppendedToEachProgramThatCallsThem() {
        BpfObject o = Examples.load("subprog");
        assertEquals(List.of("on_thread_start", "on_bundle_event"), o.programs().stream().map(ProgramSpec::name).toList());
        ProgramSpec start = o.program("on_thread_start").orElseThrow();
        assertEquals(Optional.of("jvm:thread_start"), start.attachTarget());
        // 10 own instructions, then the static bump (14); the global slot_for is not called, so not appended
        assertEquals(List.of("on_thread_start", "bump"), start.funcInfo().stream().map(FuncInfo::name).toList());
        assertEquals(List.of(0, 10), start.funcInfo().stream().map(FuncInfo::insn).toList());
        assertEquals(24, start.insns().size());
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_CALL, 0, 6), insn(start, 3)); // bump(0, 1): 3 + 6 + 1 = 10
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_CALL, 0, 2), insn(start, 7)); // bump again: 7 + 2 + 1 = 10
        assertCallsLandOnFunctions(start);
        // the map reference inside the appended subprogram is relocated too
        assertEquals(List.of(14), loads(start, Opcodes.PSEUDO_MAP_IDX));
        assertEquals(o.mapIndex("stats").getAsInt(), insn(start, 14).imm());
        // line info follows the subprogram to its new place
        assertTrue(start.lineCovering(14).orElseThrow().source().contains("bpf_map_lookup_elem(&stats, &slot)"), start.lineCovering(14).toString());

        ProgramSpec bundle = o.program("on_bundle_event").orElseThrow();
        // slot_for (global, called first, 9 instructions) then bump, each appended once in the order of first call
        assertEquals(List.of("on_bundle_event", "slot_for", "bump"), bundle.funcInfo().stream().map(FuncInfo::name).toList());
        assertEquals(List.of(0, 6, 15), bundle.funcInfo().stream().map(FuncInfo::insn).toList());
        assertEquals(6 + 9 + 14, bundle.insns().size());
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_CALL, 0, 4), insn(bundle, 1));  // slot_for: 1 + 4 + 1 = 6
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_CALL, 0, 10), insn(bundle, 4)); // bump: 4 + 10 + 1 = 15
        assertCallsLandOnFunctions(bundle);
        // the same subprogram body in both programs
        assertEquals(start.insns().subList(10, 24), bundle.insns().subList(15, 29));
    }

    @Test
    void globalsBecomeInternalArrayMapsWithTheirInitialValues() {
        BpfObject o = Examples.load("globals");
        assertEquals(List.of("globals.rodata", "globals.data", "globals.bss", ".rodata.str1.1"),
                o.maps().stream().map(MapSpec::name).toList());
        for (MapSpec m : o.maps()) {
            assertEquals(MapKind.GLOBAL_DATA, m.kind());
            assertEquals(MapType.ARRAY, m.type());
            assertEquals(4, m.keySize());
            assertEquals(1, m.maxEntries());
            assertEquals(m.valueSize(), m.initialValue().length);
        }
        MapSpec rodata = o.map("globals.rodata").orElseThrow();
        assertTrue(rodata.readOnly());
        assertTrue(rodata.frozen());
        assertEquals(MapSpec.BPF_F_RDONLY_PROG, rodata.flags());
        assertEquals(new GlobalVariable("watched_type", 0, 4), rodata.variable("watched_type").orElseThrow());
        assertEquals(new GlobalVariable("report_every", 8, 8), rodata.variable("report_every").orElseThrow());
        assertEquals(2, u64(rodata.initialValue(), 0) & 0xffffffffL);
        assertEquals(10, u64(rodata.initialValue(), 8));
        MapSpec data = o.map("globals.data").orElseThrow();
        assertFalse(data.readOnly());
        assertFalse(data.frozen());
        assertEquals(100, u64(data.initialValue(), 0));
        MapSpec bss = o.map("globals.bss").orElseThrow();
        assertArrayEquals(new byte[16], bss.initialValue());
        assertEquals(8, bss.variable("matched").orElseThrow().offset());
        MapSpec str = o.map(".rodata.str1.1").orElseThrow();
        assertTrue(str.readOnly() && str.frozen());
        assertEquals("another batch of watched bundle events", cString(str.initialValue(), 0));

        ProgramSpec p = only(o);
        int dataIdx = o.mapIndex("globals.data").getAsInt(), bssIdx = o.mapIndex("globals.bss").getAsInt();
        int roIdx = o.mapIndex("globals.rodata").getAsInt(), strIdx = o.mapIndex(".rodata.str1.1").getAsInt();
        List<Integer> at = loads(p, Opcodes.PSEUDO_MAP_IDX_VALUE);
        assertEquals(List.of(0, 6, 11, 14, 19, 28), at);
        // (map index, offset in the section) of: seen, watched_type, last_bundle_id, matched, report_every, the string
        int[][] expected = {{dataIdx, 0}, {roIdx, 0}, {bssIdx, 0}, {bssIdx, 8}, {roIdx, 8}, {strIdx, 0}};
        for (int k = 0; k < at.size(); k++) {
            assertEquals(expected[k][0], insn(p, at.get(k)).imm(), "map of lddw at " + at.get(k));
            assertEquals(expected[k][1], insn(p, at.get(k) + 1).imm(), "offset of lddw at " + at.get(k));
        }
        assertEquals(List.of("bpf_console_print"), p.kfuncs());
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_KFUNC_CALL, 0, 0), insn(p, 30));
    }

    @Test
    void tailCallDispatchesThroughAProgArrayTheObjectFills() {
        BpfObject o = Examples.load("tail_call");
        assertEquals(List.of("handle_started", "handle_stopped", "dispatch"), o.programs().stream().map(ProgramSpec::name).toList());
        for (ProgramSpec p : o.programs()) {
            assertEquals("tracepoint/osgi/bundle_event", p.section());
            assertEquals(Optional.of("osgi:bundle_event"), p.attachTarget());
            assertEquals(p.name(), p.funcInfo().get(0).name());
            assertEquals(0, p.funcInfo().get(0).insn());
        }
        MapSpec handlers = o.map("handlers").orElseThrow();
        assertEquals(MapType.PROG_ARRAY, handlers.type());
        assertEquals(4, handlers.keySize());
        assertEquals(4, handlers.valueSize());
        assertEquals(8, handlers.maxEntries());
        assertEquals(List.of(new MapSlot(1, "handle_started"), new MapSlot(2, "handle_stopped")), handlers.initialSlots());
        ProgramSpec dispatch = o.program("dispatch").orElseThrow();
        assertTrue(helperCalls(dispatch).contains(12), "bpf_tail_call");
        int tail = helperCalls(dispatch).indexOf(12);
        // the lddw just before the tail call loads the program array into r2
        int lddw = loads(dispatch, Opcodes.PSEUDO_MAP_IDX).stream().filter(i -> insn(dispatch, i).dst() == 2).findFirst().orElseThrow();
        assertEquals(o.mapIndex("handlers").getAsInt(), insn(dispatch, lddw).imm());
        assertEquals(0, tail);
        ProgramSpec stopped = o.program("handle_stopped").orElseThrow();
        assertEquals(22, stopped.insns().size());
        assertEquals(o.mapIndex("handled").getAsInt(), insn(stopped, 6).imm());
    }

    @Test
    void panicCallsTheKfuncWithAConstantString() {
        BpfObject o = Examples.load("panic");
        ProgramSpec p = only(o);
        assertEquals(List.of("bpf_panic"), p.kfuncs());
        int call = -1;
        for (int i = 0; i < p.insns().size(); i++) if (insn(p, i).src() == Opcodes.PSEUDO_KFUNC_CALL && insn(p, i).opcode() == CALL) call = i;
        assertEquals(13, call);
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_KFUNC_CALL, 0, 0), insn(p, call));
        // r1 = the message: a value in the frozen .rodata.str1.1 map
        Insn msg = insn(p, 11);
        assertEquals(Opcodes.PSEUDO_MAP_IDX_VALUE, msg.src());
        assertEquals(1, msg.dst());
        MapSpec strings = o.maps().get(msg.imm());
        assertEquals(".rodata.str1.1", strings.name());
        assertTrue(strings.readOnly() && strings.frozen());
        assertEquals("too many bundles stopped", cString(strings.initialValue(), insn(p, 12).imm()));
        assertEquals(3, u64(o.map("panic.rodata").orElseThrow().initialValue(), 0));
        assertEquals("bpf_panic(\"too many bundles stopped\");", p.lineCovering(call).orElseThrow().source());
    }

    @Test
    void crashKexecCallsTheKfunc() {
        BpfObject o = Examples.load("crash_kexec");
        ProgramSpec p = only(o);
        assertEquals(Optional.of("jvm:gc_pause"), p.attachTarget());
        assertEquals(List.of("crash_kexec"), p.kfuncs());
        long kfuncCalls = p.insns().stream().filter(i -> i.opcode() == CALL && i.src() == Opcodes.PSEUDO_KFUNC_CALL).count();
        assertEquals(1, kfuncCalls);
        assertEquals(500_000_000L, u64(o.map("crash_ke.rodata").orElseThrow().initialValue(), 0));
        assertEquals(MapType.ARRAY, o.map("worst").orElseThrow().type());
    }

    @Test
    void legacyMapsComeFromStructBpfMapDef() {
        BpfObject o = Examples.load("legacy_maps");
        assertEquals("GPL v2", o.license());
        assertTrue(o.isGplCompatible());
        MapSpec pauses = o.maps().get(0), collectors = o.maps().get(1);
        assertEquals("pauses", pauses.name());
        assertEquals(MapKind.LEGACY, pauses.kind());
        assertEquals(MapType.PERCPU_ARRAY, pauses.type());
        assertEquals(4, pauses.keySize());
        assertEquals(8, pauses.valueSize());
        assertEquals(2, pauses.maxEntries());
        assertEquals("collectors", collectors.name());
        assertEquals(MapType.LRU_HASH, collectors.type());
        assertEquals(32, collectors.keySize());
        assertEquals(16, collectors.maxEntries());
        ProgramSpec p = only(o);
        List<Integer> at = loads(p, Opcodes.PSEUDO_MAP_IDX);
        assertEquals(List.of(0, 1, 1), at.stream().map(i -> insn(p, i).imm()).toList());
    }

    @Test
    void loopCallbackIsAPseudoFuncLoadOfAnAppendedSubprogram() {
        BpfObject o = Examples.load("loop_callback");
        ProgramSpec p = only(o);
        assertEquals(Optional.of("osgi:framework_event"), p.attachTarget());
        assertEquals(List.of(6), loads(p, Opcodes.PSEUDO_FUNC));
        int callback = 6 + insn(p, 6).imm() + 1;
        assertEquals(20, callback);
        assertEquals(new FuncInfo(20, "add_bucket", p.funcInfo().get(1).btfTypeId()), p.funcInfo().get(1));
        assertEquals(0, insn(p, 7).imm());
        assertEquals(List.of(181, 1, 1), helperCalls(p)); // bpf_loop, then lookups in sum_buckets and the callback
        assertEquals(20 + 14, p.insns().size());
        // the callback's own map reference, relocated in its appended copy
        assertEquals(o.mapIndex("buckets").getAsInt(), insn(p, 24).imm());
        assertEquals(Opcodes.PSEUDO_MAP_IDX, insn(p, 24).src());
    }

    @Test
    void coreRelocationsAreCheckedAgainstLocalBtf() {
        BpfObject o = Examples.load("core_read");
        ProgramSpec p = only(o);
        // BPF_CORE_READ(ctx, duration_ns): r1 = 16, the field's offset in the record
        assertEquals(new Insn(Opcodes.ALU64 | Opcodes.MOV | Opcodes.K, 1, 0, 0, 16), insn(p, 9));
        // bpf_core_type_size(struct gc_pause___core) = 56
        assertEquals(new Insn(Opcodes.ALU64 | Opcodes.MOV | Opcodes.K, 1, 0, 0, 56), insn(p, 29));
    }

    @Test
    void everyExampleLoadsWithLineInfoAndCallsThatLand() {
        List<String> names = Examples.names();
        assertTrue(names.size() >= 10, names.toString());
        for (String n : names) {
            BpfObject o = Examples.load(n);
            assertTrue(o.isGplCompatible(), n);
            for (ProgramSpec p : o.programs()) {
                assertFalse(p.lineInfo().isEmpty(), n + "/" + p.name() + " has line info");
                assertEquals(p.name(), p.funcInfo().get(0).name());
                assertCallsLandOnFunctions(p);
                for (LineInfo l : p.lineInfo()) assertTrue(l.insn() >= 0 && l.insn() < p.insns().size(), n + ": " + l);
                // every lddw that refers to a map uses a valid map index
                for (int i = 0; i < p.insns().size(); i++) {
                    Insn in = insn(p, i);
                    if (in.opcode() == Opcodes.LD_IMM64 && (in.src() == Opcodes.PSEUDO_MAP_IDX || in.src() == Opcodes.PSEUDO_MAP_IDX_VALUE)) {
                        assertTrue(in.imm() >= 0 && in.imm() < o.maps().size(), n + ": map index at " + i);
                    }
                    if (in.opcode() == CALL && in.src() == Opcodes.PSEUDO_KFUNC_CALL) assertTrue(in.imm() < p.kfuncs().size());
                }
            }
        }
    }

    @Test
    void thePathOverloadNamesTheObjectAfterItsFile() {
        BpfObject fromPath = ElfLoader.load(Examples.dir().resolve("counter.o"));
        BpfObject fromBytes = ElfLoader.load(Examples.bytes("counter"), "counter");
        assertEquals("counter", fromPath.name());
        assertEquals(fromBytes, fromPath);
    }
}
