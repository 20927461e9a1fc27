package dev.kbpf.shell.cfg;

import static dev.kbpf.isa.Opcodes.*;

import dev.kbpf.isa.Insn;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The control-flow graph of a program, as {@code bpftool prog dump xlated visual} draws it: the
 * program split into functions at the targets of BPF-to-BPF calls, each function into basic
 * blocks, with an ENTRY block (index 0) and an EXIT block (index 1) per function and the
 * instruction blocks numbered from 2.
 *
 * <p>Block edges: a conditional jump has two successors (fall-through and target), {@code goto}
 * one (the target), {@code exit} the EXIT block, anything else its next block. Unlike bpftool,
 * an {@code exit} is not drawn as falling through to the next block.
 */
public record ControlFlowGraph(List<Function> functions) {

    public static final int ENTRY_BLOCK = 0, EXIT_BLOCK = 1;

    /** A function: its index, the slots it spans [start, end), its blocks and edges. */
    public record Function(int index, int start, int end, List<Block> blocks, List<Edge> edges) {}

    /** A basic block of instruction slots [start, end); ENTRY and EXIT have none. */
    public record Block(int index, int start, int end) {
        public boolean isSpecial() { return index == ENTRY_BLOCK || index == EXIT_BLOCK; }
    }

    /** A successor edge; {@code jump} is true for a taken branch, false for a fall-through. */
    public record Edge(int from, int to, boolean jump) {}

    public static ControlFlowGraph of(List<Insn> insns) {
        int n = insns.size();
        TreeSet<Integer> funcStarts = new TreeSet<>();
        funcStarts.add(0);
        for (int i = 0; i < n; i++) {
            Insn in = insns.get(i);
            if (isCall(in) && in.src() == PSEUDO_CALL) addIfInside(funcStarts, i + 1 + in.imm(), n);
            if (in.isWide()) i++;
        }
        List<Function> functions = new ArrayList<>();
        List<Integer> starts = new ArrayList<>(funcStarts);
        for (int f = 0; f < starts.size(); f++) {
            int start = starts.get(f), end = f + 1 < starts.size() ? starts.get(f + 1) : n;
            if (start < end) functions.add(function(functions.size(), insns, start, end));
        }
        return new ControlFlowGraph(List.copyOf(functions));
    }

    private static Function function(int index, List<Insn> insns, int start, int end) {
        TreeSet<Integer> leaders = new TreeSet<>();
        leaders.add(start);
        for (int i = start; i < end; i++) {
            Insn in = insns.get(i);
            int next = in.isWide() ? i + 2 : i + 1;
            if (isJump(in)) {
                addIfWithin(leaders, jumpTarget(in, i), start, end);
                addIfWithin(leaders, next, start, end);
            } else if (isExit(in)) {
                addIfWithin(leaders, next, start, end);
            }
            if (in.isWide()) i++;
        }
        List<Block> blocks = new ArrayList<>();
        blocks.add(new Block(ENTRY_BLOCK, start, start));
        blocks.add(new Block(EXIT_BLOCK, end, end));
        List<Integer> ls = new ArrayList<>(leaders);
        for (int b = 0; b < ls.size(); b++)
            blocks.add(new Block(b + 2, ls.get(b), b + 1 < ls.size() ? ls.get(b + 1) : end));

        List<Edge> edges = new ArrayList<>();
        if (blocks.size() > 2) edges.add(new Edge(ENTRY_BLOCK, 2, false));
        for (int b = 2; b < blocks.size(); b++) {
            Block blk = blocks.get(b);
            int lastSlot = lastInsn(insns, blk);
            Insn last = insns.get(lastSlot);
            int fallthrough = b + 1 < blocks.size() ? b + 1 : EXIT_BLOCK;
            if (isExit(last)) {
                edges.add(new Edge(b, EXIT_BLOCK, false));
            } else if (isJump(last)) {
                boolean unconditional = jmpOp(last.opcode()) == JA;
                if (!unconditional) edges.add(new Edge(b, fallthrough, false));
                edges.add(new Edge(b, blockAt(blocks, jumpTarget(last, lastSlot)), true));
            } else {
                edges.add(new Edge(b, fallthrough, false));
            }
        }
        return new Function(index, start, end, List.copyOf(blocks), List.copyOf(edges));
    }

    /** The slot of a block's last instruction (the first slot of a trailing {@code lddw}). */
    private static int lastInsn(List<Insn> insns, Block b) {
        int last = b.start();
        for (int i = b.start(); i < b.end(); i++) {
            last = i;
            if (insns.get(i).isWide()) i++;
        }
        return last;
    }

    /** The block a jump lands in; a target outside the function (rejected by the verifier) goes to EXIT. */
    private static int blockAt(List<Block> blocks, int slot) {
        for (Block b : blocks) if (!b.isSpecial() && b.start() == slot) return b.index();
        return EXIT_BLOCK;
    }

    private static boolean isJmpClass(Insn in) { return in.cls() == JMP || in.cls() == JMP32; }

    private static boolean isCall(Insn in) { return isJmpClass(in) && jmpOp(in.opcode()) == CALL; }

    private static boolean isExit(Insn in) { return isJmpClass(in) && jmpOp(in.opcode()) == EXIT; }

    private static boolean isJump(Insn in) {
        if (!isJmpClass(in)) return false;
        int op = jmpOp(in.opcode());
        return op != CALL && op != EXIT;
    }

    private static int jumpTarget(Insn in, int at) {
        // gotol (JMP32 | JA) carries its offset in imm
        if (in.cls() == JMP32 && jmpOp(in.opcode()) == JA) return at + 1 + in.imm();
        return at + 1 + in.off();
    }

    private static void addIfInside(TreeSet<Integer> set, int slot, int n) {
        if (slot >= 0 && slot < n) set.add(slot);
    }

    private static void addIfWithin(TreeSet<Integer> set, int slot, int start, int end) {
        if (slot >= start && slot < end) set.add(slot);
    }
}
