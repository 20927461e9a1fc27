package dev.kbpf.verifier;

import dev.kbpf.api.Capability;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.MapType;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.RetType;
import dev.kbpf.verifier.scalar.Scalar;

import java.util.List;
import java.util.Optional;

/**
 * Calls ({@code check_func_call}, {@code check_helper_call}, {@code check_kfunc_call}): frames of
 * bpf-to-bpf calls, {@code bpf_loop} callbacks, helper and kfunc arguments against their
 * prototypes, the destructive guard rails, acquired and released references, and the value a call
 * leaves in r0. Works on the {@link Checker}'s current state.
 */
final class Calls {
    private final Checker c;

    Calls(Checker c) { this.c = c; }

    // ---- bpf-to-bpf c.calls and callbacks

    /** Pushes a frame for the subprogram at {@code start}; for callbacks, {@code cbArgs} are r1-r5 of the callee. */
    void enterSubprog(int callsite, int start, boolean callback, RegState[] cbArgs) {
        if (c.cur.curframe + 1 >= VState.MAX_CALL_FRAMES) {
            throw new Reject(Errno.E2BIG, String.format("the call stack of %d frames is too deep !", c.cur.curframe + 2));
        }
        int sub = c.ps.subprogIndexOfStart(start);
        if (sub < 0) throw Reject.inval("call to invalid destination");
        if (!callback) c.calls[callsite] = new CallTarget.Subprog(sub, start);
        FuncFrame caller = c.cur.cur();
        FuncFrame callee = new FuncFrame(c.cur.curframe + 1, callsite, start, sub, callback);
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
            // the caller's r0-r5 are clobbered by the call (r1-r5 live on c.in the callee)
            caller.regs[0].markNotInit();
        }
        c.cur.curframe++;
        c.cur.frames[c.cur.curframe] = callee;
        c.cur.insnIdx = start;
    }

    /** A bpf_loop callback returned: the loop either ends (continue after the call) or c.calls it again. */
    void returnFromCallback(int idx) {
        FuncFrame cb = c.cur.cur();
        int callsite = cb.callsite;
        RegState[] args = new RegState[6];
        args[1] = new RegState();
        args[1].setScalar(Scalar.unknownOfSize(4));
        args[2] = new RegState(cbCtxArg(cb));
        c.popFrame();
        // another iteration, from the state the callback left behind
        VState again = c.pushBranch(c.cur.insnIdx, idx);
        VState saved = c.cur;
        c.cur = again;
        enterSubprog(callsite, cb.subprogStart, true, args);
        c.cur.frames[c.cur.curframe].cbCtx = args[2];
        c.cur.frames[c.cur.curframe].reentry = true;
        c.cur.frames[c.cur.curframe].iteration = cb.iteration + 1;
        c.cur = saved;
        // or the loop ends here
        finishLoopCall(callsite);
    }

    RegState cbCtxArg(FuncFrame cb) { return cb.cbCtx == null ? new RegState() : cb.cbCtx; }

    void finishLoopCall(int callsite) {
        FuncFrame caller = c.cur.cur();
        for (int r = 1; r <= 5; r++) caller.regs[r].markNotInit();
        caller.regs[0].setUnknown();
        caller.written |= 0x3f;
        c.cur.insnIdx = callsite + 1;
    }

    // ---- helper c.calls (check_helper_call)

    /** Returns true when the call continues elsewhere than the next instruction (a callback). */
    boolean checkHelperCall(int idx, int id) {
        Optional<HelperDescriptor> h = c.env.helper(id);
        if (h.isEmpty()) throw Reject.inval("unknown func %s#%d", HelperNames.funcName(id), id);
        HelperDescriptor helper = h.get();
        String name = helper.funcName();
        if (!helper.progTypes().contains(c.progType)) throw Reject.inval("program of this type cannot use helper %s#%d", name, id);
        if (helper.gplOnly() && !c.env.gplCompatible()) throw Reject.inval("cannot call GPL-restricted function from non-GPL compatible program");
        c.calls[idx] = new CallTarget.Helper(helper);
        CallMeta meta = checkArgs(idx, helper.proto(), name, id);
        checkMapCompat(meta.map, id, name);
        if (id == Checker.HELPER_TAIL_CALL && c.cur.refIds.length > 0) throw Reject.inval("tail_call would lead to reference leak");
        if (meta.release != 0) releaseReference(meta.release);
        if (id == Checker.HELPER_LOOP) {
            if (meta.func == null) throw Reject.acces("R2 type=%s expected=func", c.typeName(c.cur.reg(2)));
            startLoopCallback(idx, meta);
            return true;
        }
        setReturn(idx, helper.proto().ret(), meta, name, false);
        return false;
    }

    void startLoopCallback(int idx, CallMeta meta) {
        // nr_loops c.in r1 bounds the callback's index argument
        RegState[] args = new RegState[6];
        args[1] = new RegState();
        args[1].setScalar(Scalar.unknownOfSize(4));
        args[2] = new RegState(c.cur.reg(3));
        // zero iterations: continue right after the call
        VState skip = c.pushBranch(idx + 1, idx);
        VState saved = c.cur;
        c.cur = skip;
        finishLoopCall(idx);
        c.cur = saved;
        enterSubprog(idx, meta.func.funcStart, true, args);
        c.cur.cur().cbCtx = args[2];
    }

    /** check_map_func_compatibility for the map types kbpf has. */
    void checkMapCompat(MapInfo map, int id, String name) {
        if (map == null) return;
        MapType t = map.type();
        boolean ok = switch (t) {
            case PROG_ARRAY -> id == Checker.HELPER_TAIL_CALL;
            case PERF_EVENT_ARRAY -> id == 25 || id == 22 || id == 55;
            case RINGBUF -> id == 130 || id == 131 || id == 134;
            default -> true;
        };
        boolean funcOk = switch (id) {
            case Checker.HELPER_TAIL_CALL -> t == MapType.PROG_ARRAY;
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

    CallMeta checkArgs(int idx, FunctionProto proto, String name, int id) {
        CallMeta meta = new CallMeta();
        List<ArgType> args = proto.args();
        for (int i = 0; i < args.size(); i++) {
            int regno = i + 1;
            ArgType t = args.get(i);
            RegState r = c.srcReg(regno);
            switch (t) {
                case ANYTHING -> {
                    if (r.isPointer() && !c.allowPtrLeaks) throw Reject.acces("R%d leaks addr into helper function", regno);
                }
                case CONST_MAP_PTR -> {
                    if (r.type != RegType.CONST_PTR_TO_MAP) throw Reject.acces("R%d type=%s expected=map_ptr", regno, c.typeName(r));
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
                            RegState sz = c.srcReg(regno + 1);
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
                        RegState sz = c.srcReg(regno + 1);
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
                    if (r.type != RegType.PTR_TO_CTX) throw Reject.acces("R%d type=%s expected=ctx", regno, c.typeName(r));
                    if (r.off != 0 || !r.var.isConst() || r.var.constValue() != 0) {
                        throw Reject.acces("dereference of modified ctx ptr R%d off=%d disallowed", regno, r.off);
                    }
                }
                case PTR_TO_CONST_STR -> constString(regno, r);
                case PTR_TO_ALLOC_MEM -> {
                    if (r.type != RegType.PTR_TO_MEM) {
                        throw Reject.acces("R%d type=%s expected=%s", regno, c.typeName(r), id >= 132 && id <= 133 && name.startsWith("bpf_ringbuf") ? "ringbuf_mem" : "mem");
                    }
                    if (r.refObjId == 0 || !c.cur.holds(r.refObjId)) {
                        throw Reject.acces("R%d must be referenced when passed to release function", regno);
                    }
                    if (r.off != 0 || !r.var.isConst() || r.var.constValue() != 0) {
                        throw Reject.acces("R%d must have zero offset when passed to release func", regno);
                    }
                    meta.release = r.refObjId;
                }
                case PTR_TO_FUNC -> {
                    if (r.type != RegType.PTR_TO_FUNC) throw Reject.acces("R%d type=%s expected=func", regno, c.typeName(r));
                    meta.func = r;
                }
                case PTR_TO_STACK_OR_NULL -> {
                    if (!(r.type == RegType.PTR_TO_STACK || r.isConstZero())) {
                        throw Reject.acces("R%d type=%s expected=fp", regno, c.typeName(r));
                    }
                }
                default -> throw Reject.inval("arg#%d of %s#%d has an argument type the verifier does not know: %s", i, name, id, t);
            }
        }
        return meta;
    }

    static boolean isSizeArg(ArgType t) { return t == ArgType.CONST_SIZE || t == ArgType.CONST_SIZE_OR_ZERO; }

    /** check_mem_size_reg: the size argument's range, [umin, umax]. */
    long[] sizeRange(int regno, RegState sz, boolean zeroOk) {
        if (!sz.isScalar()) throw Reject.acces("R%d type=%s expected=scalar", regno, c.typeName(sz));
        Scalar v = sz.var;
        if (v.smin() < 0) throw Reject.acces("R%d min value is negative, either use unsigned or 'var &= const'", regno);
        if (v.umin() == 0 && !zeroOk) {
            throw Reject.acces("R%d invalid zero-sized read: u64=[%d,%d]", regno, v.umin(), v.umax());
        }
        if (Long.compareUnsigned(v.umax(), Checker.MAX_VAR_SIZ) >= 0) {
            throw Reject.acces("R%d unbounded memory access, use 'var &= const' or 'if (var < const)'", regno);
        }
        return new long[] {v.umin(), v.umax()};
    }

    /** check_helper_mem_access: {@code [0, maxSize)} bytes behind {@code r}, initialised when read. */
    void helperMem(int regno, RegState r, long minSize, long maxSize, boolean read, boolean zeroOk, String expected) {
        int size = (int) maxSize;
        if (size == 0) {
            if (zeroOk && r.isConstZero()) return;
            switch (r.type) {
                case PTR_TO_STACK, PTR_TO_MAP_VALUE, PTR_TO_MAP_KEY, PTR_TO_MEM -> { return; }
                default -> throw Reject.acces("R%d type=%s expected=%s", regno, c.typeName(r), expected);
            }
        }
        switch (r.type) {
            case PTR_TO_STACK -> {
                FuncFrame f = c.cur.frames[r.frameNo];
                long lo, hi;
                if (r.var.isConst()) {
                    lo = hi = r.off + r.var.constValue();
                } else {
                    if (!c.bpfCapable) throw Reject.acces("R%d variable offset stack access prohibited for !root", regno);
                    if (r.var.smax() >= Checker.MAX_VAR_OFF || r.var.smin() <= -Checker.MAX_VAR_OFF) {
                        throw Reject.acces("invalid unbounded variable-offset indirect access to stack R%d", regno);
                    }
                    lo = r.off + r.var.smin();
                    hi = r.off + r.var.smax();
                }
                if (lo < -FuncFrame.MAX_STACK || hi + size > 0) {
                    throw Reject.acces("invalid indirect access to stack R%d off=%d size=%d", regno, lo, size);
                }
                c.mem.noteDepth(f, (int) -lo);
                if (read) {
                    for (long o = lo; o < hi + size; o++) {
                        byte t = f.stack[(int) (-o - 1)];
                        if (t == FuncFrame.INVALID && !c.allowUninitStack) {
                            throw Reject.acces("invalid indirect read from stack R%d off %d+%d size %d", regno, lo, o - lo, size);
                        }
                        if (t == FuncFrame.SPILL) {
                            RegState sp = f.spilled[(int) (-o - 1) / 8];
                            if (sp != null && sp.isPointer() && !c.allowPtrLeaks) {
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
                c.mem.memRegionAccess(regno, r, r.off, size, r.map.valueSize(), "map value, value_size");
            }
            case PTR_TO_MAP_KEY -> {
                if (!read) throw Reject.acces("write to change key R%d not allowed", regno);
                c.mem.memRegionAccess(regno, r, r.off, size, r.map.keySize(), "map key, key_size");
            }
            case PTR_TO_MEM -> c.mem.memRegionAccess(regno, r, r.off, size, r.memSize, "memory, mem_size");
            default -> throw Reject.acces("R%d type=%s expected=%s", regno, c.typeName(r), expected);
        }
    }

    /** check_reg_const_str: a NUL-terminated string inside a frozen read-only map value. */
    void constString(int regno, RegState r) {
        if (r.type != RegType.PTR_TO_MAP_VALUE) throw Reject.acces("R%d type=%s expected=map_value", regno, c.typeName(r));
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

    void releaseReference(int refObjId) {
        c.cur.release(refObjId);
        for (int f = 0; f <= c.cur.curframe; f++) {
            FuncFrame fr = c.cur.frames[f];
            for (RegState r : fr.regs) if (r.refObjId == refObjId) invalidate(r);
            for (RegState r : fr.spilled) if (r != null && r.refObjId == refObjId) invalidate(r);
        }
    }

    void invalidate(RegState r) {
        if (c.allowPtrLeaks) r.setUnknown();
        else r.markNotInit();
    }

    void setReturn(int idx, RetType ret, CallMeta meta, String name, boolean acquire) {
        FuncFrame f = c.cur.cur();
        for (int r = 1; r <= 5; r++) f.regs[r].markNotInit();
        RegState r0 = f.regs[0];
        f.written |= 0x3f;
        c.scratchedRegs |= 1;
        switch (ret) {
            case INTEGER -> r0.setUnknown();
            case VOID -> r0.markNotInit();
            case PTR_TO_MAP_VALUE_OR_NULL -> {
                if (meta.map == null) throw Reject.inval("kernel subsystem misconfigured verifier: %s returns a map value without a map argument", name);
                r0.setPointer(RegType.PTR_TO_MAP_VALUE_OR_NULL, 0);
                r0.map = meta.map;
                r0.id = ++c.idGen;
            }
            case PTR_TO_ALLOC_MEM_OR_NULL -> {
                if (meta.allocSize < 0) throw Reject.inval("kernel subsystem misconfigured verifier: %s returns memory without a constant size", name);
                r0.setPointer(RegType.PTR_TO_MEM_OR_NULL, 0);
                r0.ringbuf = meta.map != null && meta.map.type() == MapType.RINGBUF;
                r0.memSize = (int) Math.min(meta.allocSize, Integer.MAX_VALUE);
                r0.id = ++c.idGen;
                r0.refObjId = r0.id;
                c.cur.acquire(r0.id, idx);
            }
            default -> throw Reject.inval("%s returns a type the verifier does not know: %s", name, ret);
        }
    }

    // ---- kfunc c.calls (check_kfunc_call) and the destructive guard rails

    void checkKfuncCall(int idx, ResolvedKfunc k) {
        var d = k.descriptor();
        // rail 1: the program type may call it (destructive c.kfuncs: tracing types only)
        if (!d.progTypes().contains(c.progType) || (d.has(KfuncFlag.KF_DESTRUCTIVE) && !c.progType.isTracing())) {
            throw Reject.acces("calling kernel function %s is not allowed", d.name());
        }
        if (d.has(KfuncFlag.KF_DESTRUCTIVE)) {
            // rail 2: CAP_SYS_BOOT
            if (!c.in.credentials().has(Capability.CAP_SYS_BOOT)) {
                throw Reject.acces("destructive kfunc calls require CAP_SYS_BOOT capability");
            }
            if (c.env.destructivePolicy() == DestructivePolicy.FULL) {
                // rail 3: the load flag
                if ((c.in.loadFlags() & LoadFlags.BPF_F_DESTRUCTIVE) == 0) {
                    throw new Reject(Errno.EPERM, "destructive kfunc calls require BPF_F_DESTRUCTIVE flag");
                }
                // rail 4: the sysctl
                if (!c.env.destructiveBpfEnabled()) {
                    throw new Reject(Errno.EPERM, "destructive kfunc calls are disabled by kernel.destructive_bpf_enabled=0");
                }
            }
        }
        c.calls[idx] = new CallTarget.Kfunc(k);
        CallMeta meta = checkArgs(idx, d.proto(), d.name(), k.id());
        if (d.has(KfuncFlag.KF_RELEASE)) {
            RegState r1 = c.cur.reg(1);
            if (meta.release == 0) {
                if (r1.refObjId == 0 || !c.cur.holds(r1.refObjId)) throw Reject.acces("release kernel function %s expects refcounted PTR_TO_BTF_ID", d.name());
                meta.release = r1.refObjId;
            }
        }
        if (meta.release != 0) releaseReference(meta.release);
        setReturn(idx, d.proto().ret(), meta, d.name(), d.has(KfuncFlag.KF_ACQUIRE));
    }

}
