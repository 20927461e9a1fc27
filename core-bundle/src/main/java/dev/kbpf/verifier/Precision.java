package dev.kbpf.verifier;

import dev.kbpf.isa.Insn;

import static dev.kbpf.isa.Opcodes.*;

/**
 * Which scalar values matter, computed statically: Linux's precision tracking
 * ({@code mark_chain_precision}) done as a backward data-flow over the program instead of by
 * backtracking each path.
 *
 * <p>A scalar's exact value matters only where the verifier's decisions depend on it: conditional
 * jumps (a decided branch prunes a path), pointer arithmetic, helper and subprogram arguments
 * (sizes, allocation sizes, loop counts), a subprogram's or callback's return value. Backward from
 * these sinks, through moves, ALU operations and stack spills, every register and stack slot whose
 * value can flow into one is <em>precise</em>. A stored state whose imprecise scalars differ from
 * the current state's still covers it, which is what lets clang's code verify with few states.
 *
 * <p>Whether an addition is pointer arithmetic is not known statically, so a forward pass first
 * computes which registers and stack slots may hold pointers; additions involving one of them are
 * sinks for the other operand.
 */
final class Precision {
    static final long ALL_SLOTS = -1L;
    private static final int R0 = 1, R1_R5 = 0x3e, R0_R5 = 0x3f;

    /** Registers whose value matters before each instruction. */
    final int[] regs;
    /** Stack slots (bit {@code (-off - 1) / 8}) whose value matters before each instruction. */
    final long[] slots;

    private final ProgramStructure ps;
    private final Insn[] insns;
    // forward: may hold a pointer / may hold a stack pointer / stack slots that may hold a pointer
    private final int[] ptrIn, spIn;
    private final long[] slotPtrIn;
    private final boolean[] reached;

    private Precision(ProgramStructure ps) {
        this.ps = ps;
        this.insns = ps.insns;
        int n = ps.length;
        regs = new int[n];
        slots = new long[n];
        ptrIn = new int[n];
        spIn = new int[n];
        slotPtrIn = new long[n];
        reached = new boolean[n];
    }

    static Precision compute(ProgramStructure ps) {
        Precision p = new Precision(ps);
        p.forward();
        p.backward();
        return p;
    }

    private static boolean bit(int mask, int r) { return (mask & (1 << r)) != 0; }

    private static int slotOf(int off) { return (-off - 1) / 8; }

    private static boolean stackSlotOk(int off) { return off < 0 && off >= -FuncFrame.MAX_STACK; }

    // ---- forward: what may be a pointer

    private void forward() {
        int n = ps.length;
        java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
        for (int s = 0; s < ps.subprogStart.length; s++) {
            int start = ps.subprogStart[s];
            int ptr = s == 0 ? (1 << 1) | (1 << 10) : R1_R5 | (1 << 10);
            int sp = s == 0 ? (1 << 10) : R1_R5 | (1 << 10);
            merge(start, ptr, sp, 0, work);
        }
        int[] succ = new int[2];
        while (!work.isEmpty()) {
            int i = work.poll();
            int ptr = ptrIn[i], sp = spIn[i];
            long sl = slotPtrIn[i];
            Insn in = insns[i];
            int op = in.opcode(), cls = in.cls(), d = in.dst(), s = in.src();
            if (d > 10 || s > 10) continue; // rejected by the abstract interpreter
            int db = 1 << d;
            switch (cls) {
                case ALU, ALU64 -> {
                    int aop = aluOp(op);
                    boolean x = source(op) == X;
                    if (aop == MOV && x && cls == ALU64 && in.off() == 0) {
                        ptr = bit(ptr, s) ? ptr | db : ptr & ~db;
                        sp = bit(sp, s) ? sp | db : sp & ~db;
                    } else if ((aop == ADD || aop == SUB) && cls == ALU64) {
                        if (x && bit(ptr, s)) ptr |= db;
                        if (x && bit(sp, s)) sp |= db;
                    } else {
                        ptr &= ~db;
                        sp &= ~db;
                    }
                }
                case LDX -> {
                    boolean p;
                    if (s == 10) p = stackSlotOk(in.off()) && (sl & (1L << slotOf(in.off()))) != 0;
                    else p = bit(sp, s) && sl != 0;
                    ptr = p ? ptr | db : ptr & ~db;
                    sp = p ? sp | db : sp & ~db;
                }
                case STX, ST -> {
                    boolean valuePtr = cls == STX && mode(op) != ATOMIC && bit(ptr, s);
                    if (d == 10) {
                        if (stackSlotOk(in.off())) {
                            long b = 1L << slotOf(in.off());
                            sl = valuePtr && sizeBytes(op) == 8 ? sl | b : sl & ~b;
                        }
                    } else if (bit(sp, d) && valuePtr) {
                        sl = ALL_SLOTS;
                    }
                    if (cls == STX && mode(op) == ATOMIC) {
                        if ((in.imm() & FETCH) != 0) { ptr &= ~(1 << s); sp &= ~(1 << s); }
                        if (in.imm() == CMPXCHG) { ptr &= ~R0; sp &= ~R0; }
                    }
                }
                case LD -> {
                    if (op == LD_IMM64) {
                        if (in.src() != 0) ptr |= db; else ptr &= ~db;
                        sp &= ~db;
                    } else {
                        ptr &= ~R0_R5;
                        sp &= ~R0_R5;
                    }
                }
                default -> {
                    if (jmpOp(op) == CALL) {
                        ptr = (ptr & ~R0_R5) | R0;
                        sp &= ~R0_R5;
                        if (in.src() == PSEUDO_CALL || (in.src() == 0 && in.imm() == Checker.HELPER_LOOP)) {
                            // the callee may hand back or store pointers into this frame's stack
                            sp |= R0;
                            sl = ALL_SLOTS;
                        }
                    }
                }
            }
            int c = successorsInSubprog(i, succ);
            for (int k = 0; k < c; k++) merge(succ[k], ptr, sp, sl, work);
        }
    }

