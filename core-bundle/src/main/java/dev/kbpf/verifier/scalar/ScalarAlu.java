package dev.kbpf.verifier.scalar;

import static dev.kbpf.verifier.scalar.Bounds.LOW32;
import static dev.kbpf.verifier.scalar.Bounds.u32;
import static dev.kbpf.verifier.scalar.Bounds.umax32;
import static dev.kbpf.verifier.scalar.Bounds.umax64;
import static dev.kbpf.verifier.scalar.Bounds.umin32;
import static dev.kbpf.verifier.scalar.Bounds.umin64;

/**
 * The transfer functions of the ALU operations on scalars: the kernel's
 * {@code adjust_scalar_min_max_vals} with its {@code scalar[32]_min_max_*} helpers, the register
 * moves of {@code check_alu_op}, {@code coerce_reg_to_size[_sx]} and {@code scalar_byte_swap}.
 *
 * <p>Each function updates a {@link Bounds} in place exactly as the kernel updates a register,
 * including where the kernel deliberately gives up (unknown result), so that the verifier's log
 * and its pruning decisions follow Linux's.
 */
final class ScalarAlu {
    private ScalarAlu() {}

    /** {@code dst = dst op src} in 64 bits ({@code alu64}) or on the low 32 bits, zero-extended. */
    static Scalar apply(Scalar dstIn, AluOp op, Scalar src, boolean alu64) {
        Bounds dst = new Bounds(dstIn);
        switch (op) {
            case MOV -> {
                dst = new Bounds(src);
                if (!alu64) {
                    dst.zext32To64();
                }
            }
            case MOVSX8, MOVSX16, MOVSX32 -> {
                int size = op == AluOp.MOVSX8 ? 1 : op == AluOp.MOVSX16 ? 2 : 4;
                dst = new Bounds(src);
                if (alu64) {
                    coerceToSizeSx(dst, size);
                } else {
                    if (size == 4) {
                        throw new IllegalArgumentException("MOVSX with off=32 exists only in the 64-bit ALU class");
                    }
                    coerceSubregToSizeSx(dst, size);
                    dst.zext32To64();
                }
            }
            case TO_LE16, TO_LE32, TO_LE64, TO_BE16, TO_BE32, TO_BE64, BSWAP16, BSWAP32, BSWAP64 -> byteSwap(dst, op);
            default -> {
                if (!isSafeToCompute(op, src, alu64)) {
                    // the kernel marks the whole register unknown (no zero extension) and stops
                    dst.markUnknown();
                    return dst.toScalar();
                }
                arith(dst, op, src, alu64);
                if (!alu64) {
                    dst.zext32To64();
                }
            }
        }
        dst.sync();
        return dst.toScalar();
    }

    /**
     * Kernel {@code is_safe_to_compute_dst_reg_range}: shifts need a constant amount below the
     * operation's width, division and modulo a constant divisor; the rest always have bounds.
     */
    static boolean isSafeToCompute(AluOp op, Scalar src, boolean alu64) {
        boolean srcIsConst;
        if (alu64) {
            srcIsConst = src.varOff().isConst() && src.smin() == src.smax() && src.umin() == src.umax();
        } else {
            srcIsConst = src.varOff().isSubregConst() && src.s32min() == src.s32max() && src.u32min() == src.u32max();
        }
        return switch (op) {
            case ADD, SUB, NEG, AND, OR, XOR, MUL -> true;
            case DIV, SDIV, MOD, SMOD -> srcIsConst;
            // the kernel compares the full 64-bit umax even for a 32-bit shift
            case LSH, RSH, ARSH -> srcIsConst && Long.compareUnsigned(src.umax(), alu64 ? 64 : 32) < 0;
            default -> false;
        };
    }

