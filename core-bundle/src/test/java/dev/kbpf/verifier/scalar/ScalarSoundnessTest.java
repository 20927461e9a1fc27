package dev.kbpf.verifier.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kbpf.verifier.scalar.ScalarGen.Sample;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Soundness of the scalar domain on random abstract values and random concrete members of them:
 * every concrete result must be a member of the abstract result. These properties are what makes
 * the verifier's acceptance of a program mean anything; each family runs well over 100,000 cases
 * from a fixed seed, and a failure prints the seed, the case number and every value involved.
 */
class ScalarSoundnessTest {
    private static final int CASES = 120_000;

    private static void requireMembers(Sample s, String what, long seed, int i) {
        for (long m : s.members()) {
            if (!s.s().contains(m)) {
                fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": generator member " + m + " (0x" + Long.toHexString(m)
                        + ") not in " + what + " " + s.s().debugString());
            }
        }
    }

    @Test
    void syncKeepsEveryMemberOfTheConstraints() {
        long seed = 0x5eed0001L;
        ScalarGen g = new ScalarGen(seed);
        for (int i = 0; i < CASES; i++) {
            long x = g.biased();
            Sample s = g.constrained(x);
            if (!s.s().contains(x)) {
                fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": sync lost witness " + x + " (0x" + Long.toHexString(x) + "): "
                        + s.s().debugString());
            }
            assertTrue(!s.s().isEmpty(), () -> "non-empty value reported empty: " + s);
            Scalar again = s.s().sync();
            for (long m : s.members()) {
                if (!again.contains(m)) {
                    fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": second sync lost " + m + " of " + s);
                }
            }
        }
    }

    @Test
    void tnumOperationsAreSound() {
        long seed = 0x5eed0002L;
        ScalarGen g = new ScalarGen(seed);
        for (int i = 0; i < CASES; i++) {
            long x = g.biased();
            long y = g.biased();
            long ma = g.randomMask();
            long mb = g.randomMask();
            Tnum a = new Tnum(x & ~ma, ma);
            Tnum b = new Tnum(y & ~mb, mb);
            // another member of each
            long x2 = a.value() | (g.rnd.nextLong() & ma);
            long y2 = b.value() | (g.rnd.nextLong() & mb);
            int sh = g.rnd.nextInt(64);
            int sh32 = g.rnd.nextInt(32);
            for (long[] p : new long[][] {{x, y}, {x2, y2}, {x, y2}, {x2, y}}) {
                long u = p[0];
                long v = p[1];
                check(seed, i, "add", a, b, u, v, a.add(b), u + v);
                check(seed, i, "sub", a, b, u, v, a.sub(b), u - v);
                check(seed, i, "mul", a, b, u, v, a.mul(b), u * v);
                check(seed, i, "and", a, b, u, v, a.and(b), u & v);
                check(seed, i, "or", a, b, u, v, a.or(b), u | v);
                check(seed, i, "xor", a, b, u, v, a.xor(b), u ^ v);
                check(seed, i, "union", a, b, u, v, a.union(b), u);
                check(seed, i, "union", a, b, u, v, a.union(b), v);
                check(seed, i, "neg", a, b, u, v, a.neg(), -u);
                check(seed, i, "lshift " + sh, a, b, u, v, a.lshift(sh), u << sh);
                check(seed, i, "rshift " + sh, a, b, u, v, a.rshift(sh), u >>> sh);
                check(seed, i, "arshift " + sh, a, b, u, v, a.arshift(sh, 64), u >> sh);
                check(seed, i, "arshift32 " + sh32, a, b, u, v, a.subreg().arshift(sh32, 32),
                        ((int) u >> sh32) & 0xffff_ffffL);
                check(seed, i, "cast", a, b, u, v, a.cast(2), u & 0xffff);
                check(seed, i, "subreg", a, b, u, v, a.subreg(), u & 0xffff_ffffL);
                check(seed, i, "clearSubreg", a, b, u, v, a.clearSubreg(), u & ~0xffff_ffffL);
                check(seed, i, "withSubreg", a, b, u, v, a.withSubreg(b), (u & ~0xffff_ffffL) | (v & 0xffff_ffffL));
                check(seed, i, "bswap16", a, b, u, v, a.bswap16(), Short.reverseBytes((short) u) & 0xffffL);
                check(seed, i, "bswap32", a, b, u, v, a.bswap32(), Integer.reverseBytes((int) u) & 0xffff_ffffL);
                check(seed, i, "bswap64", a, b, u, v, a.bswap64(), Long.reverseBytes(u));
                // a value in both tnums is in their intersection, and they overlap
                long both = (u & ~mb) | (v & mb);
                if (a.contains(both) && b.contains(both) && (!a.overlaps(b) || !a.intersect(b).contains(both))) {
                    fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": intersect " + a + " " + b + " at 0x" + Long.toHexString(both));
                }
            }
            // range: the tnum of [lo, hi] holds both ends and a point between
            long lo2 = Long.compareUnsigned(x, y) <= 0 ? x : y;
            long hi2 = lo2 == x ? y : x;
            Tnum r = Tnum.range(lo2, hi2);
            long mid = lo2 + Long.divideUnsigned(hi2 - lo2, 2);
            assertTrue(r.contains(lo2) && r.contains(hi2) && r.contains(mid),
                    () -> "range " + Long.toHexString(lo2) + ".." + Long.toHexString(hi2) + " gave " + r);
            // containment: tnum_in(a, b) means every member of b is in a
            if (a.in(b)) {
                assertTrue(a.contains(y2) || !b.contains(y2));
                assertTrue(a.contains(b.value()) && a.contains(b.value() | b.mask()),
                        () -> a + " claims to contain " + b);
            }
        }
    }

    private static void check(long seed, int i, String op, Tnum a, Tnum b, long u, long v, Tnum result, long concrete) {
        if (!result.contains(concrete)) {
            fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": tnum " + op + " unsound: a=" + a + " b=" + b + " u=0x"
                    + Long.toHexString(u) + " v=0x" + Long.toHexString(v) + " concrete=0x" + Long.toHexString(concrete)
                    + " result=" + result);
        }
    }

    @Test
    void alu64IsSound() {
        aluIsSound(0x5eed0064L, true);
    }

    @Test
    void alu32IsSound() {
        aluIsSound(0x5eed0032L, false);
    }

    private void aluIsSound(long seed, boolean is64) {
        ScalarGen g = new ScalarGen(seed);
        AluOp[] ops = AluOp.values();
        Map<AluOp, Integer> exactHits = new EnumMap<>(AluOp.class);
        int pairs = 0;
        int perOp = CASES / 4;
        for (int i = 0; i < perOp * ops.length; i++) {
            AluOp op = ops[i % ops.length];
            if (!is64 && op == AluOp.MOVSX32) {
                continue;
            }
            Sample a = g.rnd.nextInt(5) == 0 ? g.any() : g.constrained(g.biased());
            Sample b = g.operandFor(op);
            requireMembers(a, "dst", seed, i);
            requireMembers(b, "src", seed, i);
            Scalar r = is64 ? a.s().alu64(op, b.s()) : a.s().alu32(op, b.s());
            for (long x : a.members()) {
                for (long y : b.members()) {
                    long v = op.isEndian() ? Concrete.endian(op, x) : Concrete.alu(op, x, y, is64);
                    pairs++;
                    if (!r.contains(v)) {
                        fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": " + (is64 ? "alu64 " : "alu32 ") + op + " unsound\n dst="
                                + a.s().debugString() + "\n src=" + b.s().debugString() + "\n x=" + x + " (0x"
                                + Long.toHexString(x) + ") y=" + y + " (0x" + Long.toHexString(y) + ") -> " + v + " (0x"
                                + Long.toHexString(v) + ")\n result=" + r.debugString());
                    }
                    if (r.isConst()) {
                        exactHits.merge(op, 1, Integer::sum);
                    }
                }
            }
        }
        assertTrue(pairs > CASES, "too few concrete pairs: " + pairs);
        // constants in, constant out: the domain is not merely sound but exact on constants
        assertTrue(exactHits.getOrDefault(AluOp.ADD, 0) > 0 && exactHits.getOrDefault(AluOp.XOR, 0) > 0);
    }

    @Test
    void pointerOffsetArithmeticIsSound() {
        long seed = 0x5eed0070L;
        ScalarGen g = new ScalarGen(seed);
        for (int i = 0; i < CASES; i++) {
            Sample p = g.rnd.nextInt(3) == 0 ? g.constant(g.rnd.nextInt(512)) : g.any();
            Sample o = g.any();
            requireMembers(p, "pointer offset", seed, i);
            requireMembers(o, "offset", seed, i);
            boolean subtract = g.rnd.nextBoolean();
            Scalar r = p.s().pointerOffset(o.s(), subtract);
            for (long x : p.members()) {
                for (long y : o.members()) {
                    long v = subtract ? x - y : x + y;
                    if (!r.contains(v)) {
                        fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": pointer " + (subtract ? "-" : "+")
                                + " unsound\n ptr=" + p.s().debugString() + "\n off=" + o.s().debugString() + "\n x=" + x
                                + " y=" + y + " -> " + v + "\n result=" + r.debugString());
                    }
                }
            }
        }
    }

    @Test
    void constantsStayExactThroughEveryOperation() {
        long seed = 0x5eed00c0L;
        ScalarGen g = new ScalarGen(seed);
        for (int i = 0; i < CASES; i++) {
            AluOp op = AluOp.values()[i % AluOp.values().length];
            boolean is64 = (i / AluOp.values().length) % 2 == 0 || op == AluOp.MOVSX32;
            long x = g.biased();
            long y = switch (op) {
                case LSH, RSH, ARSH -> g.rnd.nextInt(is64 ? 64 : 32);
                default -> g.biased();
            };
            Scalar r = Scalar.constant(x).alu(op, Scalar.constant(y), is64);
            long v = op.isEndian() ? Concrete.endian(op, x) : Concrete.alu(op, x, y, is64);
            if (!r.contains(v)) {
                fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": " + op + (is64 ? " (64) " : " (32) ") + x + ", " + y + " -> " + v
                        + " not in " + r.debugString());
            }
            // the kernel keeps constants exact for everything but the operations it gives up on
            boolean exactInKernel = switch (op) {
                case LSH, RSH, ARSH, ADD, SUB, MUL, AND, OR, XOR, MOV, MOVSX8, MOVSX16, MOVSX32, NEG,
                        TO_LE16, TO_LE32, TO_LE64, TO_BE16, TO_BE32, TO_BE64, BSWAP16, BSWAP32, BSWAP64 -> true;
                default -> false;
            };
            if (exactInKernel && !r.isConst()) {
                fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": " + op + (is64 ? " (64) " : " (32) ") + x + ", " + y
                        + " not exact: " + r.debugString());
            }
        }
    }

    @Test
    void widthChangesAreSound() {
        long seed = 0x5eed0077L;
        ScalarGen g = new ScalarGen(seed);
        int[] sizes = {1, 2, 4, 8};
        for (int i = 0; i < CASES; i++) {
            Sample a = g.any();
            requireMembers(a, "value", seed, i);
            int size = sizes[g.rnd.nextInt(4)];
            Scalar t = a.s().truncate(size);
            Scalar z = a.s().zext32();
            Scalar sx = size < 8 ? a.s().signExtend(size * 8) : null;
            for (long x : a.members()) {
                long tv = size == 8 ? x : x & ((1L << (size * 8)) - 1);
                if (!t.contains(tv)) {
                    fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": truncate(" + size + ") of " + x + " = " + tv + " not in "
                            + t.debugString() + " from " + a.s().debugString());
                }
                if (!z.contains(x & 0xffff_ffffL)) {
                    fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": zext32 of " + x + " not in " + z.debugString() + " from "
                            + a.s().debugString());
                }
                if (sx != null) {
                    long sv = ScalarAlu.signExtend(x, size);
                    if (!sx.contains(sv)) {
                        fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": signExtend(" + size * 8 + ") of " + x + " = " + sv
                                + " not in " + sx.debugString() + " from " + a.s().debugString());
                    }
                }
            }
        }
    }

    @Test
    void branchPredictionAndRefinementAreSound() {
        long seed = 0x5eed00b4L;
        ScalarGen g = new ScalarGen(seed);
        JmpOp[] ops = JmpOp.values();
        int satisfied = 0;
        int predicted = 0;
        int narrowed = 0;
        for (int i = 0; i < CASES * 2; i++) {
            JmpOp op = ops[i % ops.length];
            boolean is32 = g.rnd.nextInt(3) == 0;
            Sample a = g.rnd.nextInt(4) == 0 ? g.any() : g.constrained(g.biased());
            long y0 = g.near(a.members()[g.rnd.nextInt(a.members().length)]);
            Sample b = switch (g.rnd.nextInt(4)) {
                case 0, 1 -> g.constant(y0);
                case 2 -> g.around(y0);
                default -> g.any();
            };
            requireMembers(a, "a", seed, i);
            requireMembers(b, "b", seed, i);
            BranchOutcome out = Scalar.isBranchTaken(a.s(), b.s(), op, is32);
            if (out != BranchOutcome.UNKNOWN) {
                predicted++;
            }
            BranchOutcome self = Scalar.isBranchTakenSameRegister(a.s(), op, is32);
            for (long x : a.members()) {
                boolean t = op.test(x, x, is32);
                if (self == BranchOutcome.TAKEN && !t || self == BranchOutcome.NOT_TAKEN && t) {
                    fail(branchCase(seed, i, op, is32, a, a, x, x, t) + "\n isBranchTakenSameRegister said " + self);
                }
            }
            Refined onTaken = Scalar.refine(a.s(), b.s(), op, is32, true);
            Refined onFall = Scalar.refine(a.s(), b.s(), op, is32, false);
            if (!onTaken.a().equals(a.s()) || !onFall.a().equals(a.s())) {
                narrowed++;
            }
            for (long x : a.members()) {
                for (long y : b.members()) {
                    boolean taken = op.test(x, y, is32);
                    if (out == BranchOutcome.TAKEN && !taken || out == BranchOutcome.NOT_TAKEN && taken) {
                        fail(branchCase(seed, i, op, is32, a, b, x, y, taken) + "\n isBranchTaken said " + out);
                    }
                    Refined ref = taken ? onTaken : onFall;
                    if (!ref.possible()) {
                        fail(branchCase(seed, i, op, is32, a, b, x, y, taken) + "\n refine called the branch impossible");
                    }
                    if (!ref.a().contains(x) || !ref.b().contains(y)) {
                        fail(branchCase(seed, i, op, is32, a, b, x, y, taken) + "\n refined a=" + ref.a().debugString()
                                + "\n refined b=" + ref.b().debugString());
                    }
                    if (taken) {
                        satisfied++;
                    }
                }
            }
        }
        assertTrue(satisfied > CASES / 4, "too few taken pairs: " + satisfied);
        assertTrue(predicted > CASES / 20, "too few predicted branches: " + predicted);
        assertTrue(narrowed > CASES / 4, "too few narrowed operands: " + narrowed);
    }

    private static String branchCase(long seed, int i, JmpOp op, boolean is32, Sample a, Sample b, long x, long y,
                                     boolean taken) {
        return "seed 0x" + Long.toHexString(seed) + " case " + i + ": " + op + (is32 ? " (jmp32)" : " (jmp64)") + "\n a="
                + a.s().debugString() + "\n b=" + b.s().debugString() + "\n x=" + x + " (0x" + Long.toHexString(x)
                + ") y=" + y + " (0x" + Long.toHexString(y) + ") taken=" + taken;
    }

    @Test
    void withinMeansEveryMemberIsCovered() {
        long seed = 0x5eed0099L;
        ScalarGen g = new ScalarGen(seed);
        int covered = 0;
        for (int i = 0; i < CASES; i++) {
            Sample old = g.any();
            Sample cur;
            switch (g.rnd.nextInt(3)) {
                case 0 -> {
                    // a narrowing of old: usually within it
                    Sample b = g.constant(g.near(old.members()[0]));
                    JmpOp op = JmpOp.values()[g.rnd.nextInt(JmpOp.values().length)];
                    Refined ref = Scalar.refine(old.s(), b.s(), op, g.rnd.nextBoolean(), g.rnd.nextBoolean());
                    cur = g.withMembers(ref.a(), old.members()[0]);
                    if (!ref.possible() || !ref.a().contains(old.members()[0])) {
                        cur = old;
                    }
                }
                case 1 -> cur = g.around(g.near(old.members()[0]));
                default -> cur = g.any();
            }
            assertTrue(old.s().within(old.s()), () -> "not within itself: " + old);
            if (cur.s().within(old.s())) {
                covered++;
                // sample many members of cur; each must be in old
                Sample more = g.withMembers(cur.s(), cur.members());
                for (long m : more.members()) {
                    if (!old.s().contains(m)) {
                        final Sample c = cur;
                        fail("seed 0x" + Long.toHexString(seed) + " case " + i + ": " + c.s().debugString() + " within "
                                + old.s().debugString() + " but " + m + " is not in it");
                    }
                }
                assertTrue(Scalar.rangeWithin(old.s(), cur.s()));
            }
        }
        assertTrue(covered > CASES / 10, "too few covered states: " + covered);
        assertEquals(true, Scalar.constant(3).within(Scalar.ofUnsignedRange(0, 10)));
    }
}
