package dev.kbpf.jit;

import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loop the JIT compiles twice (loop versioning, as C2 and LLVM do for range checks): the checked
 * copy every block gets, and a fast copy without memory checks or budget compares, entered only
 * when a guard in front of the loop has proved, from the register values on entry, that every
 * access of the whole loop stays inside one region and that the budget covers every iteration.
 *
 * <p>The shape it recognises is the one every counted loop has, hand-written or from clang: a
 * straight run of blocks {@code [header, end)} left only through jumps out of it and repeated by
 * one jump back to the header (a natural loop with a single path, no calls), one induction
 * variable {@code iv} changed once per iteration by {@code add iv, imm} (or {@code sub}), and an
 * exit test comparing it with a register the loop never writes, or a constant. From
 * {@code iv}'s value on entry the guard computes the number of trips; the last value of every
 * address based on {@code iv} or on an unwritten register follows.
 *
 * <p>A loop the guard cannot prove (a negative value, an address outside its region, a budget too
 * small) simply runs its checked copy: the fast copy is an optimisation, never a change of
 * meaning.
 */
final class CountedLoop {
    /**
     * How the loop goes on: while {@code iv < limit}, {@code <=}, {@code >}, {@code >=}, or
     * {@code !=} (clang's favourite when it knows the trip count: {@code if r2 != 64 goto loop}).
     */
    enum Bound { BELOW, AT_MOST, ABOVE, AT_LEAST, NOT_EQUAL }

    /**
     * A memory access of the loop whose address the guard bounds: based on the induction variable
     * ({@code onIv}: address = iv on entry + trip * step + {@code shift}) or on a register the loop
     * never writes (address = that register + {@code shift}). {@code inLastTrip}: it comes before
     * the exit test, so it also runs in the trip the test ends.
     */
    record Site(int insn, int base, boolean onIv, long shift, boolean inLastTrip, int size, boolean write) {}

    /** Longest loop body versioned, in instructions: the fast copy doubles its bytecode. */
    static final int MAX_LENGTH = 256;

    final int header;
    /** One past the loop's last instruction (the jump back to the header). */
    final int end;
    /** The exit test: a conditional jump comparing {@link #iv} with the limit. */
    final int test;
    /** Whether the test's jump, when taken, stays in the loop (a test at the bottom) rather than leaves it. */
    final boolean takenContinues;
    final int iv;
    /** The one instruction writing {@link #iv}. */
    final int ivWrite;
    final long step;
    final Bound bound;
    /** The register holding the limit, or -1 for the constant {@link #limitImm}. */
    final int limitReg;
    final long limitImm;
    /** The accesses the guard bounds, by instruction index. */
    final Map<Integer, Site> sites;

    private CountedLoop(int header, int end, int test, boolean takenContinues, int iv, int ivWrite, long step, Bound bound,
                        int limitReg, long limitImm, Map<Integer, Site> sites) {
        this.header = header;
        this.end = end;
        this.test = test;
        this.takenContinues = takenContinues;
        this.iv = iv;
        this.ivWrite = ivWrite;
        this.step = step;
        this.bound = bound;
        this.limitReg = limitReg;
        this.limitImm = limitImm;
        this.sites = sites;
    }

    /** Instructions from the header to the exit test, inclusive: they run once more than the rest. */
    int lengthToTest() { return test - header + 1; }

    /** Instructions after the exit test. */
    int lengthAfterTest() { return end - test - 1; }

    /** What the exit test sees of {@code iv}, relative to its value on entering the loop. */
    long testShift() { return ivWrite < test ? step : 0; }

    boolean contains(int insn) { return insn >= header && insn < end; }

    @Override
    public String toString() {
        return "loop [" + header + ", " + end + ") iv r" + iv + " step " + step + " " + bound + " "
                + (limitReg >= 0 ? "r" + limitReg : Long.toString(limitImm)) + ", " + sites.size() + " guarded access(es)";
    }