    private void merge(int i, int ptr, int sp, long sl, java.util.ArrayDeque<Integer> work) {
        if (i < 0 || i >= ps.length) return;
        int np = ptrIn[i] | ptr, ns = spIn[i] | sp;
        long nl = slotPtrIn[i] | sl;
        if (!reached[i] || np != ptrIn[i] || ns != spIn[i] || nl != slotPtrIn[i]) {
            reached[i] = true;
            ptrIn[i] = np;
            spIn[i] = ns;
            slotPtrIn[i] = nl;
            work.add(i);
        }
    }

    /** Successors inside the same subprogram: a call continues at the next instruction. */
    private int successorsInSubprog(int t, int[] out) {
        Insn in = insns[t];
        int cls = in.cls();
        if (in.isWide()) { out[0] = t + 2; return 1; }
        if (cls == JMP || cls == JMP32) {
            int op = jmpOp(in.opcode());
            if (op == EXIT) return 0;
            if (op == CALL) { out[0] = t + 1; return 1; }
            int target = t + ProgramStructure.jumpOffset(in) + 1;
            if (op == JA) { out[0] = target; return 1; }
            out[0] = t + 1;
            out[1] = target;
            return 2;
        }
        out[0] = t + 1;
        return 1;
    }

    // ---- backward: what must be precise

    private void backward() {
        int n = ps.length;
        int[] succ = new int[2];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                if (i > 0 && insns[i - 1].isWide()) continue;
                int p = 0;
                long sl = 0;
                int c = successorsInSubprog(i, succ);
                for (int k = 0; k < c; k++) {
                    int w = succ[k];
                    if (w >= 0 && w < n) { p |= regs[w]; sl |= slots[w]; }
                }
                Insn in = insns[i];
                int op = in.opcode(), cls = in.cls(), d = in.dst(), s = in.src();
                if (d > 10 || s > 10) continue;
                int db = 1 << d, sb = 1 << s;
                switch (cls) {
                    case ALU, ALU64 -> {
                        int aop = aluOp(op);
                        boolean x = source(op) == X;
                        if (aop == MOV) {
                            boolean dp = bit(p, d);
                            p &= ~db;
                            if (dp && x) p |= sb;
                        } else if (aop != NEG && aop != END) {
                            if (x && bit(p, d)) p |= sb;
                            if (x && (aop == ADD || aop == SUB) && cls == ALU64) {
                                // pointer arithmetic: the scalar operand decides the offset
                                if (bit(ptrIn[i], d)) p |= sb;
                                if (bit(ptrIn[i], s)) p |= db;
                            }
                        }
                    }
                    case LDX -> {
                        boolean dp = bit(p, d);
                        p &= ~db;
                        if (dp) {
                            if (s == 10) { if (stackSlotOk(in.off())) sl |= 1L << slotOf(in.off()); }
                            else if (bit(spIn[i], s)) sl = ALL_SLOTS;
                        }
                    }
                    case STX, ST -> {
                        boolean atomic = cls == STX && mode(op) == ATOMIC;
                        boolean direct = d == 10 && stackSlotOk(in.off());
                        long b = direct ? 1L << slotOf(in.off()) : 0;
                        if (atomic) {
                            boolean fetched = ((in.imm() & FETCH) != 0 && bit(p, s)) || (in.imm() == CMPXCHG && bit(p, 0));
                            boolean matters = fetched || (direct ? (sl & b) != 0 : (bit(spIn[i], d) && sl != 0));
                            if (matters) {
                                p |= sb;
                                if (in.imm() == CMPXCHG) p |= R0;
                                if (direct) sl |= b;
                                else if (bit(spIn[i], d)) sl = ALL_SLOTS;
                            }
                        } else if (direct) {
                            boolean slotPrecise = (sl & b) != 0;
                            if (sizeBytes(op) == 8) sl &= ~b;
                            if (slotPrecise && cls == STX) p |= sb;
                        } else if (cls == STX && bit(spIn[i], d) && sl != 0) {
                            p |= sb;
                        }
                    }
                    case LD -> {
                        if (op == LD_IMM64) p &= ~db;
                        else p &= ~R0_R5;
                    }
                    default -> {
                        int jop = jmpOp(op);
                        if (jop == CALL) {
                            p = (p & ~R0_R5) | R1_R5;
                            if (in.src() == PSEUDO_CALL || (in.src() == 0 && in.imm() == Checker.HELPER_LOOP)) sl = ALL_SLOTS;
                        } else if (jop == EXIT) {
                            p = ps.subprogOf[i] > 0 ? R0 : 0;
                            sl = 0;
                        } else if (jop != JA) {
                            p |= db;
                            if (source(op) == X) p |= sb;
                        }
                    }
                }
                int np = regs[i] | p;
                long nsl = slots[i] | sl;
                if (np != regs[i] || nsl != slots[i]) {
                    regs[i] = np;
                    slots[i] = nsl;
                    changed = true;
                }
            }
        }
    }
}
