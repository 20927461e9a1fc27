package dev.kbpf.verifier;

import dev.kbpf.api.Capability;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.isa.Disassembler;
import dev.kbpf.verifier.log.VerifierLog;
import dev.kbpf.verifier.scalar.AluOp;
import dev.kbpf.verifier.scalar.BranchOutcome;
import dev.kbpf.verifier.scalar.JmpOp;
import dev.kbpf.verifier.scalar.Refined;
import dev.kbpf.verifier.scalar.Scalar;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.kbpf.isa.Opcodes.*;

/**
 * The abstract interpreter: Linux's {@code do_check} over every path of the program, with state
 * pruning at prune points ({@code is_state_visited}). One instance verifies one program.
 */
final class Checker {
    static final int COMPLEXITY_LIMIT_INSNS = 1_000_000;
    static final int MAX_INSNS_UNPRIV = 4096;
    static final int COMPLEXITY_LIMIT_JMP_SEQ = 8192;
    /** Linux's {@code BPF_MAX_VAR_OFF}: variable offsets beyond this are refused. */
    static final long MAX_VAR_OFF = 1L << 29;
    /** Linux's {@code BPF_MAX_VAR_SIZ}: helper memory sizes beyond this are unbounded. */
    static final long MAX_VAR_SIZ = 1L << 29;
    static final int HELPER_TAIL_CALL = 12, HELPER_LOOP = 181;
    static final int BPF_MAX_LOOPS = 1 << 23;

    final VerifierInput in;
    final VerifierEnv env;
    final VerifierLog log;
    final Insn[] insns;
    final ProgType progType;
    final boolean allowPtrLeaks;
    /** Linux's {@code env->allow_uninit_stack} ({@code bpf_allow_uninit_stack}: CAP_PERFMON): reading stack never written gives an unknown value. */
    final boolean allowUninitStack;
    final boolean bpfCapable;
    final boolean strictAlignment;
    final ContextLayout ctxLayout;
    final Disassembler printer;

    ProgramStructure ps;
    final MemoryAccess mem = new MemoryAccess(this);
    final Calls callCheck = new Calls(this);
    Precision prec;
    // per-instruction facts
    MapInfo[] lddwMaps;
    ResolvedKfunc[] kfuncs;
    CallTarget[] calls;
    PointerKind[] accessKinds;
    MapInfo[] accessMaps;
    boolean[] accessMapMixed;
    int[] subprogDepth;
    int maxCtxOffset;

    // exploration
    List<VState>[] explored;
    int[] loopVisits;
    final ArrayDeque<VState> pending = new ArrayDeque<>();
    VState cur;
    int idGen;
    int processed, totalStates, liveStates, peakStates, maxStatesPerInsn, longestWalk;
    int jmpsProcessed, prevJmpsProcessed, prevInsnProcessed;
    String lastSourceLine;
    /** Registers and stack slots the current instruction wrote, for the level-2 log. */
    int scratchedRegs;
    long scratchedSlots;

    Checker(VerifierInput in, VerifierLog log) {
        this.in = in;
        this.env = in.env();
        this.log = log;
        this.insns = in.insns().toArray(new Insn[0]);
        this.progType = in.progType();
        this.allowPtrLeaks = in.credentials().has(Capability.CAP_PERFMON);
        this.allowUninitStack = in.credentials().has(Capability.CAP_PERFMON);
        this.bpfCapable = in.credentials().has(Capability.CAP_BPF);
        this.strictAlignment = (in.loadFlags() & LoadFlags.BPF_F_STRICT_ALIGNMENT) != 0;
        ContextLayout l = env.contextLayout(progType);
        this.ctxLayout = l == null ? ContextLayout.defaultFor(progType) : l;
        this.printer = new Disassembler(Disassembler.Names.of(HelperNames::funcName, this::kfuncName));
    }

    private String kfuncName(int id) {
        if (kfuncs != null) {
            for (ResolvedKfunc k : kfuncs) if (k != null && k.id() == id) return k.name();
        }
        return "kfunc";
    }

    // ------------------------------------------------------------------------------------------
    // entry

    VerifierResult.Accepted run(long startNanos) {
        checkPrivileges();
        ps = ProgramStructure.analyze(insns, bpfCapable);
        int n = insns.length;
        lddwMaps = new MapInfo[n];
        kfuncs = new ResolvedKfunc[n];
        calls = new CallTarget[n];
        accessKinds = new PointerKind[n];
        java.util.Arrays.fill(accessKinds, PointerKind.NONE);
        accessMaps = new MapInfo[n];
        accessMapMixed = new boolean[n];
        subprogDepth = new int[ps.subprogStart.length];
        resolvePseudo();
        ps.computeLiveness(this::argRegs);
        prec = Precision.compute(ps, this::preciseArgs);
        // callbacks (lddw pseudo func targets) are prune points at their entry: callback iterations converge there
        for (int i = 0; i < n; i++) {
            if (ProgramStructure.isPseudoFunc(insns[i])) ps.prunePoint[i + insns[i].imm() + 1] = true;
        }
        loopVisits = new int[n];
        @SuppressWarnings("unchecked")
        List<VState>[] ex = new List[n];
        explored = ex;
        doCheck();
        checkMaxStackDepth();
        long nanos = System.nanoTime() - startNanos;
        VerifierStats stats = new VerifierStats(processed, totalStates, peakStates, maxStatesPerInsn, longestWalk, nanos);
        if (log.stats()) {
            log.line("verification time " + nanos / 1000 + " usec");
            StringBuilder sb = new StringBuilder("stack depth ");
            for (int i = 0; i < subprogDepth.length; i++) sb.append(i == 0 ? "" : "+").append(subprogDepth[i]);
            log.line(sb.toString());
        }
        if (log.enabled()) log.line(stats.summaryLine());
        ProgramFacts facts = new ProgramFacts(accessKinds, accessMaps, calls, lddwMaps, ps.subprogs(subprogDepth), maxCtxOffset);
        return new VerifierResult.Accepted(facts, stats, log.toString());
    }

