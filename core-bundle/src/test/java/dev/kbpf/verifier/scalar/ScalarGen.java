package dev.kbpf.verifier.scalar;

import java.util.Arrays;
import java.util.Random;

/**
 * Random abstract scalars together with concrete members of them, for the soundness tests.
 *
 * <p>Each value is built around a witness: a tnum and eight bounds that all hold the witness,
 * then synced (so the witness must survive the sync), or produced by the domain itself from such
 * values (an ALU operation or a branch refinement, carrying the concrete results along). More
 * members are then found by sampling near the bounds and inside the tnum and keeping those the
 * value {@link Scalar#contains contains}. Numbers are biased toward the edges where bounds logic
 * goes wrong: 0, ±1, powers of two, the 32-bit and 64-bit sign boundaries.
 */
final class ScalarGen {
    /** An abstract value and some of its concrete members (the first is the witness). */
    record Sample(Scalar s, long[] members) {
        @Override
        public String toString() {
            return s.debugString() + " members=" + Arrays.toString(members);
        }
    }

    final Random rnd;

    ScalarGen(long seed) {
        rnd = new Random(seed);
    }

    /** A number biased toward the interesting edges. */
    long biased() {
        int k = rnd.nextInt(64);
        long small = rnd.nextInt(33) - 16;
        return switch (rnd.nextInt(13)) {
            case 0 -> rnd.nextInt(17);
            case 1 -> small;
            case 2 -> (1L << k) + small;
            case 3 -> -(1L << k) + small;
            case 4 -> rnd.nextBoolean() ? Long.MIN_VALUE + rnd.nextInt(8) : Long.MAX_VALUE - rnd.nextInt(8);
            case 5 -> switch (rnd.nextInt(4)) {
                case 0 -> 0xffff_ffffL + small;
                case 1 -> 0x8000_0000L + small;
                case 2 -> 0x7fff_ffffL + small;
                default -> 0x1_0000_0000L + small;
            };
            case 6 -> (long) rnd.nextInt();
            case 7 -> (rnd.nextLong() & ~0xffff_ffffL) | (small & 0xffff_ffffL);
            case 8 -> rnd.nextInt(1 << rnd.nextInt(17));
            case 9 -> rnd.nextLong() >> rnd.nextInt(64);
            case 10 -> rnd.nextLong() >>> rnd.nextInt(64);
            default -> rnd.nextLong();
        };
    }

    /** A non-negative distance, mostly small. */
    long delta() {
        return switch (rnd.nextInt(6)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(4);
            case 2 -> rnd.nextInt(300);
            case 3 -> rnd.nextLong() >>> (1 + rnd.nextInt(63));
            case 4 -> (1L << rnd.nextInt(63)) - 1;
            default -> rnd.nextLong() >>> 1;
        };
    }

    long randomMask() {
        int k = rnd.nextInt(65);
        long low = k == 64 ? -1L : (1L << k) - 1;
        return switch (rnd.nextInt(8)) {
            case 0 -> 0;
            case 1 -> -1L;
            case 2, 3 -> low;
            case 4 -> low << rnd.nextInt(64);
            case 5 -> rnd.nextLong() & rnd.nextLong();
            case 6 -> rnd.nextLong();
            default -> low | (rnd.nextLong() & rnd.nextLong() & rnd.nextLong());
        };
    }

    /** Any kind of sample. */
    Sample any() {
        return switch (rnd.nextInt(10)) {
            case 0 -> constant(biased());
            case 1 -> withUnknown();
            case 2, 3, 4, 5 -> around(biased());
            case 6, 7 -> fromAlu();
            default -> fromRefine();
        };
    }

    /** A sample whose witness is {@code x}. */
    Sample around(long x) {
        int r = rnd.nextInt(10);
        if (r == 0) {
            return constant(x);
        }
        if (r == 1) {
            return withMembers(Scalar.unknown(), x);
        }
        return constrained(x);
    }

    Sample constant(long x) {
        return new Sample(Scalar.constant(x), new long[] {x});
    }

    Sample withUnknown() {
        return withMembers(Scalar.unknown(), biased());
    }