    private static void arith(Bounds dst, AluOp op, Scalar srcS, boolean alu64) {
        Bounds src = new Bounds(srcS);
        switch (op) {
            case ADD -> {
                add32(dst, src);
                add64(dst, src);
                dst.varOff = dst.varOff.add(src.varOff);
            }
            case SUB -> {
                sub32(dst, src);
                sub64(dst, src);
                dst.varOff = dst.varOff.sub(src.varOff);
            }
            case NEG -> {
                Bounds old = new Bounds(dst.toScalar());
                dst.markKnown(0);
                sub32(dst, old);
                sub64(dst, old);
                dst.varOff = old.varOff.neg();
            }
            case MUL -> {
                dst.varOff = dst.varOff.mul(src.varOff);
                mul32(dst, src);
                mul64(dst, src);
            }
            case DIV, SDIV -> {
                // BPF: x / 0 = 0
                if ((!alu64 && src.u32min == 0) || (alu64 && src.umin == 0)) {
                    dst.markKnown(0);
                } else if (alu64) {
                    if (op == AluOp.SDIV) {
                        sdiv64(dst, src);
                    } else {
                        udiv64(dst, src);
                    }
                } else if (op == AluOp.SDIV) {
                    sdiv32(dst, src);
                } else {
                    udiv32(dst, src);
                }
            }
            case MOD, SMOD -> {
                // BPF: x % 0 = x
                if ((!alu64 && src.u32min == 0) || (alu64 && src.umin == 0)) {
                    break;
                }
                if (alu64) {
                    if (op == AluOp.SMOD) {
                        smod64(dst, src);
                    } else {
                        umod64(dst, src);
                    }
                } else if (op == AluOp.SMOD) {
                    smod32(dst, src);
                } else {
                    umod32(dst, src);
                }
            }
            case AND -> {
                dst.varOff = dst.varOff.and(src.varOff);
                and32(dst, src);
                and64(dst, src);
            }
            case OR -> {
                dst.varOff = dst.varOff.or(src.varOff);
                or32(dst, src);
                or64(dst, src);
            }
            case XOR -> {
                dst.varOff = dst.varOff.xor(src.varOff);
                xor32(dst, src);
                xor64(dst, src);
            }
            case LSH -> {
                if (alu64) {
                    lsh64(dst, src);
                } else {
                    lsh32(dst, src);
                }
            }
            case RSH -> {
                if (alu64) {
                    rsh64(dst, src);
                } else {
                    rsh32(dst, src);
                }
            }
            case ARSH -> {
                if (alu64) {
                    arsh64(dst, src);
                } else {
                    arsh32(dst, src);
                }
            }
            default -> throw new IllegalStateException("not an arithmetic operation: " + op);
        }
    }

    // --- ADD / SUB --------------------------------------------------------------------------------

    private static void add32(Bounds dst, Bounds src) {
        long smin = (long) dst.s32min + src.s32min;
        long smax = (long) dst.s32max + src.s32max;
        if (smin != (int) smin || smax != (int) smax) {
            dst.s32min = Integer.MIN_VALUE;
            dst.s32max = Integer.MAX_VALUE;
        } else {
            dst.s32min = (int) smin;
            dst.s32max = (int) smax;
        }
        // Sound when either no addition or every addition wraps; mixed wrapping loses the range.
        long umin = u32(dst.u32min) + u32(src.u32min);
        long umax = u32(dst.u32max) + u32(src.u32max);
        boolean minOverflow = umin > LOW32;
        boolean maxOverflow = umax > LOW32;
        dst.u32min = (int) umin;
        dst.u32max = (int) umax;
        if (!minOverflow && maxOverflow) {
            dst.u32min = 0;
            dst.u32max = -1;
        }
    }

    private static void add64(Bounds dst, Bounds src) {
        long smin = dst.smin + src.smin;
        long smax = dst.smax + src.smax;
        if (addOverflows(dst.smin, src.smin, smin) || addOverflows(dst.smax, src.smax, smax)) {
            dst.smin = Long.MIN_VALUE;
            dst.smax = Long.MAX_VALUE;
        } else {
            dst.smin = smin;
            dst.smax = smax;
        }
        long umin = dst.umin + src.umin;
        long umax = dst.umax + src.umax;
        boolean minOverflow = Long.compareUnsigned(umin, dst.umin) < 0;
        boolean maxOverflow = Long.compareUnsigned(umax, dst.umax) < 0;
        dst.umin = umin;
        dst.umax = umax;
        if (!minOverflow && maxOverflow) {
            dst.umin = 0;
            dst.umax = -1L;
        }
    }

