package dev.kbpf.verifier.scalar;

import static dev.kbpf.verifier.scalar.Bounds.u32;
import static dev.kbpf.verifier.scalar.Bounds.umax32;
import static dev.kbpf.verifier.scalar.Bounds.umax64;
import static dev.kbpf.verifier.scalar.Bounds.umin32;
import static dev.kbpf.verifier.scalar.Bounds.umin64;

/**
 * Conditional jumps on two scalars: the kernel's {@code is_scalar_branch_taken} (can the outcome
 * be predicted?) and {@code regs_refine_cond_op} + {@code reg_bounds_sync} as called by
 * {@code reg_set_min_max} (what does each branch teach about both operands?).
 */
final class ScalarBranch {
    private ScalarBranch() {}

    /** Kernel {@code is_scalar_branch_taken}. */
    static BranchOutcome isBranchTaken(Scalar r1, Scalar r2, JmpOp op, boolean is32) {
        Tnum t1 = is32 ? r1.varOff().subreg() : r1.varOff();
        Tnum t2 = is32 ? r2.varOff().subreg() : r2.varOff();
        long umin1 = is32 ? u32(r1.u32min()) : r1.umin();
        long umax1 = is32 ? u32(r1.u32max()) : r1.umax();
        long smin1 = is32 ? r1.s32min() : r1.smin();
        long smax1 = is32 ? r1.s32max() : r1.smax();
        long umin2 = is32 ? u32(r2.u32min()) : r2.umin();
        long umax2 = is32 ? u32(r2.u32max()) : r2.umax();
        long smin2 = is32 ? r2.s32min() : r2.smin();
        long smax2 = is32 ? r2.s32max() : r2.smax();

        switch (op) {
            case JEQ, JNE -> {
                boolean eqImpossible;
                if (t1.isConst() && t2.isConst()) {
                    boolean eq = t1.value() == t2.value();
                    return BranchOutcome.of(op == JmpOp.JEQ ? eq : !eq);
                }
                eqImpossible = !t1.overlaps(t2)
                        || ugt(umin1, umax2) || ult(umax1, umin2)
                        || smin1 > smax2 || smax1 < smin2;
                if (!is32 && !eqImpossible) {
                    // 64-bit ranges inconclusive: the subregister ranges may still be disjoint
                    eqImpossible = Integer.compareUnsigned(r1.u32min(), r2.u32max()) > 0
                            || Integer.compareUnsigned(r1.u32max(), r2.u32min()) < 0
                            || r1.s32min() > r2.s32max() || r1.s32max() < r2.s32min();
                }
                if (eqImpossible) {
                    return op == JmpOp.JEQ ? BranchOutcome.NOT_TAKEN : BranchOutcome.TAKEN;
                }
            }
            case JSET, JSET_NOT -> {
                Tnum a = t1;
                Tnum b = t2;
                if (!b.isConst()) {
                    a = t2;
                    b = t1;
                }
                if (!b.isConst()) {
                    return BranchOutcome.UNKNOWN;
                }
                BranchOutcome set = BranchOutcome.UNKNOWN;
                if ((~a.mask() & a.value() & b.value()) != 0) {
                    set = BranchOutcome.TAKEN;
                } else if (((a.mask() | a.value()) & b.value()) == 0) {
                    set = BranchOutcome.NOT_TAKEN;
                }
                return op == JmpOp.JSET ? set : flip(set);
            }
            case JGT -> {
                if (ugt(umin1, umax2)) {
                    return BranchOutcome.TAKEN;
                } else if (ule(umax1, umin2)) {
                    return BranchOutcome.NOT_TAKEN;
                }
            }
            case JSGT -> {
                if (smin1 > smax2) {
                    return BranchOutcome.TAKEN;
                } else if (smax1 <= smin2) {
                    return BranchOutcome.NOT_TAKEN;
                }
            }
            case JLT -> {
                if (ult(umax1, umin2)) {
                    return BranchOutcome.TAKEN;
                } else if (uge(umin1, umax2)) {
                    return BranchOutcome.NOT_TAKEN;
                }
            }
            case JSLT -> {
                if (smax1 < smin2) {
                    return BranchOutcome.TAKEN;
                } else if (smin1 >= smax2) {
                    return BranchOutcome.NOT_TAKEN;
                }
            }
            case JGE -> {
                if (uge(umin1, umax2)) {
                    return BranchOutcome.TAKEN;
                } else if (ult(umax1, umin2)) {
                    return BranchOutcome.NOT_TAKEN;
                }
            }
            case JSGE -> {
                if (smin1 >= smax2) {
                    return BranchOutcome.TAKEN;
                } else if (smax1 < smin2) {
                    return BranchOutcome.NOT_TAKEN;
                }
            }
            case JLE -> {
                if (ule(umax1, umin2)) {
                    return BranchOutcome.TAKEN;
                } else if (ugt(umin1, umax2)) {
                    return BranchOutcome.NOT_TAKEN;
                }
            }
            case JSLE -> {
                if (smax1 <= smin2) {
                    return BranchOutcome.TAKEN;
                } else if (smin1 > smax2) {
                    return BranchOutcome.NOT_TAKEN;
                }
            }
        }
        return BranchOutcome.UNKNOWN;
    }

