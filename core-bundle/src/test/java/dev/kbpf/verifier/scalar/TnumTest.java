package dev.kbpf.verifier.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hand-computed results of the kernel's tnum operations (kernel/bpf/tnum.c). */
class TnumTest {
    private static Tnum t(long value, long mask) {
        return new Tnum(value, mask);
    }

    @Test
    void rangeKeepsTheCommonHighBits() {
        assertEquals(t(0, 0xff), Tnum.range(0, 255));
        assertEquals(t(0, 0x3f), Tnum.range(1, 32));
        assertEquals(Tnum.constant(7), Tnum.range(7, 7));
        assertEquals(t(0x100, 0xff), Tnum.range(0x100, 0x1ff));
        assertEquals(Tnum.unknown(), Tnum.range(0, -1L));
        assertEquals(Tnum.unknown(), Tnum.range(1, 0x8000_0000_0000_0000L));
        assertEquals(t(0xffff_ffff_ffff_fffcL, 3), Tnum.range(-3, -1));
    }

    @Test
    void arithmeticPropagatesUnknownCarries() {
        assertEquals(t(0, 0x1ff), t(0, 0xff).add(Tnum.constant(1)));
        assertEquals(Tnum.constant(10), Tnum.constant(3).add(Tnum.constant(7)));
        assertEquals(t(0, 0x1ff).value(), t(0, 0xff).add(t(0, 0xff)).value());
        assertEquals(0x1ff, t(0, 0xff).add(t(0, 0xff)).mask());
        assertEquals(Tnum.constant(-4), Tnum.constant(3).sub(Tnum.constant(7)));
        assertEquals(Tnum.constant(-5), Tnum.constant(5).neg());
        // x - x is not known to be 0 for an unknown x: the domain is not relational
        assertTrue(t(0, 1).sub(t(0, 1)).mask() != 0);
        assertEquals(Tnum.constant(42), Tnum.constant(6).mul(Tnum.constant(7)));
        // (0..3) * 4 = multiples of 4 below 16
        assertEquals(t(0, 0xc), t(0, 3).mul(Tnum.constant(4)));
    }

    @Test
    void bitwiseOperations() {
        assertEquals(t(0, 0xff), Tnum.unknown().and(Tnum.constant(0xff)));
        assertEquals(t(0xf0, 0xffff_ffff_ffff_ff0fL), Tnum.unknown().or(Tnum.constant(0xf0)));
        assertEquals(t(1, 0xf0), t(1, 0xf0).xor(Tnum.constant(0)));
        assertEquals(t(0xfe, 0xf0 & ~0xfe), t(0x0e, 0xf0).or(Tnum.constant(0xf0)));
    }

    @Test
    void shifts() {
        assertEquals(t(0, 0x3fc), t(0, 0xff).lshift(2));
        assertEquals(t(0, 0xff), t(0, 0xffff).rshift(8));
        assertEquals(t(0xffff_ffff_ffff_fff0L, 0xf), t(0x8000_0000_0000_0000L, 0x7800_0000_0000_0000L).arshift(59, 64));
        // 32-bit arithmetic shift works on the low half and zero-extends
        assertEquals(t(0xffff_ffffL, 0), Tnum.constant(0x8000_0000L).arshift(31, 32));
    }

    @Test
    void subregisterHelpers() {
        Tnum a = t(0x1234_5678_0000_0000L, 0xffff_ffffL);
        assertEquals(t(0, 0xffff_ffffL), a.subreg());
        assertEquals(Tnum.constant(0x1234_5678_0000_0000L), a.clearSubreg());
        assertEquals(Tnum.constant(0x1234_5678_0000_0007L), a.withSubreg(Tnum.constant(7)));
        assertEquals(Tnum.constant(0x1234_5678_ffff_ffffL), a.withConstSubreg(-1));
        assertEquals(t(0, 0xff), Tnum.unknown().cast(1));
        assertEquals(Tnum.unknown(), Tnum.unknown().cast(8));
        assertTrue(a.clearSubreg().isSubregConst());
    }

    @Test
    void containmentAsThePruningUsesIt() {
        Tnum any8 = t(0, 0xff);
        assertTrue(any8.in(Tnum.constant(5)));
        assertTrue(any8.in(t(0, 0xf)));
        assertFalse(t(0, 0xf).in(any8));
        assertFalse(any8.in(Tnum.constant(0x100)));
        assertTrue(Tnum.unknown().in(any8));
        assertTrue(any8.contains(0x80));
        assertFalse(any8.contains(0x100));
    }

    @Test
    void alignmentAndOverlap() {
        assertTrue(t(0, 0xf8).isAligned(8));
        assertFalse(t(0, 0xfc).isAligned(8));
        assertTrue(Tnum.constant(3).isAligned(0));
        assertFalse(t(0, 0xfe).overlaps(Tnum.constant(3)));
        assertTrue(t(0, 0xfe).overlaps(Tnum.constant(2)));
    }

    @Test
    void intersectAndUnion() {
        assertEquals(t(0x10, 0x0f), t(0x10, 0xff & ~0x10).intersect(t(0, 0x1f)));
        assertEquals(t(0, 3), Tnum.constant(1).union(Tnum.constant(2)));
        assertEquals(t(4, 3), Tnum.constant(5).union(Tnum.constant(6)));
    }

    @Test
    void byteSwapsPermuteKnownBits() {
        assertEquals(t(0xff00, 0), Tnum.constant(0xff).bswap16());
        assertEquals(t(0, 0xff00_0000L), t(0, 0xff).bswap32());
        assertEquals(t(0, 0xff00_0000_0000_0000L), t(0, 0xff).bswap64());
    }

    @Test
    void printsLikeTheKernel() {
        assertEquals("(0x0; 0xff)", t(0, 0xff).toString());
        assertEquals("(0x8; 0xfffffffffffffff7)", t(8, ~8L).toString());
        assertEquals("42", Tnum.constant(42).toString());
        assertEquals("0x10000", Tnum.constant(0x10000).toString());
        assertEquals("65535", Tnum.constant(65535).toString());
    }
}
