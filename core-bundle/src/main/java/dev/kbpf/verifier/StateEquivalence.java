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

    static int hash(VState s, ProgramStructure ps, int idx) {
        int h = s.curframe;
        for (int i = 0; i <= s.curframe; i++) {
            FuncFrame f = s.frames[i];
            int live = liveRegs(s, ps, idx, i);
            for (int r = 0; r < 11; r++) {
                if ((live & (1 << r)) == 0) continue;
                RegState reg = f.regs[r];
                h = h * 31 + reg.type.ordinal();
                if (reg.type != RegType.NOT_INIT) h = h * 31 + reg.off * 7 + reg.var.hashCode();
            }
            for (int b = 0; b < FuncFrame.MAX_STACK; b++) h = h * 31 + f.stack[b];
        }
        return h * 31 + s.refIds.length;
    }

    static boolean equal(VState old, VState cur, ProgramStructure ps, int idx, boolean exact) {
        if (old.curframe != cur.curframe) return false;
        IdMap m = new IdMap();
        for (int i = 0; i <= cur.curframe; i++) {
            FuncFrame fo = old.frames[i], fc = cur.frames[i];
            if (fo.callsite != fc.callsite || fo.subprogStart != fc.subprogStart || fo.callback != fc.callback) return false;
            int live = liveRegs(cur, ps, idx, i);
            for (int r = 0; r < 11; r++) {
                if ((live & (1 << r)) != 0 && !regsafe(fo.regs[r], fc.regs[r], m, exact)) return false;
            }
            if (fo.callback && !regsafe(orEmpty(fo.cbCtx), orEmpty(fc.cbCtx), m, exact)) return false;
            if (!stacksafe(fo, fc, m, exact)) return false;
        }
        if (old.refIds.length != cur.refIds.length) return false;
        for (int i = 0; i < old.refIds.length; i++) if (!m.check(old.refIds[i], cur.refIds[i])) return false;
        return true;
    }

    private static RegState orEmpty(RegState r) { return r == null ? new RegState() : r; }

    private static boolean regsafe(RegState o, RegState c, IdMap m, boolean exact) {
        if (o.type == RegType.NOT_INIT) return !exact || c.type == RegType.NOT_INIT;
        if (o.type != c.type) return false;
        if (o.type == RegType.SCALAR) {
            boolean values = exact ? o.var.equals(c.var) : c.var.within(o.var);
            return values && m.checkScalar(o.id, c.id);
        }
        if (o.off != c.off || o.memSize != c.memSize || o.frameNo != c.frameNo || o.funcStart != c.funcStart) return false;
        if (o.map != c.map && (o.map == null || c.map == null || o.map.id() != c.map.id() || !o.map.equals(c.map))) return false;
        boolean values = exact ? o.var.equals(c.var) : c.var.within(o.var);
        return values && m.check(o.id, c.id) && m.check(o.refObjId, c.refObjId);
    }

    private static boolean stacksafe(FuncFrame fo, FuncFrame fc, IdMap m, boolean exact) {
        for (int b = 0; b < FuncFrame.MAX_STACK; b++) {
            byte to = fo.stack[b], tc = fc.stack[b];
            if (exact) {
                if (to != tc) return false;
                if (to == FuncFrame.SPILL && b % 8 == 0 && !regsafe(orEmpty(fo.spilled[b / 8]), orEmpty(fc.spilled[b / 8]), m, true)) return false;
                continue;
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
                    if (b % 8 == 0 && !regsafe(orEmpty(fo.spilled[b / 8]), orEmpty(fc.spilled[b / 8]), m, false)) return false;
                }
            }
        }
        return true;
    }
}