    /** The statistics so far (for the log of a rejected program). */
    VerifierStats statsNow() {
        return new VerifierStats(processed, totalStates, peakStates, maxStatesPerInsn, longestWalk, 0);
    }

    /** bpf_prog_load's checks: size against the loader's privilege, CAP_BPF, CAP_PERFMON for tracing. */
    private void checkPrivileges() {
        boolean unprivOk = !bpfCapable && progType == ProgType.SOCKET_FILTER && !env.unprivilegedBpfDisabled();
        if (!bpfCapable && !unprivOk) {
            throw new Reject(Errno.EPERM, "loading BPF programs requires CAP_BPF or CAP_SYS_ADMIN");
        }
        if (progType.isTracing() && !in.credentials().has(Capability.CAP_PERFMON)) {
            throw new Reject(Errno.EPERM, "loading " + progType + " programs requires CAP_PERFMON (or CAP_SYS_ADMIN)");
        }
        int limit = bpfCapable ? COMPLEXITY_LIMIT_INSNS : MAX_INSNS_UNPRIV;
        if (insns.length == 0) throw new Reject(Errno.E2BIG, "program has no instructions");
        if (insns.length > limit) {
            throw new Reject(Errno.E2BIG, "program of " + insns.length + " insns is too large (limit " + limit + ")");
        }
    }

    /** The argument registers the call at {@code idx} reads, from the callee's prototype (all five when unknown). */
    private int argRegs(int idx) {
        Insn in = insns[idx];
        FunctionProto proto = null;
        if (in.src() == CALL_HELPER) proto = env.helper(in.imm()).map(HelperDescriptor::proto).orElse(null);
        else if (in.src() == PSEUDO_KFUNC_CALL && kfuncs[idx] != null) proto = kfuncs[idx].descriptor().proto();
        return proto == null ? 0x3e : ((1 << (proto.args().size() + 1)) - 2);
    }

    /**
     * The argument registers of the call at {@code idx} whose values the call's checks depend on:
     * sizes and pointers (a NULL is a scalar); a plain {@code ARG_ANYTHING} value does not matter.
     */
    private int preciseArgs(int idx) {
        Insn in = insns[idx];
        FunctionProto proto = null;
        if (in.src() == CALL_HELPER) proto = env.helper(in.imm()).map(HelperDescriptor::proto).orElse(null);
        else if (in.src() == PSEUDO_KFUNC_CALL && kfuncs[idx] != null) proto = kfuncs[idx].descriptor().proto();
        if (proto == null) return 0x3e;
        int mask = 0;
        for (int a = 0; a < proto.args().size(); a++) {
            if (proto.args().get(a) != ArgType.ANYTHING) mask |= 1 << (a + 1);
        }
        return mask;
    }

