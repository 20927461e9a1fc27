package dev.kbpf.verifier;

import dev.kbpf.api.Errno;
import dev.kbpf.isa.Insn;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static dev.kbpf.isa.Opcodes.*;

/**
 * The static shape of a program, checked before any abstract interpretation, in the order of
 * Linux's {@code bpf_check}: opcodes and {@code lddw} pairs, subprogram boundaries
 * ({@code check_subprogs}), the control-flow graph ({@code check_cfg}: reachability, jumps into
 * {@code lddw}, back-edges for loaders without {@code CAP_BPF}), and then what the abstract
 * interpreter needs: prune points and the registers live at each instruction.
 */
final class ProgramStructure {
    final Insn[] insns;
    final int length;
    /** First instruction of each subprogram, ascending; subprogram 0 starts at 0. */
    final int[] subprogStart;
    /** Subprogram index of each instruction. */
    final int[] subprogOf;
    /** Where a stored state may prune the search: jump targets, fall-throughs of conditional jumps, returns from calls. */
    final boolean[] prunePoint;
    /** Registers live before each instruction (bit i = r i), from a backward data-flow over the CFG. */
    final int[] liveIn;

    private ProgramStructure(Insn[] insns, int[] subprogStart) {
        this.insns = insns;
        this.length = insns.length;
        this.subprogStart = subprogStart;
        this.subprogOf = new int[length];
        for (int s = 0; s < subprogStart.length; s++) {
            int end = s + 1 < subprogStart.length ? subprogStart[s + 1] : length;
            for (int i = subprogStart[s]; i < end; i++) subprogOf[i] = s;
        }
        this.prunePoint = new boolean[length];
        this.liveIn = new int[length];
    }

    int subprogEnd(int s) { return s + 1 < subprogStart.length ? subprogStart[s + 1] : length; }

    int subprogIndexOfStart(int insn) {
        for (int s = 0; s < subprogStart.length; s++) if (subprogStart[s] == insn) return s;
        return -1;
    }

    static boolean isLddw(Insn in) { return in.opcode() == LD_IMM64; }

    static boolean isPseudoCall(Insn in) { return in.opcode() == (JMP | CALL) && in.src() == PSEUDO_CALL; }

    static boolean isPseudoFunc(Insn in) { return in.opcode() == LD_IMM64 && in.src() == PSEUDO_FUNC; }