    /** The versionable loops among {@code blocks} (one subprogram's), innermost only, disjoint. */
    static List<CountedLoop> find(ControlFlow flow, int[] blocks) {
        BitSet mine = new BitSet();
        for (int b : blocks) mine.set(b, Math.min(flow.blockEnd[b], flow.count));
        // every jump of the subprogram as (target << 32 | source), sorted: who jumps into a candidate loop is a range
        long[] jumps = mine.stream().filter(j -> ControlFlow.isJump(flow.insns[j]))
                .mapToLong(j -> ((long) flow.target[j] << 32) | j).sorted().toArray();
        List<CountedLoop> loops = new ArrayList<>();
        for (int b : blocks) {
            if (b >= flow.count) continue;
            int latch = flow.blockEnd[b] - 1;
            int h = flow.target[latch];
            if (!ControlFlow.isJump(flow.insns[latch]) || h < 0 || h > latch || !flow.leaders.get(h) || !mine.get(h)) continue;
            if (latch - h + 1 > MAX_LENGTH) continue;
            CountedLoop loop = analyse(flow, mine, jumps, h, latch);
            if (loop != null) loops.add(loop);
        }
        return loops;
    }

    private static CountedLoop analyse(ControlFlow flow, BitSet mine, long[] jumps, int h, int latch) {
        int end = latch + 1;
        // single entry: nothing outside the loop jumps past its header
        int from = Arrays.binarySearch(jumps, ((long) (h + 1) << 32));
        for (int k = from < 0 ? -from - 1 : from; k < jumps.length && (int) (jumps[k] >>> 32) < end; k++) {
            int j = (int) jumps[k];
            if (j < h || j >= end) return null;
        }
        int[] writes = new int[11];
        int[] lastWrite = new int[11];
        for (int j = h; j < end; j++) {
            Insn in = flow.insns[j];
            int cls = Opcodes.cls(in.opcode());
            if (!mine.get(j)) return null;
            if (ControlFlow.isExit(in) || in.opcode() == Opcodes.CALL_IMM || in.opcode() == Opcodes.CALLX) return null;
            if (ControlFlow.isJump(in) && j != latch) {
                int t = flow.target[j];
                boolean exits = t < h || t >= end;
                if (!exits && t != j + 1) return null;   // a second path through the loop, or a second jump back
            }
            int written = switch (cls) {
                case Opcodes.ALU, Opcodes.ALU64, Opcodes.LD, Opcodes.LDX -> in.dst();
                case Opcodes.STX -> Opcodes.mode(in.opcode()) != Opcodes.ATOMIC ? -1
                        : in.imm() == Opcodes.CMPXCHG ? 0 : (in.imm() & Opcodes.FETCH) != 0 ? in.src() : -1;
                default -> -1;
            };
            if (written >= 0 && written <= 10) {
                writes[written]++;
                lastWrite[written] = j;
            }
        }
        for (int j = h; j < end; j++) {
            Insn in = flow.insns[j];
            if (!ControlFlow.isJump(in) || ControlFlow.isUnconditional(in) || Opcodes.cls(in.opcode()) != Opcodes.JMP) continue;
            boolean takenContinues = j == latch;
            if (!takenContinues && flow.target[j] == j + 1) continue;
            CountedLoop loop = asTest(flow, h, end, j, takenContinues, writes, lastWrite);
            if (loop != null) return loop;
        }
        return null;
    }

