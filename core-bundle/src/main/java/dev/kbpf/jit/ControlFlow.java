package dev.kbpf.jit;

import static dev.kbpf.isa.Opcodes.*;

import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Address;
import dev.kbpf.memory.AddressSpace;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * A program as the JIT sees it: instructions by index (a {@code lddw} is one instruction, as the
 * interpreter counts it), basic blocks, and subprograms.
 *
 * <p>Blocks are the unit of instruction counting: they end at every jump, {@code exit}
 * and local call, before every jump target, and after at most {@link #MAX_BLOCK} instructions so
 * no block's bytecode grows without bound. Index {@link #count} is a one-instruction sentinel
 * block: reaching it means the program fell off its end.
 *
 * <p>A subprogram is its entry (instruction 0, the target of a local call, or a callback that a
 * {@code lddw} pseudo func names) and every block
 * reachable from it without following calls. An unverified program may share blocks between
 * subprograms or jump from one into another; each subprogram then simply gets its own copy.
 * The program must already have been checked (the interpreter's pre-decoder does that).
 */
final class ControlFlow {
    /** Longest block, in instructions. */
    static final int MAX_BLOCK = 48;

    /** Instructions (the sentinel not included). */
    final int count;
    /** The first slot of each instruction, and {@code slotOf[count]} = the number of slots. */
    final int[] slotOf;
    final Insn[] insns;
    /** The 64-bit immediate of each {@code lddw}, by instruction index. */
    final long[] wide;
    /** Jump or local-call target (instruction index) of each instruction, or -1. */
    final int[] target;
    /** The end (exclusive) of the block holding each instruction; {@code count + 1} for the sentinel. */
    final int[] blockEnd;
    /** Where blocks start. */
    final BitSet leaders = new BitSet();
    /** Subprograms, the main program first. */
    final List<Subprogram> subprograms = new ArrayList<>();
    /** The instruction index of each slot; -1 for the second half of a {@code lddw}. */
    final int[] indexOf;

    /** A subprogram: its entry instruction and the start of each of its blocks, in program order. */
    record Subprogram(int entry, int[] blocks) {}

    ControlFlow(List<Insn> slots) {
        int n = slots.size();
        indexOf = new int[n + 1];
        int c = 0;
        for (int s = 0; s < n; s++) {
            indexOf[s] = c++;
            if (slots.get(s).isWide()) indexOf[++s] = -1;
        }
        indexOf[n] = c;
        count = c;
        slotOf = new int[c + 1];
        insns = new Insn[c];
        wide = new long[c];
        target = new int[c + 1];
        Arrays.fill(target, -1);
        TreeSet<Integer> entries = new TreeSet<>();
        entries.add(0);
        for (int s = 0; s < n; s++) {
            int i = indexOf[s];
            Insn in = slots.get(s);
            slotOf[i] = s;
            insns[i] = in;
            if (in.isWide()) {
                if (in.src() == PSEUDO_FUNC) {   // a callback's code address; the callback is a subprogram
                    int callback = s + 1 + in.imm();
                    wide[i] = Address.of(AddressSpace.CODE_ID, callback);
                    entries.add(indexOf[callback]);
                } else {
                    wide[i] = in.imm64(slots.get(s + 1));
                }
                s++;
                continue;
            }
            if (isJump(in)) {
                long t = s + 1L + (in.opcode() == JA32 ? in.imm() : in.off());
                target[i] = indexOf[(int) t];
            } else if (isLocalCall(in)) {
                target[i] = indexOf[(int) (s + 1L + in.imm())];
            }
        }
        slotOf[c] = n;

        leaders.set(0);
        leaders.set(c);
        for (int e : entries) leaders.set(e);
        for (int i = 0; i < c; i++) {
            Insn in = insns[i];
            if (isJump(in) || isExit(in) || isLocalCall(in)) leaders.set(i + 1);
            if (target[i] >= 0) leaders.set(target[i]);
            if (isLocalCall(in)) entries.add(target[i]);
        }
        int run = 0;
        for (int i = 0; i < c; i++) {
            if (leaders.get(i)) run = 0;
            if (++run == MAX_BLOCK) leaders.set(i + 1);
        }
        blockEnd = new int[c + 1];
        int end = c;
        for (int i = c - 1; i >= 0; i--) {
            blockEnd[i] = end;
            if (leaders.get(i)) end = i;
        }
        blockEnd[c] = c + 1;

        for (int entry : entries) subprograms.add(new Subprogram(entry, reachable(entry)));
    }

    private int[] reachable(int entry) {
        BitSet seen = new BitSet();
        ArrayDeque<Integer> work = new ArrayDeque<>();
        seen.set(entry);
        work.add(entry);
        while (!work.isEmpty()) {
            int b = work.poll();
            for (int succ : successors(b)) {
                if (!seen.get(succ)) {
                    seen.set(succ);
                    work.add(succ);
                }
            }
        }
        return seen.stream().toArray();
    }

    /** The blocks control can go to from block {@code b} within its subprogram (a local call returns to the next block). */
    int[] successors(int b) {
        if (b == count) return new int[0];
        int last = blockEnd[b] - 1;
        Insn in = insns[last];
        if (isExit(in)) return new int[0];
        if (isJump(in)) {
            return isUnconditional(in) ? new int[] {target[last]} : new int[] {target[last], blockEnd[b]};
        }
        return new int[] {blockEnd[b]};
    }

    static boolean isJump(Insn in) {
        int cls = cls(in.opcode());
        if (cls != JMP && cls != JMP32) return false;
        int op = jmpOp(in.opcode());
        return op != CALL && op != EXIT;
    }

    static boolean isUnconditional(Insn in) { return jmpOp(in.opcode()) == JA; }

    static boolean isExit(Insn in) { return in.opcode() == EXIT_INSN; }

    static boolean isLocalCall(Insn in) { return in.opcode() == CALL_IMM && in.src() == PSEUDO_CALL; }
}