    private static boolean addOverflows(long a, long b, long r) {
        return ((a ^ r) & (b ^ r)) < 0;
    }

    private static void sub32(Bounds dst, Bounds src) {
        long smin = (long) dst.s32min - src.s32max;
        long smax = (long) dst.s32max - src.s32min;
        if (smin != (int) smin || smax != (int) smax) {
            dst.s32min = Integer.MIN_VALUE;
            dst.s32max = Integer.MAX_VALUE;
        } else {
            dst.s32min = (int) smin;
            dst.s32max = (int) smax;
        }
        boolean minUnderflow = Integer.compareUnsigned(dst.u32min, src.u32max) < 0;
        boolean maxUnderflow = Integer.compareUnsigned(dst.u32max, src.u32min) < 0;
        int umin = dst.u32min - src.u32max;
        int umax = dst.u32max - src.u32min;
        dst.u32min = umin;
        dst.u32max = umax;
        if (minUnderflow && !maxUnderflow) {
            dst.u32min = 0;
            dst.u32max = -1;
        }
    }

    private static void sub64(Bounds dst, Bounds src) {
        long smin = dst.smin - src.smax;
        long smax = dst.smax - src.smin;
        if (subOverflows(dst.smin, src.smax, smin) || subOverflows(dst.smax, src.smin, smax)) {
            dst.smin = Long.MIN_VALUE;
            dst.smax = Long.MAX_VALUE;
        } else {
            dst.smin = smin;
            dst.smax = smax;
        }
        boolean minUnderflow = Long.compareUnsigned(dst.umin, src.umax) < 0;
        boolean maxUnderflow = Long.compareUnsigned(dst.umax, src.umin) < 0;
        long umin = dst.umin - src.umax;
        long umax = dst.umax - src.umin;
        dst.umin = umin;
        dst.umax = umax;
        if (minUnderflow && !maxUnderflow) {
            dst.umin = 0;
            dst.umax = -1L;
        }
    }

    private static boolean subOverflows(long a, long b, long r) {
        return ((a ^ b) & (a ^ r)) < 0;
    }

    // --- MUL --------------------------------------------------------------------------------------

    private static void mul32(Bounds dst, Bounds src) {
        long umax = u32(dst.u32max) * u32(src.u32max);
        long umin = u32(dst.u32min) * u32(src.u32min);
        // a product of two u32 fits in a u64: compare unsigned
        if (Long.compareUnsigned(umax, LOW32) > 0 || Long.compareUnsigned(umin, LOW32) > 0) {
            dst.u32min = 0;
            dst.u32max = -1;
        } else {
            dst.u32min = (int) umin;
            dst.u32max = (int) umax;
        }
        long p0 = (long) dst.s32min * src.s32min;
        long p1 = (long) dst.s32min * src.s32max;
        long p2 = (long) dst.s32max * src.s32min;
        long p3 = (long) dst.s32max * src.s32max;
        if (p0 != (int) p0 || p1 != (int) p1 || p2 != (int) p2 || p3 != (int) p3) {
            dst.s32min = Integer.MIN_VALUE;
            dst.s32max = Integer.MAX_VALUE;
        } else {
            dst.s32min = (int) Math.min(Math.min(p0, p1), Math.min(p2, p3));
            dst.s32max = (int) Math.max(Math.max(p0, p1), Math.max(p2, p3));
        }
    }

    private static void mul64(Bounds dst, Bounds src) {
        if (umulOverflows(dst.umax, src.umax) || umulOverflows(dst.umin, src.umin)) {
            dst.umin = 0;
            dst.umax = -1L;
        } else {
            dst.umin = dst.umin * src.umin;
            dst.umax = dst.umax * src.umax;
        }
        long p0;
        long p1;
        long p2;
        long p3;
        try {
            p0 = Math.multiplyExact(dst.smin, src.smin);
            p1 = Math.multiplyExact(dst.smin, src.smax);
            p2 = Math.multiplyExact(dst.smax, src.smin);
            p3 = Math.multiplyExact(dst.smax, src.smax);
        } catch (ArithmeticException overflow) {
            dst.smin = Long.MIN_VALUE;
            dst.smax = Long.MAX_VALUE;
            return;
        }
        dst.smin = Math.min(Math.min(p0, p1), Math.min(p2, p3));
        dst.smax = Math.max(Math.max(p0, p1), Math.max(p2, p3));
    }

