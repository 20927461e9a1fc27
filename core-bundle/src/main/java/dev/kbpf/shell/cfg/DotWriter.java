package dev.kbpf.shell.cfg;

import dev.kbpf.isa.Disassembler;
import dev.kbpf.isa.Insn;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link ControlFlowGraph} in Graphviz DOT with the layout of bpftool's
 * {@code prog dump xlated visual}: one dashed cluster per function ({@code func_N ()}), ENTRY and
 * EXIT as {@code Mdiamond} nodes, each basic block a {@code record} node listing its instructions
 * left-aligned ({@code \l}), and bold successor edges from a block's south to the next one's north.
 * Render it with {@code dot -Tpng}.
 */
public final class DotWriter {
    private DotWriter() {}

    public static String write(ControlFlowGraph cfg, List<Insn> insns, Disassembler dis) {
        StringBuilder sb = new StringBuilder("digraph \"DOT graph for eBPF program\" {\n");
        for (ControlFlowGraph.Function f : cfg.functions()) {
            sb.append("subgraph \"cluster_").append(f.index()).append("\" {\n\tstyle=\"dashed\";\n\tcolor=\"black\";\n\tlabel=\"func_")
                    .append(f.index()).append(" ()\";\n");
            for (ControlFlowGraph.Block b : f.blocks()) node(sb, f, b, insns, dis);
            for (ControlFlowGraph.Edge e : f.edges())
                sb.append(String.format(Locale.ROOT,
                        "\tfn_%d_bb_%d:s -> fn_%d_bb_%d:n [style=\"solid,bold\", color=%s, weight=10, constraint=true];%n",
                        f.index(), e.from(), f.index(), e.to(), e.jump() ? "red" : "black"));
            // an invisible edge from ENTRY to EXIT keeps EXIT at the bottom of the layout, as bpftool does
            sb.append(String.format(Locale.ROOT, "\tfn_%d_bb_%d:s -> fn_%d_bb_%d:n [style=\"invis\", constraint=true];%n",
                    f.index(), ControlFlowGraph.ENTRY_BLOCK, f.index(), ControlFlowGraph.EXIT_BLOCK));
            sb.append("}\n");
        }
        return sb.append("}\n").toString();
    }

    private static void node(StringBuilder sb, ControlFlowGraph.Function f, ControlFlowGraph.Block b, List<Insn> insns, Disassembler dis) {
        sb.append(String.format(Locale.ROOT, "\tfn_%d_bb_%d [shape=%s,style=filled,label=\"", f.index(), b.index(),
                b.isSpecial() ? "Mdiamond" : "record"));
        if (b.index() == ControlFlowGraph.ENTRY_BLOCK) sb.append("ENTRY");
        else if (b.index() == ControlFlowGraph.EXIT_BLOCK) sb.append("EXIT");
        else {
            sb.append('{');
            boolean first = true;
            for (int i = b.start(); i < b.end(); i++) {
                Insn in = insns.get(i);
                Insn next = i + 1 < insns.size() ? insns.get(i + 1) : null;
                if (!first) sb.append(" | ");
                first = false;
                sb.append(escape(String.format(Locale.ROOT, "%d: (%02x) %s", i - f.start(), in.opcode(), dis.format(in, next))))
                        .append("\\l\\\n");
                if (in.isWide()) i++;
            }
            sb.append('}');
        }
        sb.append("\"];\n\n");
    }

    /** Characters that mean something inside a DOT record label are escaped with a backslash. */
    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if ("\"{}<>|\\".indexOf(c) >= 0) sb.append('\\');
            sb.append(c);
        }
        return sb.toString();
    }
}
