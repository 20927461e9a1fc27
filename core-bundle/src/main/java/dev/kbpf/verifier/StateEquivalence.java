package dev.kbpf.verifier;

/**
 * When a state already proven safe covers the current one ({@code states_equal}): every live
 * register and every stack byte of the current state describes a subset of the values the old one
 * described (ranges and tnum contained), pointers point to the same object at the same offset,
 * and the ids that link copies of a register (null checks, equal scalars, references) correspond
 * one to one. In exact mode, for the infinite-loop check, the states must be identical up to ids.
 */
final class StateEquivalence {
    private StateEquivalence() {}

    /** A map from the old state's ids to the current state's, one to one (Linux's {@code bpf_idmap}). */
    private static final class IdMap {
        int[] old = new int[16], cur = new int[16];
        int n;
        int tmp = Integer.MAX_VALUE / 2;

        boolean check(int o, int c) {
            if ((o == 0) != (c == 0)) return false;
            if (o == 0) return true;
            for (int i = 0; i < n; i++) {
                if (old[i] == o) return cur[i] == c;
                if (cur[i] == c) return false;
            }
            if (n == old.length) {
                old = java.util.Arrays.copyOf(old, n * 2);
                cur = java.util.Arrays.copyOf(cur, n * 2);
            }
            old[n] = o;
            cur[n] = c;
            n++;
            return true;
        }

        /** Scalars without an id get a fresh one each, so they match anything not already linked. */
        boolean checkScalar(int o, int c) {
            return check(o == 0 ? ++tmp : o, c == 0 ? ++tmp : c);
        }
    }

    /** Registers live in frame {@code i} when the current instruction is {@code idx}. */
    private static int liveRegs(VState s, ProgramStructure ps, int idx, int i) {
        int live;
        if (i == s.curframe) live = ps.liveIn[idx];
        else {
            int ret = s.frames[i + 1].callsite + 1;
            live = ret < ps.length ? ps.liveIn[ret] & ~0x3f : 0;
        }
        return live | (1 << 10);
    }

    /** A cheap hash of what the infinite-loop check compares: equal states hash equally. */
    static int hash(VState s, ProgramStructure ps, int idx) {
        int h = s.curframe;
        FuncFrame f = s.frames[s.curframe];
        int live = liveRegs(s, ps, idx, s.curframe);
        for (int r = 0; r < 10; r++) {
            if ((live & (1 << r)) == 0) continue;
            RegState reg = f.regs[r];
            h = h * 31 + reg.type.ordinal();
            if (reg.type != RegType.NOT_INIT) {
                h = h * 31 + reg.off;
                h = h * 31 + Long.hashCode(reg.var.varOff().value());
                h = h * 31 + Long.hashCode(reg.var.varOff().mask());
                h = h * 31 + Long.hashCode(reg.var.umax());
            }
        }
        return h * 31 + s.refIds.length;
    }

    static boolean equal(VState old, VState cur, ProgramStructure ps, Precision prec, int idx, boolean exact) {
        if (old.curframe != cur.curframe) return false;
        IdMap m = new IdMap();
        for (int i = 0; i <= cur.curframe; i++) {
            FuncFrame fo = old.frames[i], fc = cur.frames[i];
            if (fo.callsite != fc.callsite || fo.subprogStart != fc.subprogStart || fo.callback != fc.callback) return false;
            if (exact && fo.iteration != fc.iteration) return false;
            int live = liveRegs(cur, ps, idx, i);
            // the callers' frames are compared precisely: only the top frame's precision is known here
            int preciseRegs = exact || i < cur.curframe ? -1 : prec.regs[idx];
            long preciseSlots = exact || i < cur.curframe ? -1L : prec.slots[idx];
            for (int r = 0; r < 11; r++) {
                if ((live & (1 << r)) != 0 && !regsafe(fo.regs[r], fc.regs[r], m, exact, (preciseRegs & (1 << r)) != 0)) return false;
            }
            if (fo.callback && !regsafe(orEmpty(fo.cbCtx), orEmpty(fc.cbCtx), m, exact, true)) return false;
            if (!stacksafe(fo, fc, m, exact, preciseSlots)) return false;
        }
        if (old.refIds.length != cur.refIds.length) return false;
        for (int i = 0; i < old.refIds.length; i++) if (!m.check(old.refIds[i], cur.refIds[i])) return false;
        return true;
    }

