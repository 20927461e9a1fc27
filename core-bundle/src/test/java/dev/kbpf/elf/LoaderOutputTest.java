package dev.kbpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kbpf.isa.Disassembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.InsnDecoder;
import dev.kbpf.isa.Opcodes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the runtime and the verifier take from a loaded object: valid bytecode, source lines, kfunc ids, globals. */
class LoaderOutputTest {

    @Test
    void everyProgramIsValidBytecodeForTheIsaDecoder() {
        for (String n : Examples.names()) {
            for (ProgramSpec p : Examples.load(n).programs()) {
                assertEquals(p.insns(), InsnDecoder.decode(p.bytecode()), n + "/" + p.name());
            }
        }
    }

    @Test
    void sourceLinesAnnotateTheListingAsTheVerifierLogDoes() {
        ProgramSpec p = Examples.load("counter").programs().get(0);
        Map<Integer, String> lines = p.sourceLines();
        assertEquals("; __u32 pid = c->ent.pid; @ counter.c:18", lines.get(2));
        StringBuilder log = new StringBuilder();
        Disassembler d = new Disassembler();
        for (int i = 0; i < p.insns().size(); i++) {
            if (lines.containsKey(i)) log.append(lines.get(i)).append('\n');
            log.append(d.line(i, p.insns().get(i), i + 1 < p.insns().size() ? p.insns().get(i + 1) : null)).append('\n');
            if (p.insns().get(i).isWide()) i++;
        }
        assertTrue(log.toString().contains("; __u32 pid = c->ent.pid; @ counter.c:18\n2: (61) r1 = *(u32 *)(r1 +4)\n"), log.toString());
        assertTrue(log.toString().contains("; val = bpf_map_lookup_elem(&counts, &pid); @ counter.c:20\n6: (18) r1 = map[idx:0]\n"), log.toString());
    }

    @Test
    void kfuncCallsTakeTheRegistrysIds() {
        ProgramSpec p = Examples.load("panic").programs().get(0);
        List<Insn> resolved = p.insnsWithKfuncIds(new int[] {4242});
        assertEquals(new Insn(Opcodes.JMP | Opcodes.CALL, 0, Opcodes.PSEUDO_KFUNC_CALL, 0, 4242), resolved.get(13));
        assertEquals(p.insns().subList(0, 13), resolved.subList(0, 13));
        assertThrows(IllegalArgumentException.class, () -> p.insnsWithKfuncIds(new int[0]));
    }

    @Test
    void globalsCanBeSetBeforeLoading() {
        BpfObject o = Examples.load("panic");
        BpfObject one = o.withGlobal("max_stops", 1L);
        assertEquals(1, ByteBuffer.wrap(one.map("panic.rodata").orElseThrow().initialValue()).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
        assertEquals(3, ByteBuffer.wrap(o.map("panic.rodata").orElseThrow().initialValue()).order(ByteOrder.LITTLE_ENDIAN).getLong(0), "the original is unchanged");
        assertEquals(o.programs(), one.programs());
        BpfObject g = Examples.load("globals").withGlobal("watched_type", 4L);
        assertEquals(4, g.map("globals.rodata").orElseThrow().initialValue()[0]);
        assertThrows(ElfException.class, () -> o.withGlobal("no_such_variable", 1L));
        assertThrows(ElfException.class, () -> o.withGlobal("max_stops", new byte[4]));
    }
}