    /** A tnum and eight bounds around {@code x}, synced. */
    Sample constrained(long x) {
        long mask = randomMask();
        Tnum t = new Tnum(x & ~mask, mask);
        long smin = rnd.nextInt(3) == 0 ? Long.MIN_VALUE : satSub(x, delta());
        long smax = rnd.nextInt(3) == 0 ? Long.MAX_VALUE : satAdd(x, delta());
        long umin = rnd.nextInt(3) == 0 ? 0 : usatSub(x, delta());
        long umax = rnd.nextInt(3) == 0 ? -1L : usatAdd(x, delta());
        int x32 = (int) x;
        int s32min = rnd.nextInt(3) == 0 ? Integer.MIN_VALUE : (int) Math.max(Integer.MIN_VALUE, (long) x32 - delta32());
        int s32max = rnd.nextInt(3) == 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, (long) x32 + delta32());
        long ux = x32 & 0xffff_ffffL;
        int u32min = rnd.nextInt(3) == 0 ? 0 : (int) Math.max(0, ux - delta32());
        int u32max = rnd.nextInt(3) == 0 ? -1 : (int) Math.min(0xffff_ffffL, ux + delta32());
        Scalar s = Scalar.ofRange(smin, smax, umin, umax, s32min, s32max, u32min, u32max, t);
        return withMembers(s, x);
    }

    private long delta32() {
        long d = delta();
        return rnd.nextBoolean() ? d & 0xffff_ffffL : d & 0xffffL;
    }

    /** Result of an ALU operation on two samples, with the concrete results as members. */
    Sample fromAlu() {
        Sample a = constrainedOrConst();
        AluOp op = AluOp.values()[rnd.nextInt(AluOp.values().length)];
        boolean is64 = rnd.nextBoolean() || op == AluOp.MOVSX32;
        Sample b = operandFor(op);
        Scalar r = a.s().alu(op, b.s(), is64);
        long[] res = new long[a.members().length * b.members().length];
        int n = 0;
        for (long x : a.members()) {
            for (long y : b.members()) {
                long v = op.isEndian() ? Concrete.endian(op, x) : Concrete.alu(op, x, y, is64);
                if (r.contains(v)) {
                    res[n++] = v;
                }
            }
        }
        if (n == 0) {
            return constrained(biased());
        }
        return withMembers(r, Arrays.copyOf(res, n));
    }

    /** The left operand of a comparison narrowed by one of its branches. */
    Sample fromRefine() {
        Sample a = constrainedOrConst();
        Sample b = rnd.nextBoolean() ? constant(near(a.members()[0])) : around(near(a.members()[0]));
        JmpOp op = JmpOp.values()[rnd.nextInt(JmpOp.values().length)];
        boolean is32 = rnd.nextInt(3) == 0;
        boolean taken = rnd.nextBoolean();
        Refined ref = Scalar.refine(a.s(), b.s(), op, is32, taken);
        long[] keep = new long[a.members().length];
        int n = 0;
        for (long x : a.members()) {
            for (long y : b.members()) {
                if (op.test(x, y, is32) == taken && ref.a().contains(x)) {
                    keep[n++] = x;
                    break;
                }
            }
        }
        if (!ref.possible() || n == 0) {
            return constrained(biased());
        }
        return withMembers(ref.a(), Arrays.copyOf(keep, n));
    }

    private Sample constrainedOrConst() {
        return rnd.nextInt(6) == 0 ? constant(biased()) : constrained(biased());
    }

    /** A right operand suited to {@code op}: shifts and divisions mostly by constants. */
    Sample operandFor(AluOp op) {
        switch (op) {
            case LSH, RSH, ARSH -> {
                int r = rnd.nextInt(8);
                if (r < 5) {
                    return constant(rnd.nextInt(64));
                }
                if (r == 5) {
                    return constant(biased());
                }
                return around(rnd.nextInt(70));
            }
            case DIV, SDIV, MOD, SMOD -> {
                if (rnd.nextInt(4) != 0) {
                    long d = rnd.nextInt(5) == 0 ? 0 : biased();
                    return constant(d);
                }
                return constrainedOrConst();
            }
            default -> {
                return rnd.nextInt(4) == 0 ? constant(biased()) : constrained(biased());
            }
        }
    }

    /** A number equal or close to {@code x}, for operands that overlap. */
    long near(long x) {
        return switch (rnd.nextInt(6)) {
            case 0, 1 -> x;
            case 2 -> x + rnd.nextInt(9) - 4;
            case 3 -> (x & ~0xffff_ffffL) | (rnd.nextInt(9) - 4 + x) & 0xffff_ffffL;
            case 4 -> x ^ (1L << rnd.nextInt(64));
            default -> biased();
        };
    }

    /** Adds members found by sampling around the bounds and inside the tnum. */
    Sample withMembers(Scalar s, long... known) {
        long[] out = Arrays.copyOf(known, known.length + 8);
        int n = known.length;
        Tnum t = s.varOff();
        long[] candidates = {
            s.smin(), s.smax(), s.umin(), s.umax(), t.value(), t.value() | t.mask(),
            (known[0] & ~0xffff_ffffL) | (s.u32min() & 0xffff_ffffL),
            (known[0] & ~0xffff_ffffL) | (s.u32max() & 0xffff_ffffL),
            (known[0] & ~0xffff_ffffL) | (s.s32min() & 0xffff_ffffL),
            (known[0] & ~0xffff_ffffL) | (s.s32max() & 0xffff_ffffL),
            s.s32min(), s.s32max(), s.u32min() & 0xffff_ffffL, s.u32max() & 0xffff_ffffL,
        };
        for (int tries = 0; tries < 24 && n < out.length; tries++) {
            long c = switch (rnd.nextInt(4)) {
                case 0 -> candidates[rnd.nextInt(candidates.length)];
                case 1 -> t.value() | (rnd.nextLong() & t.mask());
                case 2 -> known[rnd.nextInt(known.length)] + rnd.nextInt(5) - 2;
                default -> known[rnd.nextInt(known.length)] ^ (rnd.nextLong() & t.mask() & (rnd.nextBoolean() ? 0xff : -1L));
            };
            if (s.contains(c)) {
                out[n++] = c;
            }
        }
        return new Sample(s, Arrays.copyOf(out, n));
    }

    static long satAdd(long x, long d) {
        long r = x + d;
        return r < x ? Long.MAX_VALUE : r;
    }

    static long satSub(long x, long d) {
        long r = x - d;
        return r > x ? Long.MIN_VALUE : r;
    }

    static long usatAdd(long x, long d) {
        long r = x + d;
        return Long.compareUnsigned(r, x) < 0 ? -1L : r;
    }

    static long usatSub(long x, long d) {
        long r = x - d;
        return Long.compareUnsigned(r, x) > 0 ? 0 : r;
    }
}