    /**
     * Kernel {@code is_scalar_branch_taken} for a register compared with itself ({@code if r1 op r1}):
     * the comparisons are decided, except JSET, which is {@code r != 0}.
     */
    static BranchOutcome isBranchTakenSameRegister(Scalar r, JmpOp op, boolean is32) {
        Tnum t = is32 ? r.varOff().subreg() : r.varOff();
        long smin = is32 ? r.s32min() : r.smin();
        long smax = is32 ? r.s32max() : r.smax();
        return switch (op) {
            case JEQ, JGE, JLE, JSGE, JSLE -> BranchOutcome.TAKEN;
            case JNE, JGT, JLT, JSGT, JSLT -> BranchOutcome.NOT_TAKEN;
            case JSET, JSET_NOT -> {
                BranchOutcome set;
                if (t.isConst()) {
                    set = BranchOutcome.of(t.value() != 0);
                } else {
                    set = smin <= 0 && smax >= 0 ? BranchOutcome.UNKNOWN : BranchOutcome.TAKEN;
                }
                yield op == JmpOp.JSET ? set : flip(set);
            }
        };
    }

    private static BranchOutcome flip(BranchOutcome o) {
        return switch (o) {
            case TAKEN -> BranchOutcome.NOT_TAKEN;
            case NOT_TAKEN -> BranchOutcome.TAKEN;
            case UNKNOWN -> BranchOutcome.UNKNOWN;
        };
    }

    private static boolean ugt(long a, long b) {
        return Long.compareUnsigned(a, b) > 0;
    }

    private static boolean uge(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0;
    }

    private static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    private static boolean ule(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0;
    }

    /**
     * Both operands on the branch where {@code a op b} is {@code taken}. A branch the bounds
     * already decide is either returned unchanged (it is the only one) or marked impossible; a
     * refinement that contradicts itself also marks the branch impossible.
     */
    static Refined refine(Scalar a, Scalar b, JmpOp op, boolean is32, boolean taken) {
        BranchOutcome predicted = isBranchTaken(a, b, op, is32);
        if (predicted != BranchOutcome.UNKNOWN) {
            boolean possible = (predicted == BranchOutcome.TAKEN) == taken;
            return new Refined(a, b, possible);
        }
        JmpOp cond = taken ? op : op.negate();
        Bounds r1 = new Bounds(a);
        Bounds r2 = new Bounds(b);
        refineCondOp(r1, r2, cond, is32);
        r1.sync();
        r2.sync();
        if (r1.isEmpty() || r2.isEmpty()) {
            return new Refined(a, b, false);
        }
        return new Refined(r1.toScalar(), r2.toScalar(), true);
    }

    private static boolean isConst(Bounds r, boolean is32) {
        return is32 ? r.varOff.isSubregConst() : r.varOff.isConst();
    }

    private static long constValue(Bounds r, boolean is32) {
        return is32 ? r.varOff.value() & Bounds.LOW32 : r.varOff.value();
    }