    /** Runs the structural checks; {@code bpfCapable} allows back-edges (bounded loops) as Linux does for CAP_BPF. */
    static ProgramStructure analyze(Insn[] insns, boolean bpfCapable) {
        int n = insns.length;
        // opcodes and the lddw pairs (resolve_pseudo_ldimm64)
        for (int i = 0; i < n; i++) {
            Insn in = insns[i];
            if (in.cls() == LDX && ((mode(in.opcode()) != MEM && mode(in.opcode()) != MEMSX) || in.imm() != 0)) {
                throw Reject.inval("BPF_LDX uses reserved fields");
            }
            if (isLddw(in)) {
                if (i == n - 1 || insns[i + 1].opcode() != 0 || insns[i + 1].dst() != 0 || insns[i + 1].src() != 0
                        || insns[i + 1].off() != 0 || in.off() != 0) {
                    throw Reject.inval("invalid bpf_ld_imm64 insn");
                }
                if (in.src() > PSEUDO_MAP_IDX_VALUE) throw Reject.inval("unrecognized bpf_ld_imm64 insn");
                i++;
                continue;
            }
            if (!OpcodeTable.known(in.opcode())) throw Reject.inval("unknown opcode %02x", in.opcode());
        }
        // subprograms (add_subprog_and_kfunc_calls)
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int i = 0; i < n; i++) {
            Insn in = insns[i];
            if (isPseudoCall(in) || isPseudoFunc(in)) {
                long target = (long) i + in.imm() + 1;
                if (target < 0 || target >= n) throw Reject.inval("call to invalid destination");
                if (isPseudoCall(in) && !bpfCapable) {
                    throw new Reject(Errno.EPERM, "function calls to other bpf functions are allowed for CAP_BPF and CAP_SYS_ADMIN");
                }
                starts.add((int) target);
            }
            if (isLddw(in)) i++;
        }
        int[] subprogStart = starts.stream().mapToInt(Integer::intValue).toArray();
        ProgramStructure ps = new ProgramStructure(insns, subprogStart);
        ps.checkSubprogs();
        ps.checkCfg(bpfCapable);
        ps.computeLiveness();
        return ps;
    }

    /** Jumps stay inside their subprogram; each subprogram ends with an exit or a jump (check_subprogs). */
    private void checkSubprogs() {
        for (int s = 0; s < subprogStart.length; s++) {
            int start = subprogStart[s], end = subprogEnd(s);
            for (int i = start; i < end; i++) {
                Insn in = insns[i];
                int cls = in.cls();
                if (cls == JMP || cls == JMP32) {
                    int op = jmpOp(in.opcode());
                    if (op != CALL && op != EXIT) {
                        long target = (long) i + jumpOffset(in) + 1;
                        if (target < start || target >= end) throw Reject.inval("jump out of range from insn %d to %d", i, target);
                    }
                }
                if (i == end - 1) {
                    boolean ok = (cls == JMP || cls == JMP32) && (jmpOp(in.opcode()) == EXIT || jmpOp(in.opcode()) == JA);
                    if (!ok) throw Reject.inval("last insn is not an exit or jmp");
                }
                if (isLddw(in)) i++;
            }
        }
    }

    /** The jump offset: {@code off}, or {@code imm} for {@code gotol} (JMP32 | JA). */
    static int jumpOffset(Insn in) {
        return in.opcode() == (JMP32 | JA) ? in.imm() : in.off();
    }

    static boolean isCondJump(Insn in) {
        int cls = in.cls();
        if (cls != JMP && cls != JMP32) return false;
        int op = jmpOp(in.opcode());
        return op != JA && op != CALL && op != EXIT;
    }

    /** Depth-first walk of the CFG from instruction 0 (check_cfg). */
    private void checkCfg(boolean bpfCapable) {
        int n = length;
        byte[] state = new byte[n]; // 0 unvisited, 1 on the DFS stack, 2 done
        int[] stack = new int[n + 1];
        int[] nextSucc = new int[n];
        int sp = 0;
        stack[sp++] = 0;
        state[0] = 1;
        boolean[] secondHalf = new boolean[n];
        for (int i = 0; i < n; i++) if (isLddw(insns[i]) && i + 1 < n) secondHalf[i + 1] = true;
        int[] succ = new int[2];
        while (sp > 0) {
            int t = stack[sp - 1];
            int count = successors(t, succ);
            if (nextSucc[t] < count) {
                int w = succ[nextSucc[t]++];
                if (w < 0 || w >= n) throw Reject.inval("jump out of range from insn %d to %d", t, w);
                if (secondHalf[w]) throw Reject.inval("jump into the middle of ldimm64 insn %d", w);
                if (w != t + 1 || isCondJump(insns[t]) || insns[t].opcode() == (JMP | JA)) prunePoint[w] = true;
                if (isCondJump(insns[t])) prunePoint[t] = true;
                if (state[w] == 0) {
                    state[w] = 1;
                    stack[sp++] = w;
                } else if (state[w] == 1 && !bpfCapable) {
                    throw Reject.inval("back-edge from insn %d to %d", t, w);
                }
            } else {
                state[t] = 2;
                sp--;
            }
        }
        for (int i = 0; i < n; i++) {
            if (state[i] == 0 && !secondHalf[i]) throw Reject.inval("unreachable insn %d", i);
        }
    }

    /** Successors of {@code t} in the CFG: calls go both into the callee and to the next instruction. */
    private int successors(int t, int[] out) {
        Insn in = insns[t];
        int cls = in.cls();
        if (isPseudoFunc(in)) { out[0] = t + 2; out[1] = t + in.imm() + 1; return 2; }
        if (isLddw(in)) { out[0] = t + 2; return 1; }
        if (cls == JMP || cls == JMP32) {
            int op = jmpOp(in.opcode());
            if (op == EXIT) return 0;
            if (op == CALL) {
                if (isPseudoCall(in)) { out[0] = t + 1; out[1] = t + in.imm() + 1; return 2; }
                out[0] = t + 1;
                return 1;
            }
            int target = t + jumpOffset(in) + 1;
            if (op == JA) { out[0] = target; return 1; }
            out[0] = t + 1;
            out[1] = target;
            return 2;
        }
        out[0] = t + 1;
        return 1;
    }

    // ---- static register liveness (as Linux 6.15's compute_live_registers) ----

    private static final int R0_R5 = 0x3f, R1_R5 = 0x3e;

    /** Registers an instruction reads ({@code use}) and writes ({@code def}), as bit masks. */
    private long useDef(int i) {
        Insn in = insns[i];
        int op = in.opcode(), cls = in.cls();
        int dst = 1 << in.dst(), src = 1 << in.src();
        int use = 0, def = 0;
        switch (cls) {
            case ALU, ALU64 -> {
                int aop = aluOp(op);
                if (aop == MOV) { use = source(op) == X ? src : 0; def = dst; }
                else if (aop == NEG || aop == END) { use = dst; def = dst; }
                else { use = dst | (source(op) == X ? src : 0); def = dst; }
            }
            case LDX -> { use = src; def = dst; }
            case ST -> use = dst;
            case STX -> {
                use = dst | src;
                if (mode(op) == ATOMIC) {
                    if (in.imm() == CMPXCHG) { use |= 1; def = 1; }
                    else if ((in.imm() & FETCH) != 0) def = src;
                }
            }
            case LD -> {
                if (op == LD_IMM64) def = dst;
                else { use = (1 << 6) | (mode(op) == IND ? src : 0); def = R0_R5; }
            }
            case JMP, JMP32 -> {
                int jop = jmpOp(op);
                if (jop == CALL) { use = R1_R5; def = R0_R5; }
                else if (jop == EXIT) use = 1;
                else if (jop != JA) use = dst | (source(op) == X ? src : 0);
            }
            default -> { }
        }
        return ((long) use << 32) | (def & 0xffffffffL);
    }

    private void computeLiveness() {
        int n = length;
        int[] use = new int[n], def = new int[n];
        for (int i = 0; i < n; i++) {
            long ud = useDef(i);
            use[i] = (int) (ud >>> 32);
            def[i] = (int) ud;
        }
        int[] succ = new int[2];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                if (i > 0 && isLddw(insns[i - 1])) continue;
                int out = 0;
                Insn in = insns[i];
                if (isPseudoCall(in)) {
                    // into the callee only r1-r5 flow (counted in use); after it, the caller's r6-r9 and r10
                    out = i + 1 < n ? liveIn[i + 1] & ~R0_R5 : 0;
                } else {
                    int c = successors(i, succ);
                    for (int k = 0; k < c; k++) {
                        int w = succ[k];
                        if (w >= 0 && w < n && !(isPseudoFunc(in) && k == 1)) out |= liveIn[w];
                    }
                }
                int live = use[i] | (out & ~def[i]);
                if (live != liveIn[i]) { liveIn[i] = live; changed = true; }
            }
        }
    }

    List<Subprog> subprogs(int[] depths) {
        List<Subprog> out = new ArrayList<>();
        for (int s = 0; s < subprogStart.length; s++) out.add(new Subprog(s, subprogStart[s], subprogEnd(s), depths[s]));
        return out;
    }
}
