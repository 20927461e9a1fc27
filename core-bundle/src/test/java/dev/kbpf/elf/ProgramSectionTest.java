package dev.kbpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** libbpf {@code SEC()} names → program type, attach kind and target. */
class ProgramSectionTest {

    private static ProgramSection parse(String s) { return ProgramSection.parse(s).orElseThrow(); }

    private static void is(String sec, ProgType type, AttachKind kind, String target) {
        assertEquals(new ProgramSection(type, kind, Optional.ofNullable(target)), parse(sec), sec);
    }

    @Test
    void everySectionKbpfKnows() {
        is("tracepoint/osgi/bundle_event", ProgType.TRACEPOINT, AttachKind.TRACEPOINT, "osgi:bundle_event");
        is("tp/jvm/gc_pause", ProgType.TRACEPOINT, AttachKind.TRACEPOINT, "jvm:gc_pause");
        is("tracepoint", ProgType.TRACEPOINT, AttachKind.TRACEPOINT, null);
        is("raw_tracepoint/bundle_event", ProgType.RAW_TRACEPOINT, AttachKind.RAW_TRACEPOINT, "bundle_event");
        is("raw_tp/gc_pause", ProgType.RAW_TRACEPOINT, AttachKind.RAW_TRACEPOINT, "gc_pause");
        is("kprobe/do_unlinkat", ProgType.KPROBE, AttachKind.KPROBE, "do_unlinkat");
        is("kretprobe/do_unlinkat", ProgType.KPROBE, AttachKind.KRETPROBE, "do_unlinkat");
        is("kprobe", ProgType.KPROBE, AttachKind.KPROBE, null);
        is("fentry/Bundle.start", ProgType.TRACING, AttachKind.FENTRY, "Bundle.start");
        is("fexit/Bundle.start", ProgType.TRACING, AttachKind.FEXIT, "Bundle.start");
        is("perf_event", ProgType.PERF_EVENT, AttachKind.PERF_EVENT, null);
        is("socket", ProgType.SOCKET_FILTER, AttachKind.SOCKET_FILTER, null);
        is("xdp", ProgType.XDP, AttachKind.XDP, null);
        is("lirc_mode2", ProgType.LIRC_MODE2, AttachKind.LIRC_MODE2, null);
    }

    @Test
    void anObjectWithEverySectionFormLoadsEachProgramWithItsType() throws Exception {
        BpfObject o = ElfLoader.load(DataRelocationTest.fixture("sections.o"), "sections");
        assertEquals("Dual MIT/GPL", o.license());
        assertTrue(o.isGplCompatible());
        record Expect(String name, ProgType type, AttachKind kind, String target, int r0) {}
        List<Expect> expected = List.of(
                new Expect("tp_full", ProgType.TRACEPOINT, AttachKind.TRACEPOINT, "osgi:bundle_event", 1),
                new Expect("tp_short", ProgType.TRACEPOINT, AttachKind.TRACEPOINT, "jvm:gc_pause", 2),
                new Expect("raw_full", ProgType.RAW_TRACEPOINT, AttachKind.RAW_TRACEPOINT, "bundle_event", 3),
                new Expect("raw_short", ProgType.RAW_TRACEPOINT, AttachKind.RAW_TRACEPOINT, "gc_pause", 4),
                new Expect("kp", ProgType.KPROBE, AttachKind.KPROBE, "Bundle.start", 5),
                new Expect("kretp", ProgType.KPROBE, AttachKind.KRETPROBE, "Bundle.start", 6),
                new Expect("fent", ProgType.TRACING, AttachKind.FENTRY, "Bundle.stop", 7),
                new Expect("fex", ProgType.TRACING, AttachKind.FEXIT, "Bundle.stop", 8),
                new Expect("perf", ProgType.PERF_EVENT, AttachKind.PERF_EVENT, null, 9),
                new Expect("sock", ProgType.SOCKET_FILTER, AttachKind.SOCKET_FILTER, null, 10),
                new Expect("xdp_pass", ProgType.XDP, AttachKind.XDP, null, 2),
                new Expect("lirc", ProgType.LIRC_MODE2, AttachKind.LIRC_MODE2, null, 0));
        assertEquals(expected.size(), o.programs().size());
        for (int i = 0; i < expected.size(); i++) {
            Expect e = expected.get(i);
            ProgramSpec p = o.programs().get(i);
            assertEquals(e.name(), p.name());
            assertEquals(e.type(), p.type(), e.name());
            assertEquals(e.kind(), p.attachKind(), e.name());
            assertEquals(Optional.ofNullable(e.target()), p.attachTarget(), e.name());
            // each is `r0 = N; exit`
            assertEquals(List.of(new Insn(Opcodes.ALU64 | Opcodes.MOV | Opcodes.K, 0, 0, 0, e.r0()), new Insn(Opcodes.JMP | Opcodes.EXIT, 0, 0, 0, 0)),
                    p.insns(), e.name());
        }
    }

    @Test
    void otherNamesAreNotProgramSections() {
        for (String s : new String[] {".text", "license", ".maps", "xdp.frags", "uprobe/x", "tracepoints/a/b", "socketx", ""}) {
            assertFalse(ProgramSection.parse(s).isPresent(), s);
        }
    }

    @Test
    void malformedTracepointSections() {
        for (String s : new String[] {"tracepoint/osgi", "tp/osgi/", "tracepoint//x", "tracepoint/a/b/c", "kprobe/", "tp/"}) {
            ElfException e = assertThrows(ElfException.class, () -> ProgramSection.parse(s), s);
            assertTrue(e.getMessage().contains("'" + s + "'"), e.getMessage());
        }
    }

    @Test
    void internalMapNamesFollowLibbpfAndFitFifteenCharacters() {
        assertEquals("counter.rodata", MapCollector.internalMapName("counter", ".rodata"));
        assertEquals("my_objec.rodata", MapCollector.internalMapName("my_object_name", ".rodata"));
        assertEquals("my_objec.bss", MapCollector.internalMapName("my_object_name", ".bss"));
        assertEquals("panic.data", MapCollector.internalMapName("panic", ".data"));
        assertEquals(".rodata.str1.1", MapCollector.internalMapName("panic", ".rodata.str1.1"));
        assertEquals(".data.very_long", MapCollector.internalMapName("x", ".data.very_long_name"));
        assertEquals("my_obj_.bss", MapCollector.internalMapName("my-obj!", ".bss"));
        assertEquals(".rodata_config_", MapCollector.internalMapName("a", ".rodata_config_x")); // no room left for a prefix
    }

    @Test
    void gplCompatibleLicensesAreTheKernelsList() {
        for (String l : new String[] {"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"}) {
            assertTrue(Licenses.isGplCompatible(l), l);
        }
        for (String l : new String[] {"", "gpl", "GPL ", "Proprietary", "MIT", "BSD", "GPLv2", "Dual BSD/GPL\n"}) {
            assertFalse(Licenses.isGplCompatible(l), l);
        }
        assertFalse(Licenses.isGplCompatible(null));
    }
}