    private static boolean umulOverflows(long a, long b) {
        // Math.unsignedMultiplyHigh is Java 18; derive it from the signed high half
        long high = Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
        return high != 0;
    }

    // --- DIV / MOD by a constant ------------------------------------------------------------------

    private static void udiv32(Bounds dst, Bounds src) {
        int d = src.u32min; // non-zero constant divisor
        dst.u32min = Integer.divideUnsigned(dst.u32min, d);
        dst.u32max = Integer.divideUnsigned(dst.u32max, d);
        dst.s32min = Integer.MIN_VALUE;
        dst.s32max = Integer.MAX_VALUE;
        resetReg64AndTnum(dst);
    }

    private static void udiv64(Bounds dst, Bounds src) {
        long d = src.umin;
        dst.umin = Long.divideUnsigned(dst.umin, d);
        dst.umax = Long.divideUnsigned(dst.umax, d);
        dst.smin = Long.MIN_VALUE;
        dst.smax = Long.MAX_VALUE;
        resetReg32AndTnum(dst);
    }

    private static void sdiv32(Bounds dst, Bounds src) {
        int d = src.s32min;
        if (dst.s32min == Integer.MIN_VALUE && d == -1) {
            // S32_MIN / -1 = S32_MIN; any other member wraps to the top of the range
            if (dst.s32max != Integer.MIN_VALUE) {
                dst.s32min = Integer.MIN_VALUE;
                dst.s32max = Integer.MAX_VALUE;
            }
        } else {
            int r1 = dst.s32min / d;
            int r2 = dst.s32max / d;
            dst.s32min = Math.min(r1, r2);
            dst.s32max = Math.max(r1, r2);
        }
        dst.u32min = 0;
        dst.u32max = -1;
        resetReg64AndTnum(dst);
    }

    private static void sdiv64(Bounds dst, Bounds src) {
        long d = src.smin;
        if (dst.smin == Long.MIN_VALUE && d == -1) {
            if (dst.smax != Long.MIN_VALUE) {
                dst.smin = Long.MIN_VALUE;
                dst.smax = Long.MAX_VALUE;
            }
        } else {
            long r1 = dst.smin / d;
            long r2 = dst.smax / d;
            dst.smin = Math.min(r1, r2);
            dst.smax = Math.max(r1, r2);
        }
        dst.umin = 0;
        dst.umax = -1L;
        resetReg32AndTnum(dst);
    }

    private static void umod32(Bounds dst, Bounds src) {
        int resMax = src.u32min - 1;
        if (Integer.compareUnsigned(dst.u32max, resMax) <= 0) {
            return; // the dividend is already below the divisor: unchanged
        }
        dst.u32min = 0;
        dst.u32max = umin32(dst.u32max, resMax);
        dst.s32min = Integer.MIN_VALUE;
        dst.s32max = Integer.MAX_VALUE;
        resetReg64AndTnum(dst);
    }

    private static void umod64(Bounds dst, Bounds src) {
        long resMax = src.umin - 1;
        if (Long.compareUnsigned(dst.umax, resMax) <= 0) {
            return;
        }
        dst.umin = 0;
        dst.umax = umin64(dst.umax, resMax);
        dst.smin = Long.MIN_VALUE;
        dst.smax = Long.MAX_VALUE;
        resetReg32AndTnum(dst);
    }

    private static void smod32(Bounds dst, Bounds src) {
        int d = src.s32min;
        // |d| - 1 computed unsigned, so that d = S32_MIN gives S32_MAX
        int resMaxAbs = (d > 0 ? d : -d) - 1;
        if (dst.s32min >= -resMaxAbs && dst.s32max <= resMaxAbs) {
            return;
        }
        // the remainder has the sign of the dividend
        if (dst.s32min >= 0) {
            dst.s32min = 0;
            dst.s32max = Math.min(dst.s32max, resMaxAbs);
        } else if (dst.s32max <= 0) {
            dst.s32max = 0;
            dst.s32min = Math.max(dst.s32min, -resMaxAbs);
        } else {
            dst.s32min = -resMaxAbs;
            dst.s32max = resMaxAbs;
        }
        dst.u32min = 0;
        dst.u32max = -1;
        resetReg64AndTnum(dst);
    }

