package dev.kbpf.verifier.scalar;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exhaustive soundness on small abstract values: every tnum with 3 unknown-or-known bits in a
 * window placed where bounds logic breaks (bit 0, across the 32-bit sign bit, across the 64-bit
 * sign bit), and every short interval around 0 and the sign boundaries. Each value's members are
 * all enumerated, so every concrete pair of every operand pair is checked, not a sample.
 */
class ScalarExhaustiveTest {
    /** An abstract value with all its members. */
    private record Small(Scalar s, long[] members) {}

    private static List<Small> smallValues() {
        List<Small> out = new ArrayList<>();
        int bits = 3;
        // tnums: each of the window's bits is 0, 1 or unknown; the rest is fixed to a base
        long[][] windows = {{0, 0}, {30, 0}, {30, 0xffff_ffff_0000_0000L}, {61, 0}, {62, 0x1234}};
        for (long[] w : windows) {
            int pos = (int) w[0];
            long base = w[1] & ~(7L << pos);
            int combos = 27;
            for (int c = 0; c < combos; c++) {
                long value = base;
                long mask = 0;
                int x = c;
                for (int b = 0; b < bits; b++) {
                    int d = x % 3;
                    x /= 3;
                    if (d == 1) {
                        value |= 1L << (pos + b);
                    } else if (d == 2) {
                        mask |= 1L << (pos + b);
                    }
                }
                Tnum t = new Tnum(value, mask);
                long[] members = new long[1 << Long.bitCount(mask)];
                int n = 0;
                for (long sub = mask; ; sub = (sub - 1) & mask) {
                    members[n++] = value | sub;
                    if (sub == 0) {
                        break;
                    }
                }
                out.add(new Small(Scalar.ofTnum(t), members));
            }
        }
        // intervals of up to 5 values around the edges, signed and unsigned
        long[] centers = {0, 0x7fff_ffffL, 0xffff_ffffL, Long.MAX_VALUE, 0x1_0000_0000L, 0xffL};
        for (long c : centers) {
            for (int d = -2; d <= 1; d++) {
                for (int len = 0; len <= 4; len++) {
                    long lo = c + d;
                    long hi = lo + len;
                    long[] m = new long[len + 1];
                    for (int i = 0; i <= len; i++) {
                        m[i] = lo + i;
                    }
                    // the same wrapping run of numbers is a range in one or both views
                    if (lo <= hi) {
                        out.add(new Small(Scalar.ofSignedRange(lo, hi), m));
                    }
                    if (Long.compareUnsigned(lo, hi) <= 0) {
                        out.add(new Small(Scalar.ofUnsignedRange(lo, hi), m));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyAluOperationOnEverySmallPair() {
        List<Small> vals = smallValues();
        long checked = 0;
        for (AluOp op : AluOp.values()) {
            for (boolean is64 : new boolean[] {true, false}) {
                if (!is64 && op == AluOp.MOVSX32) {
                    continue;
                }
                for (Small a : vals) {
                    for (Small b : srcValues(op, vals)) {
                        Scalar r = a.s().alu(op, b.s(), is64);
                        for (long x : a.members()) {
                            for (long y : b.members()) {
                                long v = op.isEndian() ? Concrete.endian(op, x) : Concrete.alu(op, x, y, is64);
                                checked++;
                                if (!r.contains(v)) {
                                    fail((is64 ? "alu64 " : "alu32 ") + op + " unsound\n dst=" + a.s().debugString()
                                            + "\n src=" + b.s().debugString() + "\n x=0x" + Long.toHexString(x) + " y=0x"
                                            + Long.toHexString(y) + " -> 0x" + Long.toHexString(v) + "\n result="
                                            + r.debugString());
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 1_000_000, "checked " + checked);
    }

    /** Shifts and divisions get constant amounts too, since that is where the kernel tracks them. */
    private static List<Small> srcValues(AluOp op, List<Small> vals) {
        if (op.isUnary()) {
            return List.of(new Small(Scalar.constant(0), new long[] {0}));
        }
        List<Small> out = new ArrayList<>(vals);
        switch (op) {
            case LSH, RSH, ARSH -> {
                for (long s : new long[] {0, 1, 7, 31, 32, 33, 63}) {
                    out.add(new Small(Scalar.constant(s), new long[] {s}));
                }
            }
            case DIV, SDIV, MOD, SMOD -> {
                for (long s : new long[] {0, 1, 2, 3, -1, -2, 10, 0x8000_0000L, Long.MIN_VALUE, 0xffff_ffffL}) {
                    out.add(new Small(Scalar.constant(s), new long[] {s}));
                }
            }
            default -> { }
        }
        return out;
    }

    @Test
    void everyComparisonOnEverySmallPair() {
        List<Small> vals = smallValues();
        long checked = 0;
        for (JmpOp op : JmpOp.values()) {
            for (boolean is32 : new boolean[] {false, true}) {
                for (Small a : vals) {
                    for (Small b : vals) {
                        BranchOutcome out = Scalar.isBranchTaken(a.s(), b.s(), op, is32);
                        Refined onTaken = Scalar.refine(a.s(), b.s(), op, is32, true);
                        Refined onFall = Scalar.refine(a.s(), b.s(), op, is32, false);
                        for (long x : a.members()) {
                            for (long y : b.members()) {
                                boolean taken = op.test(x, y, is32);
                                checked++;
                                Refined ref = taken ? onTaken : onFall;
                                boolean predictionWrong = out == BranchOutcome.TAKEN && !taken
                                        || out == BranchOutcome.NOT_TAKEN && taken;
                                if (predictionWrong || !ref.possible() || !ref.a().contains(x) || !ref.b().contains(y)) {
                                    fail(op + (is32 ? " (jmp32)" : " (jmp64)") + " unsound, predicted " + out
                                            + "\n a=" + a.s().debugString() + "\n b=" + b.s().debugString() + "\n x=0x"
                                            + Long.toHexString(x) + " y=0x" + Long.toHexString(y) + " taken=" + taken
                                            + "\n refined possible=" + ref.possible() + " a=" + ref.a().debugString()
                                            + " b=" + ref.b().debugString());
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 1_000_000, "checked " + checked);
    }
}
