package dev.kbpf.shell.cfg;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.isa.Disassembler;
import dev.kbpf.isa.Insn;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlFlowGraphTest {

    static Insn i(int op, int dst, int src, int off, int imm) { return new Insn(op, dst, src, off, imm); }

    @Test
    void blocksAndEdgesOfABranchAndALoop() {
        List<Insn> p = List.of(
                i(0xb7, 0, 0, 0, 0),      // 0: r0 = 0
                i(0x07, 0, 0, 0, 1),      // 1: r0 += 1       <- loop head
                i(0xa5, 0, 0, -2, 10),    // 2: if r0 < 10 goto pc-2
                i(0x05, 0, 0, 1, 0),      // 3: goto pc+1
                i(0xb7, 0, 0, 0, 9),      // 4: r0 = 9 (dead)
                i(0x95, 0, 0, 0, 0));     // 5: exit
        ControlFlowGraph g = ControlFlowGraph.of(p);
        assertEquals(1, g.functions().size());
        ControlFlowGraph.Function f = g.functions().get(0);
        assertEquals(List.of(new ControlFlowGraph.Block(0, 0, 0), new ControlFlowGraph.Block(1, 6, 6), new ControlFlowGraph.Block(2, 0, 1),
                new ControlFlowGraph.Block(3, 1, 3), new ControlFlowGraph.Block(4, 3, 4), new ControlFlowGraph.Block(5, 4, 5),
                new ControlFlowGraph.Block(6, 5, 6)), f.blocks());
        assertEquals(List.of(new ControlFlowGraph.Edge(0, 2, false), new ControlFlowGraph.Edge(2, 3, false),
                new ControlFlowGraph.Edge(3, 4, false), new ControlFlowGraph.Edge(3, 3, true),
                new ControlFlowGraph.Edge(4, 6, true), new ControlFlowGraph.Edge(5, 6, false),
                new ControlFlowGraph.Edge(6, 1, false)), f.edges());
    }

    @Test
    void subprogramsAreFunctionsAndLddwIsOneInstruction() {
        List<Insn> p = List.of(
                i(0x18, 1, 0, 0, 0x11), i(0, 0, 0, 0, 0x22), // 0-1: r1 = 0x2200000011 ll
                i(0x85, 0, 1, 0, 1),                          // 2: call pc+1 -> 4
                i(0x95, 0, 0, 0, 0),                          // 3: exit
                i(0xb7, 0, 0, 0, 7),                          // 4: r0 = 7 (func 1)
                i(0x95, 0, 0, 0, 0));                         // 5: exit
        ControlFlowGraph g = ControlFlowGraph.of(p);
        assertEquals(2, g.functions().size());
        assertEquals(0, g.functions().get(0).start());
        assertEquals(4, g.functions().get(0).end());
        assertEquals(4, g.functions().get(1).start());
        // a call does not end a block
        assertEquals(3, g.functions().get(0).blocks().size());
        String dot = DotWriter.write(g, p, new Disassembler());
        assertTrue(dot.contains("subgraph \"cluster_1\" {"), dot);
        assertTrue(dot.contains("label=\"func_1 ()\""), dot);
        assertTrue(dot.contains("0: (18) r1 = 0x2200000011 ll\\l\\\n | 2: (85) call pc+1\\l"), dot);
        assertTrue(dot.contains("fn_1_bb_2 [shape=record,style=filled,label=\"{0: (b7) r0 = 7\\l"), "indexes restart in each function:\n" + dot);
        assertTrue(dot.contains("fn_1_bb_0:s -> fn_1_bb_1:n [style=\"invis\", constraint=true];"), dot);
        assertTrue(dot.endsWith("}\n}\n"), dot);
    }

    @Test
    void recordLabelCharactersAreEscaped() {
        assertEquals("a \\| b \\{c\\} \\<d\\> \\\"e\\\"", DotWriter.escape("a | b {c} <d> \"e\""));
    }
}