    /** Maps behind lddw pseudo instructions, and kfuncs behind kfunc calls (resolve_pseudo_ldimm64, add_kfunc_call). */
    private void resolvePseudo() {
        for (int i = 0; i < insns.length; i++) {
            Insn in = insns[i];
            if (in.isWide()) {
                int src = in.src();
                if (src == PSEUDO_MAP_FD || src == PSEUDO_MAP_IDX || src == PSEUDO_MAP_VALUE || src == PSEUDO_MAP_IDX_VALUE) {
                    Optional<MapInfo> m = env.map(src, in.imm());
                    if (m.isEmpty()) {
                        if (src == PSEUDO_MAP_IDX || src == PSEUDO_MAP_IDX_VALUE) {
                            throw new Reject(Errno.EINVAL, String.format("fd_idx %d is not pointing to a valid bpf_map", in.imm()));
                        }
                        throw new Reject(Errno.EBADF, String.format("fd %d is not pointing to valid bpf_map", in.imm()));
                    }
                    MapInfo map = m.get();
                    if (src == PSEUDO_MAP_VALUE || src == PSEUDO_MAP_IDX_VALUE) {
                        if (!map.supportsDirectValueAccess()) throw Reject.inval("no direct value access support for this map type");
                        int off = insns[i + 1].imm();
                        if (off < 0 || off >= map.valueSize()) {
                            throw Reject.inval("invalid access to map value pointer, value_size=%d off=%d", map.valueSize(), off);
                        }
                    } else if (in.imm() != 0 || insns[i + 1].imm() != 0) {
                        // the fd is in imm; the high half must be zero
                        if (insns[i + 1].imm() != 0) throw Reject.inval("unrecognized bpf_ld_imm64 insn");
                    }
                    lddwMaps[i] = map;
                } else if (src == PSEUDO_BTF_ID) {
                    throw Reject.inval("kernel variables (ldimm64 BTF_ID) are not supported");
                } else if (src == PSEUDO_FUNC && (insns[i + 1].imm() != 0)) {
                    throw Reject.inval("invalid bpf_ld_imm64 insn");
                }
                i++;
                continue;
            }
            if (in.opcode() == (JMP | CALL) && in.src() == PSEUDO_KFUNC_CALL) {
                if (!env.kfuncRegistryPresent()) {
                    throw new Reject(Errno.ENOENT, "calling kernel function is not supported without the kfunc registry");
                }
                if (!env.gplCompatible()) throw Reject.inval("cannot call kernel function from non-GPL compatible program");
                Optional<ResolvedKfunc> k = env.kfunc(in.imm());
                if (k.isEmpty()) throw new Reject(Errno.ENOENT, String.format("kernel btf_id %d is not a function", in.imm()));
                kfuncs[i] = k.get();
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // the main loop

    private void doCheck() {
        VState init = new VState();
        FuncFrame f = new FuncFrame(0, -1, 0, 0, false);
        init.frames[0] = f;
        f.regs[1].setPointer(RegType.PTR_TO_CTX, 0);
        f.regs[10].setPointer(RegType.PTR_TO_STACK, 0);
        f.regs[10].frameNo = 0;
        init.insnIdx = 0;
        cur = init;
        boolean printState = log.level2();
        while (true) {
            int idx = cur.insnIdx;
            if (idx < 0 || idx >= insns.length) throw Reject.inval("invalid insn idx %d insn_cnt %d", idx, insns.length);
            if (++processed > COMPLEXITY_LIMIT_INSNS) {
                throw new Reject(Errno.E2BIG, String.format("BPF program is too large. Processed %d insn", processed));
            }
            if (ps.prunePoint[idx]) {
                boolean pruned = isStateVisited(idx);
                if (pruned) {
                    if (log.level1()) {
                        if (printState) log.line("from " + cur.prevInsnIdx + " to " + idx + ": safe");
                        else log.line(idx + ": safe");
                    }
                    if (!popPath()) return;
                    printState = true;
                    continue;
                }
            }
            String insnText = null;
            if (log.level1()) {
                if (printState) {
                    if (cur.prevInsnIdx >= 0) log.line("from " + cur.prevInsnIdx + " to " + idx + ": " + StateFormatter.state(cur));
                    else if (log.level2()) log.line(idx + ": " + StateFormatter.state(cur));
                    printState = false;
                }
                String src = in.sourceLines().get(idx);
                if (src != null && !src.equals(lastSourceLine)) {
                    log.line(src.startsWith(";") ? src : "; " + src);
                    lastSourceLine = src;
                }
                Insn next = insns[idx].isWide() && idx + 1 < insns.length ? insns[idx + 1] : null;
                insnText = printer.line(idx, insns[idx], next);
            }
            scratchedRegs = 0;
            scratchedSlots = 0;
            int frameBefore = cur.curframe;
            boolean pathEnded;
            try {
                pathEnded = step(idx);
            } catch (Reject r) {
                if (insnText != null) log.line(insnText);
                throw r;
            }
            if (insnText != null) {
                if (log.level2() && !pathEnded && cur.curframe == frameBefore && (scratchedRegs | scratchedSlots) != 0) {
                    StringBuilder sb = new StringBuilder(insnText);
                    // Linux aligns the state at column 38 (vlog_alignment)
                    while (sb.length() < 38) sb.append(' ');
                    sb.append("; ").append(StateFormatter.scratched(cur.cur(), cur.curframe, scratchedRegs, scratchedSlots));
                    log.line(sb.toString());
                } else {
                    log.line(insnText);
                }
            }
            if (pathEnded) {
                if (!popPath()) return;
                printState = true;
            } else {
                cur.prevInsnIdx = idx;
            }
        }
    }

    /** Ends the current path and takes the next pending one; false when none is left. */
    private boolean popPath() {
        updateBranchCounts(cur.parent);
        VState next = pending.pollLast();
        if (next == null) return false;
        cur = next;
        return true;
    }

    /** A path below these stored states completed: the states with nothing left to explore are proven safe. */
    private void updateBranchCounts(VState s) {
        int walk = 0;
        while (s != null) {
            walk++;
            s.branches--;
            if (s.branches > 0) break;
            s = s.parent;
        }
        if (walk > longestWalk) longestWalk = walk;
    }

    /** Queues the other side of a branch, resuming at {@code target}. */
    VState pushBranch(int target, int fromIdx) {
        if (pending.size() >= COMPLEXITY_LIMIT_JMP_SEQ) {
            throw new Reject(Errno.E2BIG, String.format("The sequence of %d jumps is too complex.", pending.size()));
        }
        VState other = new VState(cur);
        other.insnIdx = target;
        other.prevInsnIdx = fromIdx;
        if (cur.parent != null) cur.parent.branches++;
        pending.addLast(other);
        return other;
    }

    // ------------------------------------------------------------------------------------------
    // pruning (is_state_visited)

    private boolean isStateVisited(int idx) {
        List<VState> list = explored[idx];
        if (list == null) explored[idx] = list = new ArrayList<>(2);
        boolean callbackEntry = isCallbackEntry(idx);
        if (callbackEntry) widenCallbackReentry(list);
        boolean addNew = true;
        int hash = StateEquivalence.hash(cur, ps, idx);
        int inProgress = 0;
        for (int i = 0; i < list.size(); i++) {
            VState old = list.get(i);
            if (old.branches > 0) {
                // still being explored: an ancestor of this path
                inProgress++;
                if (callbackEntry && StateEquivalence.equal(old, cur, ps, prec, idx, false)) {
                    // the callback's effect reached a fixed point: this iteration is covered by the one in progress
                    old.hitCnt++;
                    return true;
                }
                if (old.hash == hash && StateEquivalence.equal(old, cur, ps, prec, idx, true)) {
                    throw Reject.inval("infinite loop detected at insn %d", idx);
                }
                continue;
            }
            if (StateEquivalence.equal(old, cur, ps, prec, idx, false)) {
                old.hitCnt++;
                return true;
            }
            old.missCnt++;
            if (old.missCnt > old.hitCnt * 3 + 3) {
                // a state that keeps missing costs comparisons: forget it (maybe_free_verifier_state)
                list.remove(i--);
                liveStates--;
            }
        }
        if (inProgress > 0) {
            // inside a loop iterations differ: store their states ever more sparsely (the first 8 each
            // time, the next 8 every other time, ...), which bounds the comparisons per visit to a few
            // hundred even near the 1M limit while a loop that repeats a state is still caught
            loopVisits[idx]++;
            long gap = 1L << Math.min(30, inProgress / 8);
            if (loopVisits[idx] < gap) addNew = false;
        }
        if (!addNew) return false;
        loopVisits[idx] = 0;
        prevJmpsProcessed = jmpsProcessed;
        prevInsnProcessed = processed;
        VState stored = new VState(cur);
        stored.insnIdx = idx;
        stored.branches = 1;
        stored.parent = cur.parent;
        stored.hash = hash;
        list.add(stored);
        cur.parent = stored;
        for (int i = 0; i <= cur.curframe; i++) cur.frames[i].written = 0;
        totalStates++;
        liveStates++;
        if (liveStates > peakStates) peakStates = liveStates;
        if (list.size() > maxStatesPerInsn) maxStatesPerInsn = list.size();
        return false;
    }

    /**
     * Widening for callback iterations: a scalar in the callers' frames that changed since the
     * previous entry of the same callback becomes unknown, so that the iterations reach a fixed
     * point (Linux gets there by ignoring imprecise scalars). Sound: the state only grows.
     */
    private void widenCallbackReentry(List<VState> list) {
        VState prev = null;
        for (VState old : list) {
            if (old.branches > 0 && old.curframe == cur.curframe && old.cur().callsite == cur.cur().callsite) prev = old;
        }
        if (prev == null) return;
        for (int f = 0; f < cur.curframe; f++) {
            FuncFrame fo = prev.frames[f], fc = cur.frames[f];
            for (int r = 0; r < 11; r++) widen(fo.regs[r], fc.regs[r]);
            for (int s = 0; s < fc.spilled.length; s++) {
                if (fc.spilled[s] != null && fo.spilled[s] != null && fc.spillAt(s) && fo.spillAt(s)) {
                    widen(fo.spilled[s], fc.spilled[s]);
                }
            }
        }
    }

    private static void widen(RegState old, RegState c) {
        if (old.isScalar() && c.isScalar() && !c.var.within(old.var)) {
            c.var = Scalar.unknown();
            c.id = 0;
        }
    }

    private boolean isCallbackEntry(int idx) {
        FuncFrame f = cur.cur();
        return f.callback && f.reentry && f.subprogStart == idx;
    }

    // ------------------------------------------------------------------------------------------
    // one instruction

    /** Interprets the instruction at {@code idx}; returns true when the path ends there. */
    private boolean step(int idx) {
        Insn insn = insns[idx];
        int cls = insn.cls();
        switch (cls) {
            case ALU, ALU64 -> {
                checkAlu(idx, insn);
                cur.insnIdx = idx + 1;
                return false;
            }
            case LDX -> {
                mem.checkLdx(idx, insn);
                cur.insnIdx = idx + 1;
                return false;
            }
            case STX -> {
                if (mode(insn.opcode()) == ATOMIC) mem.checkAtomic(idx, insn);
                else mem.checkStx(idx, insn);
                cur.insnIdx = idx + 1;
                return false;
            }
            case ST -> {
                mem.checkSt(idx, insn);
                cur.insnIdx = idx + 1;
                return false;
            }
            case LD -> {
                if (insn.isWide()) {
                    checkLdImm64(idx, insn);
                    cur.insnIdx = idx + 2;
                } else {
                    checkLdAbs(idx, insn);
                    cur.insnIdx = idx + 1;
                }
                return false;
            }
            default -> {
                return checkJmp(idx, insn);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // registers

    RegState srcReg(int r) {
        if (r > 10) throw Reject.inval("R%d is invalid", r);
        RegState reg = cur.reg(r);
        if (reg.type == RegType.NOT_INIT) throw Reject.acces("R%d !read_ok", r);
        return reg;
    }

    RegState dstReg(int r) {
        if (r > 10) throw Reject.inval("R%d is invalid", r);
        if (r == 10) throw Reject.acces("frame pointer is read only");
        cur.cur().written |= 1 << r;
        scratchedRegs |= 1 << r;
        return cur.reg(r);
    }

    String typeName(RegState r) { return r.typeName(); }

    // ------------------------------------------------------------------------------------------
    // ALU (check_alu_op, adjust_reg_min_max_vals, adjust_ptr_min_max_vals)

    private void checkAlu(int idx, Insn insn) {
        int op = insn.opcode();
        int aop = aluOp(op);
        boolean is64 = insn.cls() == ALU64;
        boolean x = source(op) == X;
        if (aop == NEG || aop == END) {
            boolean bad = aop == NEG ? (insn.src() != 0 || insn.imm() != 0 || insn.off() != 0 || x)
                    : (insn.src() != 0 || insn.off() != 0 || (insn.imm() != 16 && insn.imm() != 32 && insn.imm() != 64) || (is64 && x));
            if (bad) throw Reject.inval(aop == NEG ? "BPF_NEG uses reserved fields" : "BPF_END uses reserved fields");
            RegState d = srcReg(insn.dst());
            if (d.isPointer() && !allowPtrLeaks) throw Reject.acces("R%d pointer arithmetic prohibited", insn.dst());
            RegState dst = dstReg(insn.dst());
            if (!dst.isScalar()) {
                dst.setUnknown();
                return;
            }
            AluOp a = AluOp.of(op, insn.off(), insn.imm());
            dst.setScalar(dst.var.alu(a, null, is64));
            return;
        }
        if (aop == MOV) {
            if (x) {
                boolean okOff = insn.off() == 0 || insn.off() == 8 || insn.off() == 16 || (is64 && insn.off() == 32);
                if (insn.imm() != 0 || !okOff) throw Reject.inval("BPF_MOV uses reserved fields");
            } else if (insn.src() != 0 || insn.off() != 0) {
                throw Reject.inval("BPF_MOV uses reserved fields");
            }
            if (x) {
                RegState s = srcReg(insn.src());
                RegState dst = dstReg(insn.dst());
                if (insn.off() != 0) {
                    // movsx
                    if (s.isPointer()) {
                        if (!allowPtrLeaks) throw Reject.acces("R%d sign-extension part of pointer", insn.src());
                        dst.setUnknown();
                        return;
                    }
                    AluOp a = AluOp.of(op, insn.off(), 0);
                    dst.setScalar(s.var.alu(a, s.var, is64));
                    return;
                }
                if (is64) {
                    if (s.isScalar() && s.id == 0 && !s.var.isConst()) s.id = ++idGen;
                    if (dst != s) dst.copyFrom(s);
                    return;
                }
                if (s.isPointer()) {
                    if (!allowPtrLeaks) throw Reject.acces("R%d partial copy of pointer", insn.src());
                    dst.setScalar(Scalar.unknownOfSize(4));
                    return;
                }
                dst.setScalar(s.var.zext32());
                return;
            }
            RegState dst = dstReg(insn.dst());
            dst.setConst(is64 ? (long) insn.imm() : insn.imm() & 0xffffffffL);
            return;
        }
        // binary operations
        if (x) {
            if (insn.imm() != 0 || (insn.off() != 0 && !((aop == DIV || aop == MOD) && insn.off() == 1))) {
                throw Reject.inval("BPF_ALU uses reserved fields");
            }
        } else if (insn.src() != 0 || (insn.off() != 0 && !((aop == DIV || aop == MOD) && insn.off() == 1))) {
            throw Reject.inval("BPF_ALU uses reserved fields");
        }
        RegState src;
        if (x) {
            src = srcReg(insn.src());
        } else {
            src = null;
            if ((aop == DIV || aop == MOD) && insn.imm() == 0) throw Reject.inval("div by zero");
            if ((aop == LSH || aop == RSH || aop == ARSH) && Integer.compareUnsigned(insn.imm(), is64 ? 64 : 32) >= 0) {
                throw Reject.inval("invalid shift %d", insn.imm());
            }
        }
        RegState d = srcReg(insn.dst());
        RegState dst = dstReg(insn.dst());
        Scalar srcVal = x ? src.var : Scalar.constant(is64 ? (long) insn.imm() : insn.imm() & 0xffffffffL);
        boolean srcPtr = x && src.isPointer();
        if (d.isPointer() || srcPtr) {
            adjustPtr(insn, dst, x ? src : null, is64);
            return;
        }
        AluOp a = AluOp.of(op, insn.off(), insn.imm());
        if (a == null) throw Reject.inval("BPF_ALU uses reserved fields");
        Scalar result = is64 ? dst.var.alu64(a, srcVal) : dst.var.alu32(a, x ? src.var : Scalar.constant(insn.imm()));
        dst.setScalar(result);
    }

    private static String aluOpString(int aop) {
        return switch (aop) {
            case ADD -> "+="; case SUB -> "-="; case MUL -> "*="; case DIV -> "/="; case OR -> "|="; case AND -> "&=";
            case LSH -> "<<="; case RSH -> ">>="; case MOD -> "%="; case XOR -> "^="; case ARSH -> "s>>="; default -> "?";
        };
    }

    /** Arithmetic where at least one operand is a pointer. */
    private void adjustPtr(Insn insn, RegState dst, RegState src, boolean is64) {
        int aop = aluOp(insn.opcode());
        int dreg = insn.dst();
        boolean dstPtr = dst.isPointer();
        boolean srcPtr = src != null && src.isPointer();
        if (!is64) {
            if (aop == SUB && allowPtrLeaks) {
                dst.setUnknown();
                return;
            }
            throw Reject.acces("R%d 32-bit pointer arithmetic prohibited", dreg);
        }
        if (dstPtr && srcPtr) {
            if (aop == SUB && allowPtrLeaks) {
                dst.setUnknown();
                return;
            }
            throw Reject.acces("R%d pointer %s pointer prohibited", dreg, aluOpString(aop));
        }
        RegState ptr = dstPtr ? dst : src;
        Scalar off = dstPtr ? (src == null ? Scalar.constant((long) insn.imm()) : src.var) : dst.var;
        if (!dstPtr && aop == SUB) throw Reject.acces("R%d tried to subtract pointer from scalar", dreg);
        if (ptr.type.maybeNull()) {
            throw Reject.acces("R%d pointer arithmetic on %s prohibited, null-check it first", dreg, typeName(ptr));
        }
        if (ptr.type == RegType.CONST_PTR_TO_MAP || ptr.type == RegType.PTR_TO_FUNC) {
            throw Reject.acces("R%d pointer arithmetic on %s prohibited", dreg, typeName(ptr));
        }
        if (aop == AND || aop == OR || aop == XOR) {
            throw Reject.acces("R%d bitwise operator %s on pointer prohibited", dreg, aluOpString(aop));
        }
        if (aop != ADD && aop != SUB) {
            throw Reject.acces("R%d pointer arithmetic with %s operator prohibited", dreg, aluOpString(aop));
        }
        if (ptr.type == RegType.PTR_TO_STACK && aop == SUB && !allowPtrLeaks) {
            throw Reject.acces("R%d subtraction from stack pointer prohibited", dreg);
        }
        checkSaneOffset(off, ptr, dreg);
        RegState result = new RegState(ptr);
        if (off.isConst()) {
            long v = off.constValue();
            long nOff = aop == ADD ? ptr.off + v : ptr.off - v;
            if (nOff >= MAX_VAR_OFF || nOff <= -MAX_VAR_OFF) {
                throw Reject.acces("%s pointer offset %d is not allowed", typeName(ptr), nOff);
            }
            result.off = (int) nOff;
        } else {
            if (ptr.type == RegType.PTR_TO_CTX) {
                // variable offsets into the context are refused at the access; keep the arithmetic
            }
            if (ptr.type == RegType.PTR_TO_STACK && !bpfCapable) {
                throw Reject.acces("R%d variable stack access prohibited for !root", dreg);
            }
            result.var = aop == ADD ? ptr.var.alu64(AluOp.ADD, off) : ptr.var.alu64(AluOp.SUB, off);
        }
        checkSaneOffset(result.var, result, dreg);
        dst.copyFrom(result);
    }

    private void checkSaneOffset(Scalar s, RegState ptr, int dreg) {
        if (s.isConst()) {
            long v = s.constValue();
            if (v >= MAX_VAR_OFF || v <= -MAX_VAR_OFF) {
                throw Reject.acces("math between %s pointer and %d is not allowed", typeName(ptr), v);
            }
            return;
        }
        if (s.smin() == Long.MIN_VALUE) {
            throw Reject.acces("math between %s pointer and register with unbounded min value is not allowed", typeName(ptr));
        }
        if (s.smin() >= MAX_VAR_OFF || s.smin() <= -MAX_VAR_OFF) {
            throw Reject.acces("value %d makes %s pointer be out of bounds", s.smin(), typeName(ptr));
        }
    }

    // ------------------------------------------------------------------------------------------
    // lddw and legacy packet loads

    private void checkLdImm64(int idx, Insn insn) {
        RegState dst = dstReg(insn.dst());
        Insn next = insns[idx + 1];
        switch (insn.src()) {
            case 0 -> dst.setConst(insn.imm64(next));
            case PSEUDO_MAP_FD, PSEUDO_MAP_IDX -> {
                dst.setPointer(RegType.CONST_PTR_TO_MAP, 0);
                dst.map = lddwMaps[idx];
            }
            case PSEUDO_MAP_VALUE, PSEUDO_MAP_IDX_VALUE -> {
                dst.setPointer(RegType.PTR_TO_MAP_VALUE, next.imm());
                dst.map = lddwMaps[idx];
            }
            case PSEUDO_FUNC -> {
                if (!bpfCapable) throw new Reject(Errno.EPERM, "function pointers require CAP_BPF");
                dst.setPointer(RegType.PTR_TO_FUNC, 0);
                dst.funcStart = idx + insn.imm() + 1;
            }
            default -> throw Reject.inval("unrecognized bpf_ld_imm64 insn");
        }
    }

    private void checkLdAbs(int idx, Insn insn) {
        int m = mode(insn.opcode());
        if (progType != ProgType.SOCKET_FILTER) throw Reject.inval("BPF_LD_[ABS|IND] instructions not allowed for this program type");
        if (insn.dst() != 0 || insn.off() != 0 || size(insn.opcode()) == DW || (m == ABS && insn.src() != 0)) {
            throw Reject.inval("BPF_LD_[ABS|IND] uses reserved fields");
        }
        if (cur.refIds.length > 0) throw Reject.inval("BPF_LD_[ABS|IND] cannot be mixed with socket references");
        if (cur.curframe != 0) throw Reject.inval("BPF_LD_[ABS|IND] instructions cannot be used inside bpf-to-bpf calls");
        RegState r6 = srcReg(6);
        if (r6.type != RegType.PTR_TO_CTX || r6.off != 0) {
            throw Reject.inval("at the time of BPF_LD_ABS|IND R6 != pointer to skb");
        }
        if (m == IND) srcReg(insn.src());
        for (int r = 1; r <= 5; r++) cur.reg(r).markNotInit();
        dstReg(0).setScalar(Scalar.unknownOfSize(sizeBytes(insn.opcode())));
    }

    // ------------------------------------------------------------------------------------------
    // jumps, calls, exit

    private boolean checkJmp(int idx, Insn insn) {
        int op = insn.opcode();
        int jop = jmpOp(op);
        boolean is32 = insn.cls() == JMP32;
        jmpsProcessed++;
        switch (jop) {
            case JA -> {
                if (insn.src() != 0 || insn.dst() != 0 || (is32 ? insn.off() != 0 : insn.imm() != 0)) {
                    throw Reject.inval("BPF_JA uses reserved fields");
                }
                cur.insnIdx = idx + ProgramStructure.jumpOffset(insn) + 1;
                return false;
            }
            case EXIT -> {
                if (insn.src() != 0 || insn.dst() != 0 || insn.off() != 0 || insn.imm() != 0 || is32) {
                    throw Reject.inval("BPF_EXIT uses reserved fields");
                }
                return checkExit(idx);
            }
            case CALL -> {
                int src = insn.src();
                if ((src != CALL_HELPER && src != PSEUDO_CALL && src != PSEUDO_KFUNC_CALL) || (src == PSEUDO_CALL && insn.off() != 0)
                        || (src == CALL_HELPER && insn.off() != 0) || insn.dst() != 0 || is32) {
                    throw Reject.inval("BPF_CALL uses reserved fields");
                }
                if (src == PSEUDO_CALL) {
                    callCheck.enterSubprog(idx, idx + insn.imm() + 1, false, null);
                    return false;
                }
                if (src == PSEUDO_KFUNC_CALL) callCheck.checkKfuncCall(idx, kfuncs[idx]);
                else if (callCheck.checkHelperCall(idx, insn.imm())) return false;
                cur.insnIdx = idx + 1;
                return false;
            }
            default -> {
                return condJump(idx, insn, is32);
            }
        }
    }

    // ---- conditional jumps (check_cond_jmp_op)

    private boolean condJump(int idx, Insn insn, boolean is32) {
        boolean x = source(insn.opcode()) == X;
        if (x ? insn.imm() != 0 : insn.src() != 0) throw Reject.inval("BPF_JMP/JMP32 uses reserved fields");
        RegState dst = srcReg(insn.dst());
        RegState src;
        if (x) {
            src = srcReg(insn.src());
        } else {
            src = new RegState();
            src.setConst(is32 ? insn.imm() & 0xffffffffL : (long) insn.imm());
        }
        JmpOp op = JmpOp.of(insn.opcode());
        int target = idx + insn.off() + 1;
        boolean nullCheck = (op == JmpOp.JEQ || op == JmpOp.JNE) && !is32
                && ((dst.type.maybeNull() && src.isConstZero()) || (src.type.maybeNull() && dst.isConstZero()));
        if (!allowPtrLeaks && (dst.isPointer() || src.isPointer()) && !nullCheck) {
            throw Reject.acces("R%d pointer comparison prohibited", dst.isPointer() ? insn.dst() : insn.src());
        }
        BranchOutcome outcome = branchOutcome(dst, src, op, is32);
        if (outcome == BranchOutcome.TAKEN) {
            cur.insnIdx = target;
            return false;
        }
        if (outcome == BranchOutcome.NOT_TAKEN) {
            cur.insnIdx = idx + 1;
            return false;
        }
        if (dst.isScalar() && src.isScalar()) {
            Scalar b = src.var;
            Refined whenTaken = Scalar.refine(dst.var, b, op, is32, true);
            Refined whenNot = Scalar.refine(dst.var, b, op, is32, false);
            if (!whenTaken.possible()) {
                applyRefined(cur, insn, whenNot, x);
                cur.insnIdx = idx + 1;
                return false;
            }
            if (!whenNot.possible()) {
                applyRefined(cur, insn, whenTaken, x);
                cur.insnIdx = target;
                return false;
            }
            VState other = pushBranch(target, idx);
            applyRefined(other, insn, whenTaken, x);
            applyRefined(cur, insn, whenNot, x);
        } else if (nullCheck) {
            VState other = pushBranch(target, idx);
            int ptrReg = dst.type.maybeNull() ? insn.dst() : insn.src();
            RegState p = cur.reg(ptrReg);
            // JEQ: the jump is the null side; JNE: the fall-through is
            boolean jumpIsNull = op == JmpOp.JEQ;
            markPtrOrNull(other, p.id, p.refObjId, jumpIsNull);
            markPtrOrNull(cur, p.id, p.refObjId, !jumpIsNull);
        } else {
            pushBranch(target, idx);
        }
        cur.insnIdx = idx + 1;
        return false;
    }

    private BranchOutcome branchOutcome(RegState a, RegState b, JmpOp op, boolean is32) {
        if (a.isScalar() && b.isScalar()) return Scalar.isBranchTaken(a.var, b.var, op, is32);
        // a pointer that cannot be NULL compared with 0
        RegState ptr = a.isPointer() ? a : b;
        RegState other = a.isPointer() ? b : a;
        if (!is32 && ptr.isPointer() && !ptr.type.maybeNull() && other.isConstZero() && (op == JmpOp.JEQ || op == JmpOp.JNE)) {
            return op == JmpOp.JEQ ? BranchOutcome.NOT_TAKEN : BranchOutcome.TAKEN;
        }
        return BranchOutcome.UNKNOWN;
    }

    private void applyRefined(VState st, Insn insn, Refined r, boolean x) {
        RegState d = st.reg(insn.dst());
        d.var = r.a();
        propagateEqualScalars(st, d);
        if (x && insn.src() != insn.dst()) {
            RegState s = st.reg(insn.src());
            s.var = r.b();
            propagateEqualScalars(st, s);
        }
    }

    /** find_equal_scalars: a bound learnt on one copy of a scalar holds for every copy with the same id. */
    private static void propagateEqualScalars(VState st, RegState known) {
        if (known.id == 0) return;
        for (int f = 0; f <= st.curframe; f++) {
            FuncFrame fr = st.frames[f];
            for (RegState r : fr.regs) if (r != known && r.isScalar() && r.id == known.id) r.var = known.var;
            for (RegState r : fr.spilled) if (r != null && r != known && r.isScalar() && r.id == known.id) r.var = known.var;
        }
    }

    /** mark_ptr_or_null_regs: every copy of a checked pointer becomes non-null, or a scalar 0 on the null side. */
    private void markPtrOrNull(VState st, int id, int refObjId, boolean isNull) {
        if (id == 0) return;
        for (int f = 0; f <= st.curframe; f++) {
            FuncFrame fr = st.frames[f];
            for (RegState r : fr.regs) markOne(r, id, isNull);
            for (RegState r : fr.spilled) if (r != null) markOne(r, id, isNull);
        }
        if (isNull && refObjId != 0) st.release(refObjId);
    }

    private static void markOne(RegState r, int id, boolean isNull) {
        if (r.id != id || !r.type.maybeNull()) return;
        if (isNull) {
            r.setConst(0);
        } else {
            r.type = r.type.nonNull();
            if (r.refObjId == 0) r.id = 0;
        }
    }

    // ---- exit

    private boolean checkExit(int idx) {
        FuncFrame f = cur.cur();
        if (cur.curframe > 0) {
            RegState r0 = srcReg(0);
            if (f.callback) {
                if (!r0.isScalar()) throw Reject.acces("At callback return the register R0 is not a known value (%s)", typeName(r0));
                Scalar v = r0.var;
                if (v.smin() < 0 || v.smax() > 1) {
                    throw Reject.acces("At callback return the register R0 has smin=%d smax=%d should have been in [0, 1]", v.smin(), v.smax());
                }
                callCheck.returnFromCallback(idx);
                return false;
            }
            if (r0.type == RegType.PTR_TO_STACK && r0.frameNo == cur.curframe) {
                throw Reject.inval("cannot return stack pointer to the caller");
            }
            RegState ret = new RegState(r0);
            int callsite = f.callsite;
            popFrame();
            FuncFrame caller = cur.cur();
            for (int r = 1; r <= 5; r++) caller.regs[r].markNotInit();
            caller.regs[0].copyFrom(ret);
            caller.written |= 1;
            cur.insnIdx = callsite + 1;
            return false;
        }
        // the main program returns
        RegState r0 = cur.reg(0);
        if (r0.type == RegType.NOT_INIT) throw Reject.acces("R0 !read_ok");
        if (r0.isPointer() && !allowPtrLeaks) throw Reject.acces("R0 leaks addr as return value");
        if (cur.refIds.length > 0) {
            throw Reject.inval("Unreleased reference id=%d alloc_insn=%d", cur.refIds[0], cur.refInsns[0]);
        }
        return true;
    }

    /** Leaves the top frame; pointers into it held by the callers become unknown scalars. */
    void popFrame() {
        int gone = cur.curframe;
        cur.frames[gone] = null;
        cur.curframe--;
        for (int i = 0; i <= cur.curframe; i++) {
            FuncFrame fr = cur.frames[i];
            for (RegState r : fr.regs) if (r.type == RegType.PTR_TO_STACK && r.frameNo >= gone) r.setUnknown();
            for (int s = 0; s < fr.spilled.length; s++) {
                RegState r = fr.spilled[s];
                if (r != null && r.type == RegType.PTR_TO_STACK && r.frameNo >= gone) r.setUnknown();
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // after the walk

    /** check_max_stack_depth: the deepest chain of frames and its combined stack. */
    private void checkMaxStackDepth() {
        int n = ps.subprogStart.length;
        List<List<Integer>> callees = new ArrayList<>();
        for (int s = 0; s < n; s++) callees.add(new ArrayList<>());
        for (int i = 0; i < insns.length; i++) {
            Insn in = insns[i];
            if (ProgramStructure.isPseudoCall(in) || ProgramStructure.isPseudoFunc(in)) {
                int target = ps.subprogIndexOfStart(i + in.imm() + 1);
                if (target >= 0) callees.get(ps.subprogOf[i]).add(target);
            }
        }
        walkDepth(0, 1, 0, callees, new boolean[n]);
    }

    private void walkDepth(int sub, int frames, int depth, List<List<Integer>> callees, boolean[] onPath) {
        if (frames > VState.MAX_CALL_FRAMES) {
            throw new Reject(Errno.E2BIG, String.format("the call stack of %d frames is too deep !", frames));
        }
        int d = depth + ((subprogDepth[sub] + 15) & ~15);
        if (d > FuncFrame.MAX_STACK) {
            throw Reject.acces("combined stack size of %d calls is %d. Too large", frames, d);
        }
        if (onPath[sub]) return;
        onPath[sub] = true;
        for (int c : callees.get(sub)) walkDepth(c, frames + 1, d, callees, onPath);
        onPath[sub] = false;
    }
}