    private static void smod64(Bounds dst, Bounds src) {
        long d = src.smin;
        long resMaxAbs = (d > 0 ? d : -d) - 1;
        if (dst.smin >= -resMaxAbs && dst.smax <= resMaxAbs) {
            return;
        }
        if (dst.smin >= 0) {
            dst.smin = 0;
            dst.smax = Math.min(dst.smax, resMaxAbs);
        } else if (dst.smax <= 0) {
            dst.smax = 0;
            dst.smin = Math.max(dst.smin, -resMaxAbs);
        } else {
            dst.smin = -resMaxAbs;
            dst.smax = resMaxAbs;
        }
        dst.umin = 0;
        dst.umax = -1L;
        resetReg32AndTnum(dst);
    }

    private static void resetReg64AndTnum(Bounds r) {
        r.markUnbounded64();
        r.varOff = Tnum.unknown();
    }

    private static void resetReg32AndTnum(Bounds r) {
        r.markUnbounded32();
        r.varOff = Tnum.unknown();
    }

    // --- AND / OR / XOR ---------------------------------------------------------------------------
    // The tnum result is computed first; the bounds are then read off it.

    private static void and32(Bounds dst, Bounds src) {
        boolean srcKnown = src.varOff.isSubregConst();
        boolean dstKnown = dst.varOff.isSubregConst();
        Tnum var32 = dst.varOff.subreg();
        if (srcKnown && dstKnown) {
            dst.markKnown32(var32.value());
            return;
        }
        // the minimum is the known bits; the maximum the smaller of the operands' maxima
        dst.u32min = (int) var32.value();
        dst.u32max = umin32(dst.u32max, src.u32max);
        signed32FromUnsigned(dst);
    }

    private static void and64(Bounds dst, Bounds src) {
        if (src.varOff.isConst() && dst.varOff.isConst()) {
            dst.markKnown(dst.varOff.value());
            return;
        }
        dst.umin = dst.varOff.value();
        dst.umax = umin64(dst.umax, src.umax);
        signed64FromUnsigned(dst);
        dst.updateBounds();
    }

    private static void or32(Bounds dst, Bounds src) {
        boolean srcKnown = src.varOff.isSubregConst();
        boolean dstKnown = dst.varOff.isSubregConst();
        Tnum var32 = dst.varOff.subreg();
        if (srcKnown && dstKnown) {
            dst.markKnown32(var32.value());
            return;
        }
        // the maximum comes from the known and unknown bits; the minimum is the larger minimum
        dst.u32min = umax32(dst.u32min, src.u32min);
        dst.u32max = (int) (var32.value() | var32.mask());
        signed32FromUnsigned(dst);
    }

    private static void or64(Bounds dst, Bounds src) {
        if (src.varOff.isConst() && dst.varOff.isConst()) {
            dst.markKnown(dst.varOff.value());
            return;
        }
        dst.umin = umax64(dst.umin, src.umin);
        dst.umax = dst.varOff.value() | dst.varOff.mask();
        signed64FromUnsigned(dst);
        dst.updateBounds();
    }

    private static void xor32(Bounds dst, Bounds src) {
        boolean srcKnown = src.varOff.isSubregConst();
        boolean dstKnown = dst.varOff.isSubregConst();
        Tnum var32 = dst.varOff.subreg();
        if (srcKnown && dstKnown) {
            dst.markKnown32(var32.value());
            return;
        }
        dst.u32min = (int) var32.value();
        dst.u32max = (int) (var32.value() | var32.mask());
        signed32FromUnsigned(dst);
    }

    private static void xor64(Bounds dst, Bounds src) {
        if (src.varOff.isConst() && dst.varOff.isConst()) {
            dst.markKnown(dst.varOff.value());
            return;
        }
        dst.umin = dst.varOff.value();
        dst.umax = dst.varOff.value() | dst.varOff.mask();
        signed64FromUnsigned(dst);
        dst.updateBounds();
    }