    private static RegState orEmpty(RegState r) { return r == null ? new RegState() : r; }

    private static boolean regsafe(RegState o, RegState c, IdMap m, boolean exact, boolean precise) {
        if (o.type == RegType.NOT_INIT) return !exact || c.type == RegType.NOT_INIT;
        if (o.type != c.type) return false;
        if (o.type == RegType.SCALAR) {
            // a value that no later decision depends on: any scalar will do
            if (!precise) return true;
            boolean values = exact ? o.var.equals(c.var) : c.var.within(o.var);
            return values && m.checkScalar(o.id, c.id);
        }
        if (o.off != c.off || o.ringbuf != c.ringbuf || o.memSize != c.memSize || o.frameNo != c.frameNo || o.funcStart != c.funcStart) return false;
        if (o.map != c.map && (o.map == null || c.map == null || o.map.id() != c.map.id() || !o.map.equals(c.map))) return false;
        boolean values = exact ? o.var.equals(c.var) : c.var.within(o.var);
        return values && m.check(o.id, c.id) && m.check(o.refObjId, c.refObjId);
    }

    /** Stack bytes that hold some scalar: misc, zero, or part of a spilled scalar. */
    private static boolean scalarByte(FuncFrame f, int b) {
        byte t = f.stack[b];
        return t == FuncFrame.MISC || t == FuncFrame.ZERO || (t == FuncFrame.SPILL && f.spilled[b / 8] != null && f.spilled[b / 8].isScalar());
    }

    private static boolean stacksafe(FuncFrame fo, FuncFrame fc, IdMap m, boolean exact, long preciseSlots) {
        // beyond the old frame's depth every byte is invalid there, which anything matches
        int end = exact ? Math.max(fo.depth, fc.depth) : fo.depth;
        for (int b = 0; b < end; b++) {
            byte to = fo.stack[b], tc = fc.stack[b];
            if (exact) {
                if (to != tc) return false;
                if (to == FuncFrame.SPILL && b % 8 == 7 && (fo.spillSize[b / 8] != fc.spillSize[b / 8]
                        || !regsafe(orEmpty(fo.spilled[b / 8]), orEmpty(fc.spilled[b / 8]), m, true, true))) return false;
                continue;
            }
            if (to != FuncFrame.INVALID && (preciseSlots & (1L << (b / 8))) == 0 && scalarByte(fo, b)) {
                // an imprecise slot: any scalar bytes will do
                if (scalarByte(fc, b)) continue;
                return false;
            }
            switch (to) {
                case FuncFrame.INVALID -> { }
                case FuncFrame.MISC -> {
                    if (tc == FuncFrame.MISC || tc == FuncFrame.ZERO) continue;
                    if (tc == FuncFrame.SPILL && fc.spilled[b / 8] != null && fc.spilled[b / 8].isScalar()) continue;
                    return false;
                }
                case FuncFrame.ZERO -> {
                    if (tc == FuncFrame.ZERO) continue;
                    if (tc == FuncFrame.SPILL && fc.spilled[b / 8] != null && fc.spilled[b / 8].isConstZero()) continue;
                    return false;
                }
                default -> {
                    if (tc != FuncFrame.SPILL) return false;
                    if (b % 8 == 7 && (fo.spillSize[b / 8] != fc.spillSize[b / 8]
                            || !regsafe(orEmpty(fo.spilled[b / 8]), orEmpty(fc.spilled[b / 8]), m, false, true))) return false;
                }
            }
        }
        return true;
    }
}
