package dev.kbpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Linking as libbpf does it: subprograms that call subprograms within {@code .text} with
 * pc-relative calls that carry no relocation, and a callback whose address a subprogram takes.
 * Each function is appended once, in the order it is first reached, and every relative
 * {@code imm} is recomputed for the new layout.
 */
class SubprogramLinkingTest {
    private static final int CALL = Opcodes.JMP | Opcodes.CALL;

    @Test
    void nestedCallsAndACallbackInsideASubprogram() throws Exception {
        BpfObject o = ElfLoader.load(DataRelocationTest.fixture("nested_calls.o"), "nested_calls");
        ProgramSpec p = o.program("nested").orElseThrow();
        // nested (6), then middle and looper (called from nested), leaf (from middle), each (callback of looper)
        assertEquals(List.of("nested", "middle", "looper", "leaf", "each"), p.funcInfo().stream().map(FuncInfo::name).toList());
        assertEquals(List.of(0, 6, 14, 21, 24), p.funcInfo().stream().map(FuncInfo::insn).toList());
        assertEquals(32, p.insns().size());
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_CALL, 0, 4), p.insns().get(1));   // 1 + 4 + 1 = middle
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_CALL, 0, 10), p.insns().get(3));  // 3 + 10 + 1 = looper
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_CALL, 0, 13), p.insns().get(7));  // middle → leaf: 7 + 13 + 1 = 21
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_CALL, 0, 9), p.insns().get(11));  // middle → leaf again
        assertEquals(new Insn(CALL, 0, Opcodes.PSEUDO_CALL, 0, -4), p.insns().get(24)); // each → leaf, backwards
        // looper: r2 = the callback, a PSEUDO_FUNC lddw relative like a call: 15 + 8 + 1 = each
        assertEquals(new Insn(Opcodes.LD_IMM64, 2, Opcodes.PSEUDO_FUNC, 0, 8), p.insns().get(15));
        assertEquals(0, p.insns().get(16).imm());
        assertEquals(new Insn(CALL, 0, Opcodes.CALL_HELPER, 0, 181), p.insns().get(19)); // bpf_loop
        // line info travels with each function
        assertEquals("return x * 3;", p.lineCovering(22).orElseThrow().source());
        assertEquals("return leaf(i) > 6;", p.lineCovering(24).orElseThrow().source());
    }
}