    /** The u32 range is an s32 range when it does not cross the sign bit; otherwise s32 is unbounded. */
    private static void signed32FromUnsigned(Bounds dst) {
        if (dst.u32min <= dst.u32max) {
            dst.s32min = dst.u32min;
            dst.s32max = dst.u32max;
        } else {
            dst.s32min = Integer.MIN_VALUE;
            dst.s32max = Integer.MAX_VALUE;
        }
    }

    private static void signed64FromUnsigned(Bounds dst) {
        if (dst.umin <= dst.umax) {
            dst.smin = dst.umin;
            dst.smax = dst.umax;
        } else {
            dst.smin = Long.MIN_VALUE;
            dst.smax = Long.MAX_VALUE;
        }
    }

    // --- shifts by a constant ---------------------------------------------------------------------

    private static void lsh32Bounds(Bounds dst, long uminVal, long umaxVal) {
        // the sign bit is lost, except for what the tnum says
        dst.s32min = Integer.MIN_VALUE;
        dst.s32max = Integer.MAX_VALUE;
        // if the top bit might be shifted out, nothing is known
        if (umaxVal > 31 || u32(dst.u32max) > (1L << (31 - umaxVal))) {
            dst.u32min = 0;
            dst.u32max = -1;
        } else {
            dst.u32min <<= uminVal;
            dst.u32max <<= umaxVal;
        }
    }

    private static void lsh32(Bounds dst, Bounds src) {
        long uminVal = u32(src.u32min);
        long umaxVal = u32(src.u32max);
        Tnum subreg = dst.varOff.subreg();
        lsh32Bounds(dst, uminVal, umaxVal);
        dst.varOff = subreg.lshift((int) uminVal).subreg();
        dst.markUnbounded64();
        dst.updateBounds32();
    }

    private static void lsh64(Bounds dst, Bounds src) {
        long uminVal = src.umin;
        long umaxVal = src.umax;
        // x << 32 of a non-negative low half (the compiler's sign-extension idiom) keeps its sign
        if (uminVal == 32 && umaxVal == 32 && dst.s32max >= 0) {
            dst.smax = (long) dst.s32max << 32;
        } else {
            dst.smax = Long.MAX_VALUE;
        }
        if (uminVal == 32 && umaxVal == 32 && dst.s32min >= 0) {
            dst.smin = (long) dst.s32min << 32;
        } else {
            dst.smin = Long.MIN_VALUE;
        }
        if (Long.compareUnsigned(dst.umax, 1L << (63 - umaxVal)) > 0) {
            dst.umin = 0;
            dst.umax = -1L;
        } else {
            dst.umin <<= uminVal;
            dst.umax <<= umaxVal;
        }
        lsh32Bounds(dst, uminVal, umaxVal);
        dst.varOff = dst.varOff.lshift((int) uminVal);
        dst.updateBounds();
    }

    private static void rsh32(Bounds dst, Bounds src) {
        long uminVal = u32(src.u32min);
        long umaxVal = u32(src.u32max);
        Tnum subreg = dst.varOff.subreg();
        // an unsigned shift: the signed bounds are rebuilt from the unsigned ones and the tnum
        dst.s32min = Integer.MIN_VALUE;
        dst.s32max = Integer.MAX_VALUE;
        dst.varOff = subreg.rshift((int) uminVal);
        dst.u32min = (int) (u32(dst.u32min) >>> umaxVal);
        dst.u32max = (int) (u32(dst.u32max) >>> uminVal);
        dst.markUnbounded64();
        dst.updateBounds32();
    }

    private static void rsh64(Bounds dst, Bounds src) {
        long uminVal = src.umin;
        long umaxVal = src.umax;
        dst.smin = Long.MIN_VALUE;
        dst.smax = Long.MAX_VALUE;
        dst.varOff = dst.varOff.rshift((int) uminVal);
        dst.umin >>>= umaxVal;
        dst.umax >>>= uminVal;
        // the bits shifted into the low half are unknown here: rebuild 32-bit bounds from the tnum
        dst.markUnbounded32();
        dst.updateBounds();
    }

