package dev.kbpf.verifier.scalar;

/**
 * A mutable working copy of a {@link Scalar}, so the transfer functions can be written the way the
 * kernel writes them (in place on a {@code struct bpf_reg_state}) and frozen into an immutable
 * {@code Scalar} at the end. Holds the kernel's bounds algebra: {@code __update_reg_bounds},
 * {@code __reg_deduce_bounds}, {@code __reg_bound_offset} and {@code reg_bounds_sync}.
 *
 * <p>32-bit bounds are Java ints: {@code u32min}/{@code u32max} hold the unsigned value's bits.
 */
final class Bounds {
    static final long LOW32 = 0xffff_ffffL;

    Tnum varOff;
    long smin;
    long smax;
    long umin;
    long umax;
    int s32min;
    int s32max;
    int u32min;
    int u32max;

    Bounds(Scalar s) {
        varOff = s.varOff();
        smin = s.smin();
        smax = s.smax();
        umin = s.umin();
        umax = s.umax();
        s32min = s.s32min();
        s32max = s.s32max();
        u32min = s.u32min();
        u32max = s.u32max();
    }

    Bounds() {
        markUnknown();
    }

    Scalar toScalar() {
        return new Scalar(varOff, smin, smax, umin, umax, s32min, s32max, u32min, u32max);
    }

    // --- unsigned helpers (the kernel's max_t(u64, ..) and friends) -------------------------------

