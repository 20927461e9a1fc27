package dev.kbpf.verifier.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Hand-computed results of the kernel's scalar tracking for single operations, and the verifier
 * log text the kernel prints for them (strings as in the selftests' {@code __msg} expectations).
 */
class ScalarTest {
    private static final Scalar UNKNOWN = Scalar.unknown();

    private static Scalar k(long v) {
        return Scalar.constant(v);
    }

    /** {@code r &= 0xff} on an unknown register: the byte every parser starts with. */
    private static Scalar byteValue() {
        return UNKNOWN.alu64(AluOp.AND, k(0xff));
    }

    // --- log text ---------------------------------------------------------------------------------

    @Test
    void constantsPrintAsNumbers() {
        assertEquals("42", k(42).toString());
        assertEquals("0", k(0).toString());
        assertEquals("-1", k(-1).toString());
        assertEquals("32767", k(32767).toString());
        assertEquals("0x8000", k(32768).toString());
        assertEquals("-32768", k(-32768).toString());
        assertEquals("0xffffffffffff7fff", k(-32769).toString());
        assertEquals("0x10000", k(0x10000).toString());
    }

    @Test
    void unknownPrintsEmptyParentheses() {
        assertEquals("scalar()", UNKNOWN.toString());
        assertEquals("", UNKNOWN.rangesText());
        assertTrue(UNKNOWN.isUnknown());
    }

    @Test
    void equalBoundsAreMergedUnderAllTheirNames() {
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))", byteValue().toString());
        assertEquals(byteValue(), Scalar.unknownOfSize(1));
        assertEquals("scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))", Scalar.unknownOfSize(4).toString());
        assertEquals("scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))", UNKNOWN.zext32().toString());
        // 1 <= (x & 0x3f) <= 32, as in the kernel's iterator selftest log
        Scalar x = UNKNOWN.alu64(AluOp.AND, k(0x3f));
        x = Scalar.refine(x, k(1), JmpOp.JGE, false, true).a();
        x = Scalar.refine(x, k(32), JmpOp.JLE, false, true).a();
        assertEquals("scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=32,var_off=(0x0; 0x3f))", x.toString());
    }

    @Test
    void negativeAndNonNegativeBoundsAreNotMerged() {
        assertEquals("scalar(smin=smin32=-5,smax=smax32=5)", Scalar.ofSignedRange(-5, 5).toString());
        assertEquals("scalar(smin=smin32=-3,smax=smax32=-1,umin=0xfffffffffffffffd,umin32=0xfffffffd,"
                + "var_off=(0xfffffffffffffffc; 0x3))", Scalar.ofSignedRange(-3, -1).toString());
        assertEquals("scalar(smin=smin32=-128,smax=smax32=127)", Scalar.unknownSignExtended(1).toString());
    }

    @Test
    void signed32BoundsOutsideS16PrintAsTheirUnsignedBits() {
        // JSET 8 taken: bit 3 is known set, so the signed minimum of each width has it too
        Scalar s = Scalar.refine(UNKNOWN, k(8), JmpOp.JSET, false, true).a();
        assertEquals("scalar(smin=0x8000000000000008,umin=umin32=8,smin32=0x80000008,"
                + "var_off=(0x8; 0xfffffffffffffff7))", s.toString());
    }

    @Test
    void rangesTextServesOtherAttributes() {
        StringBuilder sb = new StringBuilder("scalar(id=3");
        assertTrue(byteValue().appendRanges(sb, true));
        sb.append(')');
        assertEquals("scalar(id=3,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))", sb.toString());
        assertFalse(UNKNOWN.appendRanges(new StringBuilder(), true));
    }

    // --- ALU --------------------------------------------------------------------------------------

    @Test
    void addTracksRangeAndCarries() {
        Scalar r = byteValue().alu64(AluOp.ADD, k(1));
        assertEquals("scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=256,var_off=(0x0; 0x1ff))", r.toString());
        assertEquals(k(7), k(3).alu64(AluOp.ADD, k(4)));
        // 64-bit wrap of every member keeps the range
        Scalar top = Scalar.ofUnsignedRange(-2L, -1L);
        Scalar wrapped = top.alu64(AluOp.ADD, k(2));
        assertEquals(0, wrapped.umin());
        assertEquals(1, wrapped.umax());
    }

    @Test
    void subOfRangesCanUnderflow() {
        Scalar r = byteValue().alu64(AluOp.SUB, k(1));
        // [-1, 254]: the unsigned view wraps for one member only, so it is lost
        assertEquals(-1, r.smin());
        assertEquals(254, r.smax());
        assertEquals(0, r.umin());
        assertEquals(-1L, r.umax());
        assertEquals(k(-1), k(3).alu64(AluOp.SUB, k(4)));
    }

    @Test
    void mulOfSmallRanges() {
        Scalar r = byteValue().alu64(AluOp.MUL, Scalar.ofUnsignedRange(0, 3));
        assertEquals(0, r.umin());
        assertEquals(765, r.umax());
        assertEquals(765, r.smax());
        Scalar neg = Scalar.ofSignedRange(-4, 2).alu64(AluOp.MUL, Scalar.ofSignedRange(-3, 5));
        assertEquals(-20, neg.smin());
        assertEquals(12, neg.smax());
    }

    @Test
    void bitwiseOperationsReadTheTnum() {
        Scalar or = byteValue().alu64(AluOp.OR, k(0x100));
        assertEquals(0x100, or.umin());
        assertEquals(0x1ff, or.umax());
        Scalar xor = byteValue().alu64(AluOp.XOR, k(0xf0));
        assertEquals(new Tnum(0, 0xff), xor.varOff());
        assertEquals(k(0x0f), k(0xff).alu64(AluOp.AND, k(0x0f)));
    }

    @Test
    void shiftsByConstants() {
        Scalar l = byteValue().alu64(AluOp.LSH, k(2));
        assertEquals(1020, l.umax());
        assertEquals(new Tnum(0, 0x3fc), l.varOff());
        Scalar r = Scalar.unknownOfSize(2).alu64(AluOp.RSH, k(8));
        assertEquals(255, r.umax());
        // the compiler's sign extension idiom: (x << 32) s>> 32
        Scalar sx = Scalar.unknownOfSize(1).alu64(AluOp.LSH, k(32)).alu64(AluOp.ARSH, k(32));
        assertEquals(0, sx.smin());
        assertEquals(255, sx.smax());
        Scalar ar = Scalar.ofSignedRange(-16, 15).alu64(AluOp.ARSH, k(2));
        assertEquals(-4, ar.smin());
        assertEquals(3, ar.smax());
    }

    @Test
    void shiftsTheKernelGivesUpOn() {
        // a variable shift amount, or a constant one at least the width: nothing is known
        assertEquals(UNKNOWN, byteValue().alu64(AluOp.LSH, Scalar.ofUnsignedRange(0, 3)));
        assertEquals(UNKNOWN, byteValue().alu64(AluOp.LSH, k(64)));
        assertEquals(UNKNOWN, byteValue().alu32(AluOp.RSH, k(32)));
    }

    @Test
    void divisionAndModuloByConstants() {
        Scalar d = byteValue().alu64(AluOp.DIV, k(16));
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=15,var_off=(0x0; 0xf))", d.toString());
        Scalar m = UNKNOWN.alu64(AluOp.MOD, k(10));
        assertEquals(0, m.umin());
        assertEquals(9, m.umax());
        // BPF: x / 0 = 0 and x % 0 = x
        assertEquals(k(0), byteValue().alu64(AluOp.DIV, k(0)));
        assertEquals(byteValue(), byteValue().alu64(AluOp.MOD, k(0)));
        Scalar sd = Scalar.ofSignedRange(-100, 50).alu64(AluOp.SDIV, k(-10));
        assertEquals(-5, sd.smin());
        assertEquals(10, sd.smax());
        Scalar sm = Scalar.ofSignedRange(-100, 50).alu64(AluOp.SMOD, k(7));
        assertEquals(-6, sm.smin());
        assertEquals(6, sm.smax());
        // a variable divisor: the kernel gives up
        assertEquals(UNKNOWN, byteValue().alu64(AluOp.DIV, Scalar.ofUnsignedRange(1, 2)));
    }

    @Test
    void thirtyTwoBitOperationsZeroExtend() {
        Scalar w = UNKNOWN.alu32(AluOp.ADD, k(1));
        assertEquals("scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))", w.toString());
        // w = -1 is 0xffffffff in the 64-bit register
        assertEquals(k(0xffff_ffffL), UNKNOWN.alu32(AluOp.MOV, k(-1)));
        assertEquals(k(0xffff_ffffL), k(0).alu32(AluOp.SUB, k(1)));
        assertEquals(k(0x8000_0000L), k(1).alu32(AluOp.LSH, k(31)));
        assertEquals(k(0xffff_ffffL), k(0x8000_0000L).alu32(AluOp.ARSH, k(31)));
        assertEquals(k(2), k(0x1_0000_0002L).alu32(AluOp.MOV, k(0x1_0000_0002L)));
    }

    @Test
    void movesAndSignExtension() {
        assertEquals(byteValue(), UNKNOWN.alu64(AluOp.MOV, byteValue()));
        assertEquals(k(-1), UNKNOWN.alu64(AluOp.MOVSX8, k(0xff)));
        assertEquals(k(0xffff_ffffL), UNKNOWN.alu32(AluOp.MOVSX16, k(0xffff)));
        assertEquals(k(-0x8000_0000L), UNKNOWN.alu64(AluOp.MOVSX32, k(0x8000_0000L)));
        Scalar small = Scalar.ofUnsignedRange(0, 100).alu64(AluOp.MOVSX8, Scalar.ofUnsignedRange(0, 100));
        assertEquals(0, small.smin());
        assertEquals(100, small.smax());
        Scalar crossing = UNKNOWN.alu64(AluOp.MOVSX8, Scalar.ofUnsignedRange(100, 200));
        assertEquals(-128, crossing.smin());
        assertEquals(127, crossing.smax());
        assertThrows(IllegalArgumentException.class, () -> UNKNOWN.alu32(AluOp.MOVSX32, UNKNOWN));
    }

    @Test
    void negation() {
        Scalar n = Scalar.ofSignedRange(1, 5).alu64(AluOp.NEG, null);
        assertEquals(-5, n.smin());
        assertEquals(-1, n.smax());
        assertEquals(k(-7), k(7).alu64(AluOp.NEG, null));
        assertEquals(k(0xffff_fff9L), k(7).alu32(AluOp.NEG, null));
    }

    @Test
    void byteOrder() {
        assertEquals(k(0x3412), k(0xabcd_1234).alu32(AluOp.TO_BE16, null));
        assertEquals(k(0x1234), k(0xabcd_1234).alu32(AluOp.TO_LE16, null));
        assertEquals(k(0x7856_3412L), k(0x1234_5678).alu64(AluOp.BSWAP32, null));
        assertEquals(k(0x0807_0605_0403_0201L), k(0x0102_0304_0506_0708L).alu64(AluOp.BSWAP64, null));
        Scalar be = byteValue().alu32(AluOp.TO_BE16, null);
        assertEquals(new Tnum(0, 0xff00), be.varOff());
        assertEquals(0xff00, be.umax());
    }

    @Test
    void widthChanges() {
        assertEquals(k(0x34), k(0x1234).truncate(1));
        assertEquals(byteValue(), UNKNOWN.truncate(1));
        assertEquals(k(-1), k(0xffff).signExtend(16));
        Scalar t = Scalar.ofUnsignedRange(0x1_0000_0010L, 0x1_0000_0020L).truncate(4);
        assertEquals(0x10, t.umin());
        assertEquals(0x20, t.umax());
        assertThrows(IllegalArgumentException.class, () -> UNKNOWN.truncate(3));
        assertThrows(IllegalArgumentException.class, () -> UNKNOWN.signExtend(64));
    }

    @Test
    void syncDeducesEachViewFromTheOthers() {
        // unsigned [0, 100] is signed [0, 100], and its low half too
        Scalar s = Scalar.ofUnsignedRange(0, 100);
        assertEquals(0, s.smin());
        assertEquals(100, s.smax());
        assertEquals(100, s.s32max());
        assertEquals(100, s.u32max());
        assertEquals(new Tnum(0, 0x7f), s.varOff());
        // a tnum alone gives every range
        Scalar t = Scalar.ofTnum(new Tnum(0x10, 0x0f));
        assertEquals(0x10, t.umin());
        assertEquals(0x1f, t.umax());
        assertEquals(0x1f, t.s32max());
    }

    @Test
    void constantQueries() {
        assertTrue(k(5).isConst());
        assertEquals(5, k(5).constValue());
        assertFalse(byteValue().isConst());
        assertThrows(IllegalStateException.class, () -> byteValue().constValue());
        Scalar low5 = UNKNOWN.alu64(AluOp.AND, k(0xffff_ffff_0000_0000L)).alu64(AluOp.OR, k(5));
        assertTrue(low5.isSubregConst());
        assertFalse(low5.isConst());
        assertEquals(5, low5.u32min());
        assertEquals(5, low5.s32max());
        assertTrue(byteValue().contains(200));
        assertFalse(byteValue().contains(256));
        assertFalse(byteValue().isEmpty());
    }

    @Test
    void invalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> UNKNOWN.alu64(AluOp.ADD, null));
        assertThrows(IllegalArgumentException.class, () -> UNKNOWN.alu64(null, UNKNOWN));
        assertThrows(IllegalArgumentException.class, () -> new Scalar(null, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void opcodeDecoding() {
        assertEquals(AluOp.ADD, AluOp.of(0x07, 0, 0));   // BPF_ALU64 | BPF_ADD | BPF_K
        assertEquals(AluOp.SDIV, AluOp.of(0x3f, 1, 0));  // BPF_ALU64 | BPF_DIV | BPF_X, off 1
        assertEquals(AluOp.SMOD, AluOp.of(0x94, 1, 3));
        assertEquals(AluOp.MOVSX16, AluOp.of(0xbf, 16, 0));
        assertNull(AluOp.of(0xbc, 32, 0));               // 32-bit MOVSX from 32 bits does not exist
        assertEquals(AluOp.TO_BE32, AluOp.of(0xdc, 0, 32));
        assertEquals(AluOp.TO_LE64, AluOp.of(0xd4, 0, 64));
        assertEquals(AluOp.BSWAP16, AluOp.of(0xd7, 0, 16));
        assertNull(AluOp.of(0xd7, 0, 8));
        assertNull(AluOp.of(0x05, 0, 0));                // a jump, not an ALU instruction
        assertNull(AluOp.of(0x07, 1, 0));
        assertEquals(JmpOp.JSLE, JmpOp.of(0xdd));
        assertEquals(JmpOp.JSET, JmpOp.of(0x45));
        assertNull(JmpOp.of(0x85));                      // call
        assertNotNull(JmpOp.of(0x1e));
    }

    @Test
    void pointerOffsets() {
        // fp-16 plus a byte index: a variable offset in [0, 255] on top of the fixed one
        Scalar v = k(0).pointerOffset(byteValue(), false);
        assertEquals(0, v.smin());
        assertEquals(255, v.smax());
        assertEquals(new Tnum(0, 0xff), v.varOff());
        Scalar back = v.pointerOffset(Scalar.ofUnsignedRange(0, 16), true);
        assertEquals(-16, back.smin());
        assertEquals(255, back.smax());
        // unsigned underflow possible: unbounded unsigned view
        assertEquals(0, back.umin());
        assertEquals(-1L, back.umax());
    }

    // --- branches ---------------------------------------------------------------------------------

    @Test
    void branchPrediction() {
        assertEquals(BranchOutcome.NOT_TAKEN, Scalar.isBranchTaken(Scalar.ofUnsignedRange(0, 10), k(10), JmpOp.JGT, false));
        assertEquals(BranchOutcome.TAKEN, Scalar.isBranchTaken(Scalar.ofUnsignedRange(11, 20), k(10), JmpOp.JGT, false));
        assertEquals(BranchOutcome.UNKNOWN, Scalar.isBranchTaken(Scalar.ofUnsignedRange(5, 20), k(10), JmpOp.JGT, false));
        assertEquals(BranchOutcome.TAKEN, Scalar.isBranchTaken(k(5), k(5), JmpOp.JEQ, false));
        assertEquals(BranchOutcome.TAKEN, Scalar.isBranchTaken(k(5), k(6), JmpOp.JNE, false));
        // an even number is never 3: the tnums disagree on bit 0
        Scalar even = byteValue().alu64(AluOp.AND, k(0xfe));
        assertEquals(BranchOutcome.NOT_TAKEN, Scalar.isBranchTaken(even, k(3), JmpOp.JEQ, false));
        assertEquals(BranchOutcome.TAKEN, Scalar.isBranchTaken(even.alu64(AluOp.OR, k(1)), k(1), JmpOp.JSET, false));
        assertEquals(BranchOutcome.NOT_TAKEN, Scalar.isBranchTaken(even, k(1), JmpOp.JSET, false));
        assertEquals(BranchOutcome.TAKEN, Scalar.isBranchTaken(Scalar.ofSignedRange(-10, -1), k(0), JmpOp.JSLT, false));
        // 32-bit comparison sees only the low half: 0x1_0000_0005 is 5 in w registers
        assertEquals(BranchOutcome.TAKEN, Scalar.isBranchTaken(k(0x1_0000_0005L), k(5), JmpOp.JEQ, true));
        assertEquals(BranchOutcome.NOT_TAKEN, Scalar.isBranchTaken(k(0x1_0000_0005L), k(5), JmpOp.JEQ, false));
        // 64-bit JEQ ruled out by disjoint subregister ranges
        Scalar hi = Scalar.ofUnsignedRange(0x1_0000_0000L, 0x2_0000_0000L).alu64(AluOp.OR, k(0x10));
        assertEquals(BranchOutcome.NOT_TAKEN, Scalar.isBranchTaken(hi, Scalar.ofUnsignedRange(0, 0xf), JmpOp.JEQ, false));
    }

    @Test
    void refineRegisterAgainstImmediate() {
        Refined gt = Scalar.refine(UNKNOWN, k(10), JmpOp.JGT, false, true);
        assertTrue(gt.possible());
        assertEquals(11, gt.a().umin());
        Refined le = Scalar.refine(UNKNOWN, k(10), JmpOp.JGT, false, false);
        assertEquals(10, le.a().umax());
        assertEquals(0, le.a().smin());
        assertEquals(new Tnum(0, 0xf), le.a().varOff());
        Refined slt = Scalar.refine(UNKNOWN, k(0), JmpOp.JSLT, false, false);
        assertEquals(0, slt.a().smin());
        assertEquals(Long.MAX_VALUE, slt.a().umax());
        Refined ne = Scalar.refine(Scalar.ofUnsignedRange(0, 10), k(0), JmpOp.JNE, false, true);
        assertEquals(1, ne.a().umin());
        Refined eq = Scalar.refine(UNKNOWN, k(42), JmpOp.JEQ, false, true);
        assertEquals(k(42), eq.a());
        Refined jsetFalse = Scalar.refine(byteValue(), k(0x81), JmpOp.JSET, false, false);
        assertEquals(new Tnum(0, 0x7e), jsetFalse.a().varOff());
    }

    @Test
    void refineRegisterAgainstRegister() {
        Refined eq = Scalar.refine(Scalar.ofUnsignedRange(0, 100), Scalar.ofUnsignedRange(50, 200), JmpOp.JEQ, false, true);
        assertEquals(50, eq.a().umin());
        assertEquals(100, eq.a().umax());
        assertEquals(eq.a(), eq.b());
        Refined lt = Scalar.refine(Scalar.ofUnsignedRange(0, 100), Scalar.ofUnsignedRange(10, 20), JmpOp.JLT, false, true);
        assertEquals(19, lt.a().umax());
        assertEquals(10, lt.b().umin());
        Refined ge = Scalar.refine(Scalar.ofUnsignedRange(0, 100), Scalar.ofUnsignedRange(10, 20), JmpOp.JGE, false, true);
        assertEquals(10, ge.a().umin());
        assertEquals(20, ge.b().umax());
    }

    @Test
    void refineThirtyTwoBit() {
        Refined lt = Scalar.refine(UNKNOWN, k(10), JmpOp.JLT, true, true);
        assertEquals(0, lt.a().u32min());
        assertEquals(9, lt.a().u32max());
        assertEquals(9, lt.a().s32max());
        assertEquals(0, lt.a().s32min());
        // the upper half is untouched: only the low 4 bits of the low half are unknown
        assertEquals(0xffff_ffff_0000_000fL, lt.a().varOff().mask());
        // after a zero extension the 64-bit view follows the 32-bit one
        Refined z = Scalar.refine(UNKNOWN.zext32(), k(10), JmpOp.JLT, true, true);
        assertEquals(9, z.a().umax());
    }

    @Test
    void refineOfADecidedBranch() {
        Refined dead = Scalar.refine(Scalar.ofUnsignedRange(0, 10), k(20), JmpOp.JGT, false, true);
        assertFalse(dead.possible());
        Refined only = Scalar.refine(Scalar.ofUnsignedRange(0, 10), k(20), JmpOp.JGT, false, false);
        assertTrue(only.possible());
        assertEquals(Scalar.ofUnsignedRange(0, 10), only.a());
    }

    // --- pruning ----------------------------------------------------------------------------------

    @Test
    void withinComparesRangesAndTnums() {
        assertTrue(Scalar.ofUnsignedRange(0, 10).within(Scalar.ofUnsignedRange(0, 20)));
        assertFalse(Scalar.ofUnsignedRange(0, 30).within(Scalar.ofUnsignedRange(0, 20)));
        assertTrue(k(4).within(byteValue()));
        assertTrue(byteValue().within(UNKNOWN));
        assertFalse(UNKNOWN.within(byteValue()));
        Scalar even = byteValue().alu64(AluOp.AND, k(0xfe));
        assertFalse(k(3).within(even));
        assertTrue(k(4).within(even));
        assertTrue(Scalar.rangeWithin(byteValue(), k(3)));
    }
}