    private static void arsh32(Bounds dst, Bounds src) {
        int shift = src.u32min; // a constant below 32
        dst.s32min >>= shift;
        dst.s32max >>= shift;
        dst.varOff = dst.varOff.subreg().arshift(shift, 32);
        dst.u32min = 0;
        dst.u32max = -1;
        dst.markUnbounded64();
        dst.updateBounds32();
    }

    private static void arsh64(Bounds dst, Bounds src) {
        int shift = (int) src.umin; // a constant below 64
        dst.smin >>= shift;
        dst.smax >>= shift;
        dst.varOff = dst.varOff.arshift(shift, 64);
        dst.umin = 0;
        dst.umax = -1L;
        dst.markUnbounded32();
        dst.updateBounds();
    }

    // --- byte order -------------------------------------------------------------------------------

    /**
     * Kernel {@code scalar_byte_swap} on a little-endian machine: to-le is a zero-extending
     * truncation, to-be and bswap permute the bytes (exact on the tnum; the ranges are rebuilt
     * from it) and truncate for 16 and 32 bits.
     */
    private static void byteSwap(Bounds dst, AluOp op) {
        boolean swap = switch (op) {
            case TO_LE16, TO_LE32, TO_LE64 -> false;
            default -> true;
        };
        int bits = switch (op) {
            case TO_LE16, TO_BE16, BSWAP16 -> 16;
            case TO_LE32, TO_BE32, BSWAP32 -> 32;
            default -> 64;
        };
        if (swap) {
            dst.varOff = switch (bits) {
                case 16 -> dst.varOff.bswap16();
                case 32 -> dst.varOff.bswap32();
                default -> dst.varOff.bswap64();
            };
            dst.markUnbounded();
        }
        if (bits < 64) {
            coerceToSize(dst, bits / 8);
        }
    }

    // --- pointer offsets --------------------------------------------------------------------------

    /**
     * Kernel {@code adjust_ptr_min_max_vals} for {@code ptr += off} / {@code ptr -= off} when the
     * offset becomes variable: the 64-bit bounds with overflow checks, the tnum, and no 32-bit
     * bounds (the kernel does not track them for pointers).
     */
    static Scalar pointerOffset(Scalar ptrIn, Scalar off, boolean subtract) {
        Bounds ptr = new Bounds(ptrIn);
        Bounds dst = new Bounds(ptrIn);
        dst.markUnbounded32();
        if (!subtract) {
            long smin = ptr.smin + off.smin();
            long smax = ptr.smax + off.smax();
            if (addOverflows(ptr.smin, off.smin(), smin) || addOverflows(ptr.smax, off.smax(), smax)) {
                dst.smin = Long.MIN_VALUE;
                dst.smax = Long.MAX_VALUE;
            } else {
                dst.smin = smin;
                dst.smax = smax;
            }
            long umin = ptr.umin + off.umin();
            long umax = ptr.umax + off.umax();
            if (Long.compareUnsigned(umin, ptr.umin) < 0 || Long.compareUnsigned(umax, ptr.umax) < 0) {
                dst.umin = 0;
                dst.umax = -1L;
            } else {
                dst.umin = umin;
                dst.umax = umax;
            }
            dst.varOff = ptr.varOff.add(off.varOff());
        } else {
            long smin = ptr.smin - off.smax();
            long smax = ptr.smax - off.smin();
            if (subOverflows(ptr.smin, off.smax(), smin) || subOverflows(ptr.smax, off.smin(), smax)) {
                dst.smin = Long.MIN_VALUE;
                dst.smax = Long.MAX_VALUE;
            } else {
                dst.smin = smin;
                dst.smax = smax;
            }
            if (Long.compareUnsigned(ptr.umin, off.umax()) < 0) {
                dst.umin = 0;
                dst.umax = -1L;
            } else {
                dst.umin = ptr.umin - off.umax();
                dst.umax = ptr.umax - off.umin();
            }
            dst.varOff = ptr.varOff.sub(off.varOff());
        }
        dst.sync();
        return dst.toScalar();
    }

    // --- width changes ----------------------------------------------------------------------------