    /** The loop with {@code j} as its exit test, if {@code j} compares an induction variable with an invariant. */
    private static CountedLoop asTest(ControlFlow flow, int h, int end, int j, boolean takenContinues, int[] writes, int[] lastWrite) {
        Insn in = flow.insns[j];
        int op = Opcodes.jmpOp(in.opcode());
        boolean reg = Opcodes.source(in.opcode()) == Opcodes.X;
        int d = in.dst();
        int s = in.src();
        int iv;
        int limitReg;
        if (inductionStep(flow, d, writes, lastWrite) != 0 && (!reg || (s != d && writes[s] == 0))) {
            iv = d;
            limitReg = reg ? s : -1;
        } else if (reg && s != d && writes[d] == 0 && inductionStep(flow, s, writes, lastWrite) != 0) {
            iv = s;
            limitReg = d;
            op = mirrored(op);
        } else {
            return null;
        }
        if (op < 0) return null;
        Bound bound = boundOf(takenContinues ? op : negated(op));
        if (bound == null) return null;
        long step = inductionStep(flow, iv, writes, lastWrite);
        boolean upwards = bound == Bound.BELOW || bound == Bound.AT_MOST;
        if (bound != Bound.NOT_EQUAL && upwards != step > 0) return null;   // a loop that would wrap around: leave it to the checked copy
        int ivWrite = lastWrite[iv];
        Map<Integer, Site> sites = new LinkedHashMap<>();
        for (int m = h; m < end; m++) {
            Insn a = flow.insns[m];
            int cls = Opcodes.cls(a.opcode());
            int mode = Opcodes.mode(a.opcode());
            boolean load = cls == Opcodes.LDX && (mode == Opcodes.MEM || mode == Opcodes.MEMSX);
            boolean store = (cls == Opcodes.ST || cls == Opcodes.STX) && mode == Opcodes.MEM;
            if (!load && !store) continue;
            int base = load ? a.src() : a.dst();
            boolean onIv = base == iv;
            if (!onIv && writes[base] != 0) continue;
            long shift = a.off() + (onIv && ivWrite < m ? step : 0);
            sites.put(m, new Site(m, base, onIv, shift, m <= j, Opcodes.sizeBytes(a.opcode()), store));
        }
        return new CountedLoop(h, end, j, takenContinues, iv, ivWrite, step, bound, limitReg, reg ? 0 : in.imm(), sites);
    }

    /** The step of {@code r} if the loop writes it exactly once, by {@code add r, imm} or {@code sub r, imm}; else 0. */
    private static long inductionStep(ControlFlow flow, int r, int[] writes, int[] lastWrite) {
        if (r >= 10 || writes[r] != 1) return 0;
        Insn w = flow.insns[lastWrite[r]];
        if (Opcodes.cls(w.opcode()) != Opcodes.ALU64 || Opcodes.source(w.opcode()) != Opcodes.K || w.off() != 0) return 0;
        return switch (Opcodes.aluOp(w.opcode())) {
            case Opcodes.ADD -> w.imm();
            case Opcodes.SUB -> -(long) w.imm();
            default -> 0;
        };
    }

    /** The comparison with its operands swapped ({@code a < b} is {@code b > a}); -1 for one the loop cannot use. */
    private static int mirrored(int op) {
        return switch (op) {
            case Opcodes.JEQ, Opcodes.JNE -> op;
            case Opcodes.JGT -> Opcodes.JLT;
            case Opcodes.JGE -> Opcodes.JLE;
            case Opcodes.JLT -> Opcodes.JGT;
            case Opcodes.JLE -> Opcodes.JGE;
            case Opcodes.JSGT -> Opcodes.JSLT;
            case Opcodes.JSGE -> Opcodes.JSLE;
            case Opcodes.JSLT -> Opcodes.JSGT;
            case Opcodes.JSLE -> Opcodes.JSGE;
            default -> -1;
        };
    }

    private static int negated(int op) {
        return switch (op) {
            case Opcodes.JEQ -> Opcodes.JNE;
            case Opcodes.JNE -> Opcodes.JEQ;
            case Opcodes.JGT -> Opcodes.JLE;
            case Opcodes.JGE -> Opcodes.JLT;
            case Opcodes.JLT -> Opcodes.JGE;
            case Opcodes.JLE -> Opcodes.JGT;
            case Opcodes.JSGT -> Opcodes.JSLE;
            case Opcodes.JSGE -> Opcodes.JSLT;
            case Opcodes.JSLT -> Opcodes.JSGE;
            case Opcodes.JSLE -> Opcodes.JSGT;
            default -> -1;
        };
    }

    /** Signedness does not matter: the guard admits only values that are non-negative either way. */
    private static Bound boundOf(int op) {
        return switch (op) {
            case Opcodes.JLT, Opcodes.JSLT -> Bound.BELOW;
            case Opcodes.JLE, Opcodes.JSLE -> Bound.AT_MOST;
            case Opcodes.JGT, Opcodes.JSGT -> Bound.ABOVE;
            case Opcodes.JGE, Opcodes.JSGE -> Bound.AT_LEAST;
            case Opcodes.JNE -> Bound.NOT_EQUAL;
            default -> null;   // "go on while equal" runs at most once more: nothing to gain
        };
    }
}