    static long umax64(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static long umin64(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    static int umax32(int a, int b) {
        return Integer.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static int umin32(int a, int b) {
        return Integer.compareUnsigned(a, b) <= 0 ? a : b;
    }

    static boolean ule64(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0;
    }

    static boolean ule32(int a, int b) {
        return Integer.compareUnsigned(a, b) <= 0;
    }

    static long u32(int v) {
        return v & LOW32;
    }

    // --- marking ----------------------------------------------------------------------------------

    /** Kernel {@code __mark_reg_known}: exactly {@code imm} in every view. */
    void markKnown(long imm) {
        varOff = Tnum.constant(imm);
        smin = imm;
        smax = imm;
        umin = imm;
        umax = imm;
        s32min = (int) imm;
        s32max = (int) imm;
        u32min = (int) imm;
        u32max = (int) imm;
    }

    /** Kernel {@code __mark_reg32_known}: the low 32 bits are {@code imm}; the 64-bit view untouched. */
    void markKnown32(long imm) {
        varOff = varOff.withConstSubreg((int) imm);
        s32min = (int) imm;
        s32max = (int) imm;
        u32min = (int) imm;
        u32max = (int) imm;
    }

    void markUnbounded64() {
        smin = Long.MIN_VALUE;
        smax = Long.MAX_VALUE;
        umin = 0;
        umax = -1L;
    }

    void markUnbounded32() {
        s32min = Integer.MIN_VALUE;
        s32max = Integer.MAX_VALUE;
        u32min = 0;
        u32max = -1;
    }

    void markUnbounded() {
        markUnbounded64();
        markUnbounded32();
    }

    /** Kernel {@code __mark_reg_unknown}: any 64-bit value. */
    void markUnknown() {
        varOff = Tnum.unknown();
        markUnbounded();
    }

    // --- bounds from the tnum ---------------------------------------------------------------------

    /** Kernel {@code __update_reg32_bounds}. */
    void updateBounds32() {
        Tnum t = varOff.subreg();
        int v = (int) t.value();
        int m = (int) t.mask();
        // min signed is max(sign bit) | min(other bits); max signed is min(sign bit) | max(other bits)
        s32min = Math.max(s32min, v | (m & Integer.MIN_VALUE));
        s32max = Math.min(s32max, v | (m & Integer.MAX_VALUE));
        u32min = umax32(u32min, v);
        u32max = umin32(u32max, v | m);
    }

    /** Kernel {@code __update_reg64_bounds}. */
    void updateBounds64() {
        long v = varOff.value();
        long m = varOff.mask();
        smin = Math.max(smin, v | (m & Long.MIN_VALUE));
        smax = Math.min(smax, v | (m & Long.MAX_VALUE));
        umin = umax64(umin, v);
        umax = umin64(umax, v | m);
    }

    /** Kernel {@code __update_reg_bounds}. */
    void updateBounds() {
        updateBounds32();
        updateBounds64();
    }

    // --- bounds from each other -------------------------------------------------------------------

    /** Kernel {@code __reg32_deduce_bounds}: 32-bit bounds from the 64-bit ones and from each other. */
    void deduce32() {
        // If the upper 32 bits of the u64 range are the same throughout, its low 32 bits form a range.
        if ((umin >>> 32) == (umax >>> 32)) {
            u32min = umax32(u32min, (int) umin);
            u32max = umin32(u32max, (int) umax);
            if ((int) umin <= (int) umax) {
                s32min = Math.max(s32min, (int) umin);
                s32max = Math.min(s32max, (int) umax);
            }
        }
        if ((smin >> 32) == (smax >> 32)) {
            if (ule32((int) smin, (int) smax)) {
                u32min = umax32(u32min, (int) smin);
                u32max = umin32(u32max, (int) smax);
            }
            if ((int) smin <= (int) smax) {
                s32min = Math.max(s32min, (int) smin);
                s32max = Math.min(s32max, (int) smax);
            }
        }
        // Upper halves two consecutive numbers while the low halves go from negative to positive:
        // the low 32 bits still form a signed range, e.g. s64 [-1, 1].
        if ((int) (umin >>> 32) + 1 == (int) (umax >>> 32) && (int) umin < 0 && (int) umax >= 0) {
            s32min = Math.max(s32min, (int) umin);
            s32max = Math.min(s32max, (int) umax);
        }
        if ((int) (smin >> 32) + 1 == (int) (smax >> 32) && (int) smin < 0 && (int) smax >= 0) {
            s32min = Math.max(s32min, (int) smin);
            s32max = Math.min(s32max, (int) smax);
        }
        // A u32 range that does not cross the sign bit is also an s32 range, and vice versa.
        if (u32min <= u32max) {
            s32min = Math.max(s32min, u32min);
            s32max = Math.min(s32max, u32max);
        }
        if (ule32(s32min, s32max)) {
            u32min = umax32(s32min, u32min);
            u32max = umin32(s32max, u32max);
        }
    }

    /** Kernel {@code __reg64_deduce_bounds}: signed from unsigned and back. */
    void deduce64() {
        if (umin <= umax) {
            // the u64 range does not cross the sign bit: it is an s64 range too
            smin = Math.max(smin, umin);
            smax = Math.min(smax, umax);
        }
        if (ule64(smin, smax)) {
            umin = umax64(smin, umin);
            umax = umin64(smax, umax);
        } else {
            // The s64 range crosses zero: as u64 it is [0, smax] and [smin, U64_MAX]. If the u64
            // bounds exclude one of the two pieces, the other one bounds both views.
            if (Long.compareUnsigned(umax, smin) < 0) {
                smin = umin;
                umax = umin64(umax, smax);
            } else if (Long.compareUnsigned(smax, umin) < 0) {
                smax = umax;
                umin = umax64(umin, smin);
            }
        }
    }

    /** Kernel {@code __reg_deduce_mixed_bounds}: 64-bit bounds from the 32-bit ones. */
    void deduceMixed() {
        // Substitute the 32-bit bounds as the low halves of the 64-bit bounds.
        long newUmin = (umin & ~LOW32) | u32(u32min);
        long newUmax = (umax & ~LOW32) | u32(u32max);
        umin = umax64(umin, newUmin);
        umax = umin64(umax, newUmax);
        long newSmin = (smin & ~LOW32) | u32(u32min);
        long newSmax = (smax & ~LOW32) | u32(u32max);
        smin = Math.max(smin, newSmin);
        smax = Math.min(smax, newSmax);

        if (ule32(s32min, s32max)) {
            newUmin = (umin & ~LOW32) | u32(s32min);
            newUmax = (umax & ~LOW32) | u32(s32max);
            umin = umax64(umin, newUmin);
            umax = umin64(umax, newUmax);
            newSmin = (smin & ~LOW32) | u32(s32min);
            newSmax = (smax & ~LOW32) | u32(s32max);
            smin = Math.max(smin, newSmin);
            smax = Math.min(smax, newSmax);
        }

        // After a sign-extending load: a value in [S32_MIN, S32_MAX] is the sign extension of its
        // low half, so a non-negative low half means the whole value is that low half.
        if (s32min >= 0 && smin >= Integer.MIN_VALUE && smax <= Integer.MAX_VALUE) {
            smin = s32min;
            smax = s32max;
            umin = s32min;
            umax = s32max;
            varOff = varOff.intersect(Tnum.range(smin, smax));
        }
    }

    /** Kernel {@code __reg_deduce_bounds}. */
    void deduce() {
        deduce32();
        deduce64();
        deduceMixed();
    }

    /** Kernel {@code __reg_bound_offset}: known bits from the unsigned bounds. */
    void boundOffset() {
        Tnum var64 = varOff.intersect(Tnum.range(umin, umax));
        Tnum var32 = var64.subreg().intersect(Tnum.range(u32(u32min), u32(u32max)));
        varOff = var64.clearSubreg().or(var32);
    }

    /** Kernel {@code reg_bounds_sync}: make the tnum and all eight bounds agree. */
    void sync() {
        updateBounds();
        deduce();
        deduce();
        boundOffset();
        updateBounds();
    }

    // --- 32-bit results ---------------------------------------------------------------------------

    /** Kernel {@code __reg_assign_32_into_64}: the 64-bit bounds of a zero-extended low half. */
    void assign32Into64() {
        umin = u32(u32min);
        umax = u32(u32max);
        if (s32min >= 0 && s32max >= 0) {
            smin = s32min;
            smax = s32max;
        } else {
            smin = 0;
            smax = LOW32;
        }
    }

    /** Kernel {@code zext_32_to_64}: a 32-bit ALU result is zero-extended into the register. */
    void zext32To64() {
        varOff = varOff.subreg();
        assign32Into64();
    }

    // --- consistency ------------------------------------------------------------------------------

    /**
     * True when the bounds contradict each other, so no concrete value fits (the kernel's
     * {@code reg_bounds_sanity_check} conditions). Reached only on branches no execution takes.
     */
    boolean isEmpty() {
        if (Long.compareUnsigned(umin, umax) > 0 || smin > smax
                || Integer.compareUnsigned(u32min, u32max) > 0 || s32min > s32max) {
            return true;
        }
        if (varOff.isConst()) {
            long v = varOff.value();
            if (umin != v || umax != v || smin != v || smax != v) {
                return true;
            }
        }
        if (varOff.isSubregConst()) {
            int v = (int) varOff.value();
            if (u32min != v || u32max != v || s32min != v || s32max != v) {
                return true;
            }
        }
        return false;
    }
}