    /**
     * Kernel {@code coerce_reg_to_size}: keep the low {@code size} bytes (1, 2 or 4), zero-extended.
     */
    static void coerceToSize(Bounds reg, int size) {
        reg.varOff = reg.varOff.cast(size);
        long mask = (1L << (size * 8)) - 1;
        if ((reg.umin & ~mask) == (reg.umax & ~mask)) {
            reg.umin &= mask;
            reg.umax &= mask;
        } else {
            reg.umin = 0;
            reg.umax = mask;
        }
        reg.smin = reg.umin;
        reg.smax = reg.umax;
        // below 32 bits the subregister was truncated too; its old bounds no longer hold
        if (size < 4) {
            reg.markUnbounded32();
        }
        reg.sync();
    }

    /**
     * Kernel {@code coerce_reg_to_size_sx}: the low {@code size} bytes (1, 2 or 4), sign-extended
     * to 64 bits.
     */
    static void coerceToSizeSx(Bounds reg, int size) {
        if (reg.varOff.isConst()) {
            long v = signExtend(reg.varOff.value(), size);
            reg.markKnown(v);
            return;
        }
        int numBits = size * 8;
        long topSmax = (reg.smax >>> numBits) << numBits;
        long topSmin = (reg.smin >>> numBits) << numBits;
        if (topSmax == topSmin) {
            // every value shares its upper bits, so the low parts form one unsigned range
            long initMax = signExtend(reg.smax, size);
            long initMin = signExtend(reg.smin, size);
            long s64Max = Math.max(initMax, initMin);
            long s64Min = Math.min(initMax, initMin);
            if ((s64Max >= 0) == (s64Min >= 0)) {
                reg.smin = s64Min;
                reg.smax = s64Max;
                reg.s32min = (int) s64Min;
                reg.s32max = (int) s64Max;
                reg.umin = s64Min;
                reg.umax = s64Max;
                reg.u32min = (int) s64Min;
                reg.u32max = (int) s64Max;
                reg.varOff = Tnum.range(s64Min, s64Max);
                return;
            }
        }
        // set_sext64_default_val
        long lo = -(1L << (numBits - 1));
        long hi = (1L << (numBits - 1)) - 1;
        reg.smin = lo;
        reg.smax = hi;
        reg.s32min = (int) lo;
        reg.s32max = (int) hi;
        reg.umin = 0;
        reg.umax = -1L;
        reg.u32min = 0;
        reg.u32max = -1;
        reg.varOff = Tnum.unknown();
    }

    /**
     * Kernel {@code coerce_subreg_to_size_sx}: the low {@code size} bytes (1 or 2) sign-extended
     * to 32 bits; the 64-bit view is left for the caller's zero extension.
     */
    static void coerceSubregToSizeSx(Bounds reg, int size) {
        if (reg.varOff.isConst()) {
            long v = signExtend(reg.varOff.value(), size);
            reg.varOff = Tnum.constant(v);
            reg.s32min = (int) v;
            reg.s32max = (int) v;
            reg.u32min = (int) v;
            reg.u32max = (int) v;
            return;
        }
        int numBits = size * 8;
        int topSmax = (reg.s32max >>> numBits) << numBits;
        int topSmin = (reg.s32min >>> numBits) << numBits;
        if (topSmax == topSmin) {
            int initMax = (int) signExtend(reg.s32max, size);
            int initMin = (int) signExtend(reg.s32min, size);
            int s32Max = Math.max(initMax, initMin);
            int s32Min = Math.min(initMax, initMin);
            if ((s32Min >= 0) == (s32Max >= 0)) {
                reg.s32min = s32Min;
                reg.s32max = s32Max;
                reg.u32min = s32Min;
                reg.u32max = s32Max;
                reg.varOff = Tnum.range(s32Min, s32Max).subreg();
                return;
            }
        }
        // set_sext32_default_val
        reg.s32min = -(1 << (numBits - 1));
        reg.s32max = (1 << (numBits - 1)) - 1;
        reg.u32min = 0;
        reg.u32max = -1;
        reg.varOff = Tnum.unknown().subreg();
    }

    static long signExtend(long v, int size) {
        int shift = 64 - size * 8;
        return (v << shift) >> shift;
    }
}