    /** Kernel {@code regs_refine_cond_op}: narrow both operands given that {@code r1 op r2} holds. */
    static void refineCondOp(Bounds r1, Bounds r2, JmpOp op, boolean is32) {
        // GE/GT/SGE/SGT reuse the LE/LT/SLE/SLT logic with the operands exchanged
        switch (op) {
            case JGE, JGT, JSGE, JSGT -> {
                op = op.swapOperands();
                Bounds t = r1;
                r1 = r2;
                r2 = t;
            }
            default -> { }
        }
        switch (op) {
            case JEQ -> {
                if (is32) {
                    r1.u32min = umax32(r1.u32min, r2.u32min);
                    r1.u32max = umin32(r1.u32max, r2.u32max);
                    r1.s32min = Math.max(r1.s32min, r2.s32min);
                    r1.s32max = Math.min(r1.s32max, r2.s32max);
                    r2.u32min = r1.u32min;
                    r2.u32max = r1.u32max;
                    r2.s32min = r1.s32min;
                    r2.s32max = r1.s32max;
                    Tnum t = r1.varOff.subreg().intersect(r2.varOff.subreg());
                    r1.varOff = r1.varOff.withSubreg(t);
                    r2.varOff = r2.varOff.withSubreg(t);
                } else {
                    r1.umin = umax64(r1.umin, r2.umin);
                    r1.umax = umin64(r1.umax, r2.umax);
                    r1.smin = Math.max(r1.smin, r2.smin);
                    r1.smax = Math.min(r1.smax, r2.smax);
                    r2.umin = r1.umin;
                    r2.umax = r1.umax;
                    r2.smin = r1.smin;
                    r2.smax = r1.smax;
                    r1.varOff = r1.varOff.intersect(r2.varOff);
                    r2.varOff = r1.varOff;
                }
            }
            case JNE -> {
                if (!isConst(r2, is32)) {
                    Bounds t = r1;
                    r1 = r2;
                    r2 = t;
                }
                if (!isConst(r2, is32)) {
                    break;
                }
                // a constant at the edge of the other range can be cut off it
                long val = constValue(r2, is32);
                if (is32) {
                    if (r1.u32min == (int) val) {
                        r1.u32min++;
                    }
                    if (r1.u32max == (int) val) {
                        r1.u32max--;
                    }
                    if (r1.s32min == (int) val) {
                        r1.s32min++;
                    }
                    if (r1.s32max == (int) val) {
                        r1.s32max--;
                    }
                } else {
                    if (r1.umin == val) {
                        r1.umin++;
                    }
                    if (r1.umax == val) {
                        r1.umax--;
                    }
                    if (r1.smin == val) {
                        r1.smin++;
                    }
                    if (r1.smax == val) {
                        r1.smax--;
                    }
                }
            }
            case JSET -> {
                if (!isConst(r2, is32)) {
                    Bounds t = r1;
                    r1 = r2;
                    r2 = t;
                }
                if (!isConst(r2, is32)) {
                    break;
                }
                long val = constValue(r2, is32);
                // "r1 & val != 0" says which bit is set only when val has a single bit
                if (Long.bitCount(val) != 1) {
                    break;
                }
                if (is32) {
                    Tnum t = r1.varOff.subreg().or(Tnum.constant(val));
                    r1.varOff = r1.varOff.withSubreg(t);
                } else {
                    r1.varOff = r1.varOff.or(Tnum.constant(val));
                }
            }
            case JSET_NOT -> {
                if (!isConst(r2, is32)) {
                    Bounds t = r1;
                    r1 = r2;
                    r2 = t;
                }
                if (!isConst(r2, is32)) {
                    break;
                }
                long val = constValue(r2, is32);
                // "r1 & val == 0": every bit of val is clear in r1
                if (is32) {
                    Tnum t = r1.varOff.subreg().and(Tnum.constant(~val));
                    r1.varOff = r1.varOff.withSubreg(t);
                } else {
                    r1.varOff = r1.varOff.and(Tnum.constant(~val));
                }
            }
            case JLE -> {
                if (is32) {
                    r1.u32max = umin32(r1.u32max, r2.u32max);
                    r2.u32min = umax32(r1.u32min, r2.u32min);
                } else {
                    r1.umax = umin64(r1.umax, r2.umax);
                    r2.umin = umax64(r1.umin, r2.umin);
                }
            }
            case JLT -> {
                if (is32) {
                    r1.u32max = umin32(r1.u32max, r2.u32max - 1);
                    r2.u32min = umax32(r1.u32min + 1, r2.u32min);
                } else {
                    r1.umax = umin64(r1.umax, r2.umax - 1);
                    r2.umin = umax64(r1.umin + 1, r2.umin);
                }
            }
            case JSLE -> {
                if (is32) {
                    r1.s32max = Math.min(r1.s32max, r2.s32max);
                    r2.s32min = Math.max(r1.s32min, r2.s32min);
                } else {
                    r1.smax = Math.min(r1.smax, r2.smax);
                    r2.smin = Math.max(r1.smin, r2.smin);
                }
            }
            case JSLT -> {
                if (is32) {
                    r1.s32max = Math.min(r1.s32max, r2.s32max - 1);
                    r2.s32min = Math.max(r1.s32min + 1, r2.s32min);
                } else {
                    r1.smax = Math.min(r1.smax, r2.smax - 1);
                    r2.smin = Math.max(r1.smin + 1, r2.smin);
                }
            }
            default -> { }
        }
    }
}
