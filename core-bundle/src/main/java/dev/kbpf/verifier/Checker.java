package dev.kbpf.verifier;

import dev.kbpf.api.Capability;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.RetType;
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
    final boolean bpfCapable;
    final boolean strictAlignment;
    final ContextLayout ctxLayout;
    final Disassembler printer;

    ProgramStructure ps;
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
    private VState pushBranch(int target, int fromIdx) {
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
                checkLdx(idx, insn);
                cur.insnIdx = idx + 1;
                return false;
            }
            case STX -> {
                if (mode(insn.opcode()) == ATOMIC) checkAtomic(idx, insn);
                else checkStx(idx, insn);
                cur.insnIdx = idx + 1;
                return false;
            }
            case ST -> {
                checkSt(idx, insn);
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

    private RegState srcReg(int r) {
        if (r > 10) throw Reject.inval("R%d is invalid", r);
        RegState reg = cur.reg(r);
        if (reg.type == RegType.NOT_INIT) throw Reject.acces("R%d !read_ok", r);
        return reg;
    }

    private RegState dstReg(int r) {
        if (r > 10) throw Reject.inval("R%d is invalid", r);
        if (r == 10) throw Reject.acces("frame pointer is read only");
        cur.cur().written |= 1 << r;
        scratchedRegs |= 1 << r;
        return cur.reg(r);
    }

    private String typeName(RegState r) { return r.typeName(); }

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
    // loads and stores (check_mem_access)

    private void recordAccess(int idx, RegState base) {
        PointerKind k = switch (base.type) {
            case PTR_TO_CTX -> PointerKind.CTX;
            case PTR_TO_STACK -> PointerKind.STACK;
            case PTR_TO_MAP_VALUE -> PointerKind.MAP_VALUE;
            case PTR_TO_MAP_KEY -> PointerKind.MAP_KEY;
            case PTR_TO_MEM -> PointerKind.MEM;
            default -> PointerKind.MIXED;
        };
        PointerKind prev = accessKinds[idx];
        if (prev == PointerKind.NONE) {
            accessKinds[idx] = k;
        } else if (prev != k) {
            if (prev == PointerKind.CTX || k == PointerKind.CTX) throw Reject.inval("same insn cannot be used with different pointers");
            accessKinds[idx] = PointerKind.MIXED;
        }
        if ((base.type == RegType.PTR_TO_MAP_VALUE || base.type == RegType.PTR_TO_MAP_KEY) && !accessMapMixed[idx]) {
            if (accessMaps[idx] == null && prev == PointerKind.NONE) accessMaps[idx] = base.map;
            else if (accessMaps[idx] == null || accessMaps[idx].id() != base.map.id()) poisonMap(idx);
        } else {
            poisonMap(idx);
        }
    }

    private void poisonMap(int idx) {
        accessMaps[idx] = null;
        accessMapMixed[idx] = true;
    }

    private void checkLdx(int idx, Insn insn) {
        int size = sizeBytes(insn.opcode());
        boolean sx = mode(insn.opcode()) == MEMSX;
        RegState base = srcReg(insn.src());
        RegState tmp = new RegState();
        memAccess(idx, insn.src(), base, insn.off(), size, false, null, tmp, false);
        if (sx && tmp.isScalar()) tmp.setScalar(tmp.var.signExtend(size * 8));
        RegState dst = dstReg(insn.dst());
        dst.copyFrom(tmp);
    }

    private void checkStx(int idx, Insn insn) {
        if (insn.imm() != 0 || mode(insn.opcode()) != MEM) throw Reject.inval("BPF_STX uses reserved fields");
        RegState value = srcReg(insn.src());
        if (insn.dst() > 10) throw Reject.inval("R%d is invalid", insn.dst());
        RegState base = srcReg(insn.dst());
        memAccess(idx, insn.dst(), base, insn.off(), sizeBytes(insn.opcode()), true, new RegState(value), null, false);
    }

    private void checkSt(int idx, Insn insn) {
        if (insn.src() != 0 || mode(insn.opcode()) != MEM) throw Reject.inval("BPF_ST uses reserved fields");
        if (insn.dst() > 10) throw Reject.inval("R%d is invalid", insn.dst());
        RegState base = srcReg(insn.dst());
        if (base.type == RegType.PTR_TO_CTX) {
            throw Reject.acces("BPF_ST stores into R%d %s is not allowed", insn.dst(), typeName(base));
        }
        RegState value = new RegState();
        value.setConst(insn.imm());
        memAccess(idx, insn.dst(), base, insn.off(), sizeBytes(insn.opcode()), true, value, null, true);
    }

    private void checkAtomic(int idx, Insn insn) {
        int imm = insn.imm();
        int size = sizeBytes(insn.opcode());
        boolean okOp = imm == ADD || imm == AND || imm == OR || imm == XOR || imm == (ADD | FETCH) || imm == (AND | FETCH)
                || imm == (OR | FETCH) || imm == (XOR | FETCH) || imm == XCHG || imm == CMPXCHG;
        if (!okOp) throw Reject.inval("BPF_ATOMIC uses invalid atomic opcode %02x", imm);
        if (size != 4 && size != 8) throw Reject.inval("invalid atomic operand size");
        RegState value = srcReg(insn.src());
        if (insn.dst() > 10) throw Reject.inval("R%d is invalid", insn.dst());
        RegState base = srcReg(insn.dst());
        if (imm == CMPXCHG) {
            RegState r0 = srcReg(0);
            if (r0.isPointer() && !allowPtrLeaks) throw Reject.acces("R0 leaks addr into mem");
        }
        if (value.isPointer() && !allowPtrLeaks) throw Reject.acces("R%d leaks addr into mem", insn.src());
        if (base.type == RegType.PTR_TO_CTX || base.type == RegType.PTR_TO_MAP_KEY) {
            throw Reject.acces("BPF_ATOMIC stores into R%d %s is not allowed", insn.dst(), typeName(base));
        }
        if (value.isPointer()) {
            // an atomic operation on a pointer produces garbage: the slot becomes misc, never a spilled pointer
            value = new RegState();
            value.setUnknown();
        }
        RegState loaded = new RegState();
        memAccess(idx, insn.dst(), base, insn.off(), size, false, null, loaded, true);
        RegState stored = new RegState();
        stored.setScalar(Scalar.unknownOfSize(size));
        memAccess(idx, insn.dst(), base, insn.off(), size, true, stored, null, true);
        if (imm == CMPXCHG) {
            dstReg(0).setScalar(Scalar.unknownOfSize(size));
        } else if ((imm & FETCH) != 0) {
            dstReg(insn.src()).setScalar(Scalar.unknownOfSize(size));
        }
    }

    /**
     * One memory access through {@code base}: bounds, alignment, permissions and, for loads, the
     * loaded value into {@code out}; for stores, {@code value} is what goes to memory.
     */
    private void memAccess(int idx, int regno, RegState base, int insnOff, int size, boolean write, RegState value,
                           RegState out, boolean strictOnce) {
        int storeReg = write && value != null ? insns[idx].src() : -1;
        switch (base.type) {
            case PTR_TO_STACK -> {
                recordAccess(idx, base);
                stackAccess(regno, base, insnOff, size, write, value, out, insns[idx].cls() == ST);
            }
            case PTR_TO_MAP_VALUE -> {
                recordAccess(idx, base);
                MapInfo map = base.map;
                int off = base.off + insnOff;
                checkAlignment(base, off, size, "value ", strictOnce);
                if (write && map.readOnly()) {
                    throw Reject.acces("write into map forbidden, value_size=%d off=%d size=%d", map.valueSize(), off, size);
                }
                if (write && value.isPointer() && !allowPtrLeaks && insns[idx].cls() == STX) {
                    throw Reject.acces("R%d leaks addr into map", storeReg);
                }
                memRegionAccess(regno, base, off, size, map.valueSize(), "map value, value_size");
                if (!write) {
                    if (map.readOnly() && map.frozenValue() != null && base.var.isConst() && size <= 8) {
                        long at = off + base.var.constValue();
                        byte[] bytes = map.frozenValue();
                        long v = 0;
                        for (int i = size - 1; i >= 0; i--) v = (v << 8) | (bytes[(int) at + i] & 0xff);
                        out.setConst(v);
                    } else {
                        out.setScalar(Scalar.unknownOfSize(size));
                    }
                }
            }
            case PTR_TO_MAP_KEY -> {
                recordAccess(idx, base);
                if (write) throw Reject.acces("write to change key R%d not allowed", regno);
                int off = base.off + insnOff;
                checkAlignment(base, off, size, "", strictOnce);
                memRegionAccess(regno, base, off, size, base.map.keySize(), "map key, key_size");
                out.setScalar(Scalar.unknownOfSize(size));
            }
            case PTR_TO_MEM -> {
                recordAccess(idx, base);
                int off = base.off + insnOff;
                checkAlignment(base, off, size, "", strictOnce);
                if (write && value.isPointer() && !allowPtrLeaks && insns[idx].cls() == STX) {
                    throw Reject.acces("R%d leaks addr into mem", storeReg);
                }
                memRegionAccess(regno, base, off, size, base.memSize, "memory, mem_size");
                if (!write) out.setScalar(Scalar.unknownOfSize(size));
            }
            case PTR_TO_CTX -> {
                recordAccess(idx, base);
                if (base.off != 0) throw Reject.acces("dereference of modified ctx ptr R%d off=%d disallowed", regno, base.off);
                if (!base.var.isConst() || base.var.constValue() != 0) {
                    throw Reject.acces("variable ctx access var_off=%s disallowed", tnumText(base.var));
                }
                if (write && value.isPointer() && !allowPtrLeaks) throw Reject.acces("R%d leaks addr into ctx", storeReg);
                if (!ctxLayout.allows(insnOff, size, write)) {
                    throw Reject.acces("invalid bpf_context access off=%d size=%d", insnOff, size);
                }
                if (!write) {
                    out.setScalar(Scalar.unknownOfSize(size));
                    maxCtxOffset = Math.max(maxCtxOffset, insnOff + size);
                }
            }
            default -> throw Reject.acces("R%d invalid mem access '%s'", regno, typeName(base));
        }
    }

    private static String tnumText(Scalar s) {
        return "(0x" + Long.toHexString(s.varOff().value()) + "; 0x" + Long.toHexString(s.varOff().mask()) + ")";
    }

    private void checkAlignment(RegState base, int off, int size, String desc, boolean strictOnce) {
        if (!(strictAlignment || strictOnce) || size == 1) return;
        boolean aligned = ((off % size) == 0) && base.var.varOff().isAligned(size);
        if (!aligned) {
            throw Reject.acces("misaligned %saccess off %s+%d+%d size %d", desc, tnumText(base.var), base.off, off - base.off, size);
        }
    }

    /** check_mem_region_access: fixed plus variable offset against an object of {@code memSize} bytes. */
    private void memRegionAccess(int regno, RegState base, int off, int size, int memSize, String what) {
        Scalar v = base.var;
        long smin = v.smin();
        if (smin < 0 && (smin == Long.MIN_VALUE || (off + smin) != (long) (int) (off + smin) || smin + off < 0)) {
            throw Reject.acces("R%d min value is negative, either use unsigned index or do a if (index >=0) check.", regno);
        }
        long lo = smin + off;
        if (lo < 0 || lo + size > memSize) {
            throw Reject.acces("invalid access to %s=%d off=%d size=%d\nR%d min value is outside of the allowed memory range",
                    what, memSize, lo, size, regno);
        }
        if (Long.compareUnsigned(v.umax(), MAX_VAR_OFF) >= 0) {
            throw Reject.acces("R%d unbounded memory access, make sure to bounds check any such access", regno);
        }
        long hi = v.umax() + off;
        if (hi < 0 || hi + size > memSize) {
            throw Reject.acces("invalid access to %s=%d off=%d size=%d\nR%d max value is outside of the allowed memory range",
                    what, memSize, hi, size, regno);
        }
    }

    // ---- stack

    private void stackAccess(int regno, RegState base, int insnOff, int size, boolean write, RegState value, RegState out,
                             boolean isSt) {
        FuncFrame frame = cur.frames[base.frameNo];
        int off = base.off + insnOff;
        String extra = write ? " write to" : " read from";
        // the stack spill tracking needs aligned accesses (check_ptr_alignment: strict for the stack)
        if (!((off % size) == 0 && base.var.varOff().isAligned(size))) {
            throw Reject.acces("misaligned stack access off %s+%d+%d size %d", tnumText(base.var), base.off, insnOff, size);
        }
        if (!base.var.isConst()) {
            stackAccessVar(regno, base, frame, off, size, write, out, extra);
            return;
        }
        long total = off + base.var.constValue();
        if (total < -FuncFrame.MAX_STACK || total + size > 0) {
            throw Reject.acces("invalid%s stack R%d off=%d size=%d", extra, regno, total, size);
        }
        int o = (int) total;
        noteDepth(frame, -o);
        if (write) stackWrite(frame, o, size, value, isSt);
        else stackRead(frame, o, size, out);
    }

    private void noteDepth(FuncFrame frame, int depth) {
        int d = (depth + 7) & ~7;
        if (d > subprogDepth[frame.subprog]) subprogDepth[frame.subprog] = d;
    }

    private void stackWrite(FuncFrame f, int off, int size, RegState value, boolean isSt) {
        int spi = FuncFrame.slotOf(off);
        f.touch(-off);
        if (f == cur.cur()) scratchedSlots |= 1L << spi;
        boolean zeroImm = isSt && value.isConstZero();
        if (value.isPointer() && size != 8) throw Reject.acces("invalid size of register spill");
        if (size == 8 && !zeroImm) {
            // spill: the slot keeps the register's exact state
            for (int i = 0; i < 8; i++) f.stack[spi * 8 + i] = FuncFrame.SPILL;
            f.spilled[spi] = new RegState(value);
            f.spillSize[spi] = 8;
            return;
        }
        // a write into part of a spilled register destroys it
        for (int i = 0; i < size; i++) {
            if (f.stack[-(off + i) - 1] == FuncFrame.SPILL) {
                RegState sp = f.spilled[spi];
                if (sp != null && sp.isPointer() && !allowPtrLeaks) throw Reject.acces("attempt to corrupt spilled pointer on stack");
                f.scrubSlot(spi);
                break;
            }
        }
        if (value.isScalar() && bpfCapable && off % 8 == 0 && !zeroImm) {
            // a narrow scalar at the start of a slot is spilled with its bounds (what memory holds: the low bytes)
            RegState s = new RegState(value);
            s.var = value.var.truncate(size);
            if (!s.var.equals(value.var)) s.id = 0; // the relation to the register holds only if the value fits
            for (int i = 0; i < size; i++) f.stack[-(off + i) - 1] = FuncFrame.SPILL;
            f.spilled[spi] = s;
            f.spillSize[spi] = (byte) size;
            return;
        }
        byte kind = value.isConstZero() ? FuncFrame.ZERO : FuncFrame.MISC;
        for (int i = 0; i < size; i++) f.stack[-(off + i) - 1] = kind;
    }

    private void stackRead(FuncFrame f, int off, int size, RegState out) {
        int spi = FuncFrame.slotOf(off);
        int b0 = -off - 1;
        if (f.stack[b0] == FuncFrame.SPILL && f.spilled[spi] != null) {
            RegState sp = f.spilled[spi];
            int spillBytes = f.spillSize[spi];
            if (spillBytes == 8 && size == 8) {
                if (out != null) out.copyFrom(sp);
                return;
            }
            if (!sp.isScalar()) throw Reject.acces("invalid size of register fill");
            int k = off - (-(spi + 1) * 8); // byte index inside the slot, from its lowest address
            if (k + size <= spillBytes) {
                if (out == null) return;
                if (k == 0 && size == spillBytes) out.copyFrom(sp);
                else if (sp.var.isConst()) out.setScalar(Scalar.constant(sp.var.constValue() >>> (8 * k)).truncate(size));
                else if (k == 0) out.setScalar(sp.var.truncate(size));
                else out.setScalar(Scalar.unknownOfSize(size));
                return;
            }
            // the read goes past the spilled bytes: those must have been written
            for (int i = 0; i < size; i++) {
                if (f.stack[-(off + i) - 1] == FuncFrame.INVALID) throw Reject.acces("invalid read from stack off %d+%d size %d", off, i, size);
            }
            if (out != null) out.setScalar(Scalar.unknownOfSize(size));
            return;
        }
        int zeros = 0;
        for (int i = 0; i < size; i++) {
            int b = -(off + i) - 1;
            byte t = f.stack[b];
            if (t == FuncFrame.ZERO) zeros++;
            else if (t == FuncFrame.SPILL) {
                RegState sp = f.spilled[b / 8];
                if (sp != null && sp.isPointer() && !allowPtrLeaks) throw Reject.acces("leaking pointer from stack off %d", off);
            } else if (t != FuncFrame.MISC) throw Reject.acces("invalid read from stack off %d+%d size %d", off, i, size);
        }
        if (out != null) {
            if (zeros == size) out.setConst(0);
            else out.setScalar(Scalar.unknownOfSize(size));
        }
    }

    private void stackAccessVar(int regno, RegState base, FuncFrame f, int off, int size, boolean write, RegState out, String extra) {
        Scalar v = base.var;
        if (v.smax() >= MAX_VAR_OFF || v.smin() <= -MAX_VAR_OFF) {
            throw Reject.acces("invalid unbounded variable-offset%s stack R%d", extra, regno);
        }
        long min = v.smin() + off, max = v.smax() + off + size;
        if (min < -FuncFrame.MAX_STACK || max > 0) {
            throw Reject.acces("invalid variable-offset%s stack R%d var_off=%s size=%d", extra, regno, tnumText(v), size);
        }
        noteDepth(f, (int) -min);
        if (write) f.touch((int) -min);
        for (long o = min; o < max; o++) {
            int b = (int) (-o - 1);
            byte t = f.stack[b];
            if (write) {
                if (t == FuncFrame.SPILL) {
                    RegState sp = f.spilled[b / 8];
                    if (sp != null && sp.isPointer() && !allowPtrLeaks) throw Reject.acces("attempt to corrupt spilled pointer on stack");
                    f.scrubSlot(b / 8);
                }
                f.stack[b] = FuncFrame.MISC;
            } else {
                if (t == FuncFrame.INVALID) {
                    throw Reject.acces("invalid variable-offset read from stack R%d var_off=%s off=%d size=%d", regno, tnumText(v), off, size);
                }
                if (t == FuncFrame.SPILL) {
                    RegState sp = f.spilled[b / 8];
                    if (sp != null && sp.isPointer() && !allowPtrLeaks) throw Reject.acces("leaking pointer from stack off %d", o);
                }
            }
        }
        if (!write && out != null) out.setScalar(Scalar.unknownOfSize(size));
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
                    enterSubprog(idx, idx + insn.imm() + 1, false, null);
                    return false;
                }
                if (src == PSEUDO_KFUNC_CALL) checkKfuncCall(idx, kfuncs[idx]);
                else if (checkHelperCall(idx, insn.imm())) return false;
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
                returnFromCallback(idx);
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
    private void popFrame() {
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

    // ---- bpf-to-bpf calls and callbacks

    /** Pushes a frame for the subprogram at {@code start}; for callbacks, {@code cbArgs} are r1-r5 of the callee. */
    private void enterSubprog(int callsite, int start, boolean callback, RegState[] cbArgs) {
        if (cur.curframe + 1 >= VState.MAX_CALL_FRAMES) {
            throw new Reject(Errno.E2BIG, String.format("the call stack of %d frames is too deep !", cur.curframe + 2));
        }
        int sub = ps.subprogIndexOfStart(start);
        if (sub < 0) throw Reject.inval("call to invalid destination");
        if (!callback) calls[callsite] = new CallTarget.Subprog(sub, start);
        FuncFrame caller = cur.cur();
        FuncFrame callee = new FuncFrame(cur.curframe + 1, callsite, start, sub, callback);
        for (int r = 1; r <= 5; r++) {
            if (callback) {
                if (cbArgs[r] != null) callee.regs[r].copyFrom(cbArgs[r]);
            } else {
                callee.regs[r].copyFrom(caller.regs[r]);
            }
        }
        callee.regs[10].setPointer(RegType.PTR_TO_STACK, 0);
        callee.regs[10].frameNo = callee.frameNo;
        if (!callback) {
            // the caller's r0-r5 are clobbered by the call (r1-r5 live on in the callee)
            caller.regs[0].markNotInit();
        }
        cur.curframe++;
        cur.frames[cur.curframe] = callee;
        cur.insnIdx = start;
    }

    /** A bpf_loop callback returned: the loop either ends (continue after the call) or calls it again. */
    private void returnFromCallback(int idx) {
        FuncFrame cb = cur.cur();
        int callsite = cb.callsite;
        RegState[] args = new RegState[6];
        args[1] = new RegState();
        args[1].setScalar(Scalar.unknownOfSize(4));
        args[2] = new RegState(cbCtxArg(cb));
        popFrame();
        // another iteration, from the state the callback left behind
        VState again = pushBranch(cur.insnIdx, idx);
        VState saved = cur;
        cur = again;
        enterSubprog(callsite, cb.subprogStart, true, args);
        cur.frames[cur.curframe].cbCtx = args[2];
        cur.frames[cur.curframe].reentry = true;
        cur.frames[cur.curframe].iteration = cb.iteration + 1;
        cur = saved;
        // or the loop ends here
        finishLoopCall(callsite);
    }

    private RegState cbCtxArg(FuncFrame cb) { return cb.cbCtx == null ? new RegState() : cb.cbCtx; }

    private void finishLoopCall(int callsite) {
        FuncFrame caller = cur.cur();
        for (int r = 1; r <= 5; r++) caller.regs[r].markNotInit();
        caller.regs[0].setUnknown();
        caller.written |= 0x3f;
        cur.insnIdx = callsite + 1;
    }

    // ---- helper calls (check_helper_call)

    /** Returns true when the call continues elsewhere than the next instruction (a callback). */
    private boolean checkHelperCall(int idx, int id) {
        Optional<HelperDescriptor> h = env.helper(id);
        if (h.isEmpty()) throw Reject.inval("unknown func %s#%d", HelperNames.funcName(id), id);
        HelperDescriptor helper = h.get();
        String name = helper.funcName();
        if (!helper.progTypes().contains(progType)) throw Reject.inval("program of this type cannot use helper %s#%d", name, id);
        if (helper.gplOnly() && !env.gplCompatible()) throw Reject.inval("cannot call GPL-restricted function from non-GPL compatible program");
        calls[idx] = new CallTarget.Helper(helper);
        CallMeta meta = checkArgs(idx, helper.proto(), name, id);
        checkMapCompat(meta.map, id, name);
        if (id == HELPER_TAIL_CALL && cur.refIds.length > 0) throw Reject.inval("tail_call would lead to reference leak");
        if (meta.release != 0) releaseReference(meta.release);
        if (id == HELPER_LOOP) {
            if (meta.func == null) throw Reject.acces("R2 type=%s expected=func", typeName(cur.reg(2)));
            startLoopCallback(idx, meta);
            return true;
        }
        setReturn(idx, helper.proto().ret(), meta, name, false);
        return false;
    }

    private void startLoopCallback(int idx, CallMeta meta) {
        // nr_loops in r1 bounds the callback's index argument
        RegState[] args = new RegState[6];
        args[1] = new RegState();
        args[1].setScalar(Scalar.unknownOfSize(4));
        args[2] = new RegState(cur.reg(3));
        // zero iterations: continue right after the call
        VState skip = pushBranch(idx + 1, idx);
        VState saved = cur;
        cur = skip;
        finishLoopCall(idx);
        cur = saved;
        enterSubprog(idx, meta.func.funcStart, true, args);
        cur.cur().cbCtx = args[2];
    }

    /** check_map_func_compatibility for the map types kbpf has. */
    private void checkMapCompat(MapInfo map, int id, String name) {
        if (map == null) return;
        MapType t = map.type();
        boolean ok = switch (t) {
            case PROG_ARRAY -> id == HELPER_TAIL_CALL;
            case PERF_EVENT_ARRAY -> id == 25 || id == 22 || id == 55;
            case RINGBUF -> id == 130 || id == 131 || id == 134;
            default -> true;
        };
        boolean funcOk = switch (id) {
            case HELPER_TAIL_CALL -> t == MapType.PROG_ARRAY;
            case 25, 22, 55 -> t == MapType.PERF_EVENT_ARRAY;
            case 130, 131, 134 -> t == MapType.RINGBUF;
            default -> true;
        };
        if (!ok || !funcOk) throw Reject.inval("cannot pass map_type %d into func %s#%d", t.linuxId(), name, id);
    }

    /** What the argument checks learnt: the map, the allocation size, the released reference, the callback. */
    private static final class CallMeta {
        MapInfo map;
        long allocSize = -1;
        int release;
        RegState func;
    }

    private CallMeta checkArgs(int idx, FunctionProto proto, String name, int id) {
        CallMeta meta = new CallMeta();
        List<ArgType> args = proto.args();
        for (int i = 0; i < args.size(); i++) {
            int regno = i + 1;
            ArgType t = args.get(i);
            RegState r = srcReg(regno);
            switch (t) {
                case ANYTHING -> {
                    if (r.isPointer() && !allowPtrLeaks) throw Reject.acces("R%d leaks addr into helper function", regno);
                }
                case CONST_MAP_PTR -> {
                    if (r.type != RegType.CONST_PTR_TO_MAP) throw Reject.acces("R%d type=%s expected=map_ptr", regno, typeName(r));
                    meta.map = r.map;
                }
                case PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE -> {
                    if (meta.map == null) throw Reject.acces("invalid map_ptr to access map->%s", t == ArgType.PTR_TO_MAP_KEY ? "key" : "value");
                    int sz = t == ArgType.PTR_TO_MAP_KEY ? meta.map.keySize() : meta.map.valueSize();
                    helperMem(regno, r, sz, sz, true, false, "fp, map_key, map_value, mem");
                }
                case PTR_TO_MEM, PTR_TO_MEM_OR_NULL, PTR_TO_UNINIT_MEM, PTR_TO_LONG -> {
                    boolean read = t != ArgType.PTR_TO_UNINIT_MEM && t != ArgType.PTR_TO_LONG;
                    if (t == ArgType.PTR_TO_MEM_OR_NULL && r.isConstZero()) {
                        if (i + 1 < args.size() && isSizeArg(args.get(i + 1))) {
                            RegState sz = srcReg(regno + 1);
                            if (!sz.isConstZero()) throw Reject.acces("R%d type=scalar expected=fp, map_key, map_value, mem", regno);
                            i++;
                        }
                        continue;
                    }
                    if (t == ArgType.PTR_TO_LONG) {
                        helperMem(regno, r, 8, 8, false, false, "fp");
                        continue;
                    }
                    if (i + 1 < args.size() && isSizeArg(args.get(i + 1))) {
                        boolean zeroOk = args.get(i + 1) == ArgType.CONST_SIZE_OR_ZERO;
                        RegState sz = srcReg(regno + 1);
                        long[] range = sizeRange(regno + 1, sz, zeroOk);
                        helperMem(regno, r, range[0], range[1], read, zeroOk, "fp, map_key, map_value, mem");
                        i++;
                    } else {
                        throw Reject.inval("arg#%d of %s#%d has no size argument", i, name, id);
                    }
                }
                case CONST_SIZE, CONST_SIZE_OR_ZERO -> sizeRange(regno, r, t == ArgType.CONST_SIZE_OR_ZERO);
                case CONST_ALLOC_SIZE_OR_ZERO -> {
                    if (!r.isConst()) throw Reject.acces("R%d is not a known constant'", regno);
                    meta.allocSize = r.var.constValue();
                }
                case PTR_TO_CTX -> {
                    if (r.type != RegType.PTR_TO_CTX) throw Reject.acces("R%d type=%s expected=ctx", regno, typeName(r));
                    if (r.off != 0 || !r.var.isConst() || r.var.constValue() != 0) {
                        throw Reject.acces("dereference of modified ctx ptr R%d off=%d disallowed", regno, r.off);
                    }
                }
                case PTR_TO_CONST_STR -> constString(regno, r);
                case PTR_TO_ALLOC_MEM -> {
                    if (r.type != RegType.PTR_TO_MEM) {
                        throw Reject.acces("R%d type=%s expected=%s", regno, typeName(r), id >= 132 && id <= 133 && name.startsWith("bpf_ringbuf") ? "ringbuf_mem" : "mem");
                    }
                    if (r.refObjId == 0 || !cur.holds(r.refObjId)) {
                        throw Reject.acces("R%d must be referenced when passed to release function", regno);
                    }
                    if (r.off != 0 || !r.var.isConst() || r.var.constValue() != 0) {
                        throw Reject.acces("R%d must have zero offset when passed to release func", regno);
                    }
                    meta.release = r.refObjId;
                }
                case PTR_TO_FUNC -> {
                    if (r.type != RegType.PTR_TO_FUNC) throw Reject.acces("R%d type=%s expected=func", regno, typeName(r));
                    meta.func = r;
                }
                case PTR_TO_STACK_OR_NULL -> {
                    if (!(r.type == RegType.PTR_TO_STACK || r.isConstZero())) {
                        throw Reject.acces("R%d type=%s expected=fp", regno, typeName(r));
                    }
                }
                default -> throw Reject.inval("arg#%d of %s#%d has an argument type the verifier does not know: %s", i, name, id, t);
            }
        }
        return meta;
    }

    private static boolean isSizeArg(ArgType t) { return t == ArgType.CONST_SIZE || t == ArgType.CONST_SIZE_OR_ZERO; }

    /** check_mem_size_reg: the size argument's range, [umin, umax]. */
    private long[] sizeRange(int regno, RegState sz, boolean zeroOk) {
        if (!sz.isScalar()) throw Reject.acces("R%d type=%s expected=scalar", regno, typeName(sz));
        Scalar v = sz.var;
        if (v.smin() < 0) throw Reject.acces("R%d min value is negative, either use unsigned or 'var &= const'", regno);
        if (v.umin() == 0 && !zeroOk) {
            throw Reject.acces("R%d invalid zero-sized read: u64=[%d,%d]", regno, v.umin(), v.umax());
        }
        if (Long.compareUnsigned(v.umax(), MAX_VAR_SIZ) >= 0) {
            throw Reject.acces("R%d unbounded memory access, use 'var &= const' or 'if (var < const)'", regno);
        }
        return new long[] {v.umin(), v.umax()};
    }

    /** check_helper_mem_access: {@code [0, maxSize)} bytes behind {@code r}, initialised when read. */
    private void helperMem(int regno, RegState r, long minSize, long maxSize, boolean read, boolean zeroOk, String expected) {
        int size = (int) maxSize;
        if (size == 0) {
            if (zeroOk && r.isConstZero()) return;
            switch (r.type) {
                case PTR_TO_STACK, PTR_TO_MAP_VALUE, PTR_TO_MAP_KEY, PTR_TO_MEM -> { return; }
                default -> throw Reject.acces("R%d type=%s expected=%s", regno, typeName(r), expected);
            }
        }
        switch (r.type) {
            case PTR_TO_STACK -> {
                FuncFrame f = cur.frames[r.frameNo];
                long lo, hi;
                if (r.var.isConst()) {
                    lo = hi = r.off + r.var.constValue();
                } else {
                    if (!bpfCapable) throw Reject.acces("R%d variable offset stack access prohibited for !root", regno);
                    if (r.var.smax() >= MAX_VAR_OFF || r.var.smin() <= -MAX_VAR_OFF) {
                        throw Reject.acces("invalid unbounded variable-offset indirect access to stack R%d", regno);
                    }
                    lo = r.off + r.var.smin();
                    hi = r.off + r.var.smax();
                }
                if (lo < -FuncFrame.MAX_STACK || hi + size > 0) {
                    throw Reject.acces("invalid indirect access to stack R%d off=%d size=%d", regno, lo, size);
                }
                noteDepth(f, (int) -lo);
                if (read) {
                    for (long o = lo; o < hi + size; o++) {
                        byte t = f.stack[(int) (-o - 1)];
                        if (t == FuncFrame.INVALID) {
                            throw Reject.acces("invalid indirect read from stack R%d off %d+%d size %d", regno, lo, o - lo, size);
                        }
                        if (t == FuncFrame.SPILL) {
                            RegState sp = f.spilled[(int) (-o - 1) / 8];
                            if (sp != null && sp.isPointer() && !allowPtrLeaks) {
                                throw Reject.acces("leaking pointer from stack off %d", o);
                            }
                        }
                    }
                } else {
                    f.touch((int) -lo);
                    // the helper writes these bytes: whatever was spilled there is gone
                    for (long o = lo; o < hi + size; o++) {
                        int b = (int) (-o - 1);
                        if (f.stack[b] == FuncFrame.SPILL) f.scrubSlot(b / 8);
                    }
                    if (r.var.isConst()) for (long o = lo; o < lo + size; o++) f.stack[(int) (-o - 1)] = FuncFrame.MISC;
                    else for (long o = lo; o < hi + size; o++) if (f.stack[(int) (-o - 1)] != FuncFrame.INVALID) f.stack[(int) (-o - 1)] = FuncFrame.MISC;
                }
            }
            case PTR_TO_MAP_VALUE -> {
                if (!read && r.map.readOnly()) {
                    throw Reject.acces("write into map forbidden, value_size=%d off=%d size=%d", r.map.valueSize(), r.off, size);
                }
                memRegionAccess(regno, r, r.off, size, r.map.valueSize(), "map value, value_size");
            }
            case PTR_TO_MAP_KEY -> {
                if (!read) throw Reject.acces("write to change key R%d not allowed", regno);
                memRegionAccess(regno, r, r.off, size, r.map.keySize(), "map key, key_size");
            }
            case PTR_TO_MEM -> memRegionAccess(regno, r, r.off, size, r.memSize, "memory, mem_size");
            default -> throw Reject.acces("R%d type=%s expected=%s", regno, typeName(r), expected);
        }
    }

    /** check_reg_const_str: a NUL-terminated string inside a frozen read-only map value. */
    private void constString(int regno, RegState r) {
        if (r.type != RegType.PTR_TO_MAP_VALUE) throw Reject.acces("R%d type=%s expected=map_value", regno, typeName(r));
        MapInfo map = r.map;
        if (!map.readOnly() || map.frozenValue() == null) throw Reject.acces("R%d does not point to a readonly map'", regno);
        if (!r.var.isConst()) throw Reject.acces("R%d is not a constant address'", regno);
        long off = r.off + r.var.constValue();
        if (off < 0 || off >= map.valueSize()) {
            throw Reject.acces("invalid access to map value, value_size=%d off=%d size=%d", map.valueSize(), off, map.valueSize() - off);
        }
        byte[] bytes = map.frozenValue();
        for (long i = off; i < bytes.length; i++) if (bytes[(int) i] == 0) return;
        throw Reject.inval("string is not zero-terminated");
    }

    private void releaseReference(int refObjId) {
        cur.release(refObjId);
        for (int f = 0; f <= cur.curframe; f++) {
            FuncFrame fr = cur.frames[f];
            for (RegState r : fr.regs) if (r.refObjId == refObjId) invalidate(r);
            for (RegState r : fr.spilled) if (r != null && r.refObjId == refObjId) invalidate(r);
        }
    }

    private void invalidate(RegState r) {
        if (allowPtrLeaks) r.setUnknown();
        else r.markNotInit();
    }

    private void setReturn(int idx, RetType ret, CallMeta meta, String name, boolean acquire) {
        FuncFrame f = cur.cur();
        for (int r = 1; r <= 5; r++) f.regs[r].markNotInit();
        RegState r0 = f.regs[0];
        f.written |= 0x3f;
        scratchedRegs |= 1;
        switch (ret) {
            case INTEGER -> r0.setUnknown();
            case VOID -> r0.markNotInit();
            case PTR_TO_MAP_VALUE_OR_NULL -> {
                if (meta.map == null) throw Reject.inval("kernel subsystem misconfigured verifier: %s returns a map value without a map argument", name);
                r0.setPointer(RegType.PTR_TO_MAP_VALUE_OR_NULL, 0);
                r0.map = meta.map;
                r0.id = ++idGen;
            }
            case PTR_TO_ALLOC_MEM_OR_NULL -> {
                if (meta.allocSize < 0) throw Reject.inval("kernel subsystem misconfigured verifier: %s returns memory without a constant size", name);
                r0.setPointer(RegType.PTR_TO_MEM_OR_NULL, 0);
                r0.ringbuf = meta.map != null && meta.map.type() == MapType.RINGBUF;
                r0.memSize = (int) Math.min(meta.allocSize, Integer.MAX_VALUE);
                r0.id = ++idGen;
                r0.refObjId = r0.id;
                cur.acquire(r0.id, idx);
            }
            default -> throw Reject.inval("%s returns a type the verifier does not know: %s", name, ret);
        }
    }

    // ---- kfunc calls (check_kfunc_call) and the destructive guard rails

    private void checkKfuncCall(int idx, ResolvedKfunc k) {
        var d = k.descriptor();
        // rail 1: the program type may call it (destructive kfuncs: tracing types only)
        if (!d.progTypes().contains(progType) || (d.has(KfuncFlag.KF_DESTRUCTIVE) && !progType.isTracing())) {
            throw Reject.acces("calling kernel function %s is not allowed", d.name());
        }
        if (d.has(KfuncFlag.KF_DESTRUCTIVE)) {
            // rail 2: CAP_SYS_BOOT
            if (!in.credentials().has(Capability.CAP_SYS_BOOT)) {
                throw Reject.acces("destructive kfunc calls require CAP_SYS_BOOT capability");
            }
            if (env.destructivePolicy() == DestructivePolicy.FULL) {
                // rail 3: the load flag
                if ((in.loadFlags() & LoadFlags.BPF_F_DESTRUCTIVE) == 0) {
                    throw new Reject(Errno.EPERM, "destructive kfunc calls require BPF_F_DESTRUCTIVE flag");
                }
                // rail 4: the sysctl
                if (!env.destructiveBpfEnabled()) {
                    throw new Reject(Errno.EPERM, "destructive kfunc calls are disabled by kernel.destructive_bpf_enabled=0");
                }
            }
        }
        calls[idx] = new CallTarget.Kfunc(k);
        CallMeta meta = checkArgs(idx, d.proto(), d.name(), k.id());
        if (d.has(KfuncFlag.KF_RELEASE)) {
            RegState r1 = cur.reg(1);
            if (meta.release == 0) {
                if (r1.refObjId == 0 || !cur.holds(r1.refObjId)) throw Reject.acces("release kernel function %s expects refcounted PTR_TO_BTF_ID", d.name());
                meta.release = r1.refObjId;
            }
        }
        if (meta.release != 0) releaseReference(meta.release);
        setReturn(idx, d.proto().ret(), meta, d.name(), d.has(KfuncFlag.KF_ACQUIRE));
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
