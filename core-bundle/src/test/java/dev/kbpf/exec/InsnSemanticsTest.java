package dev.kbpf.exec;

import static dev.kbpf.exec.InsnSemantics.*;
import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InsnSemanticsTest {

    @Test
    void divisionAndModuloByZero() {
        assertEquals(0, div64(5, 0));
        assertEquals(0, sdiv64(-5, 0));
        assertEquals(5, mod64(5, 0));
        assertEquals(-5, smod64(-5, 0));
        assertEquals(0, div32(5, 0));
        assertEquals(0, sdiv32(-5, 0));
        assertEquals(0xfffffffbL, mod32(-5, 0));
        assertEquals(0xfffffffbL, smod32(-5, 0));
        // a 32-bit divisor is zero when its low half is
        assertEquals(0, div32(5, 1L << 32));
        assertEquals(5, mod32(5, 1L << 32));
    }

    @Test
    void signedOverflow() {
        assertEquals(Long.MIN_VALUE, sdiv64(Long.MIN_VALUE, -1));
        assertEquals(0, smod64(Long.MIN_VALUE, -1));
        assertEquals(0x80000000L, sdiv32(Integer.MIN_VALUE, -1));
        assertEquals(0, smod32(Integer.MIN_VALUE, -1));
        assertEquals(Long.MIN_VALUE, neg64(Long.MIN_VALUE));
        assertEquals(0x80000000L, neg32(Integer.MIN_VALUE));
        assertEquals(0x80000000L, mul32(Integer.MIN_VALUE, -1));
    }

    @Test
    void shiftsMaskTheirCount() {
        assertEquals(1L << 1, lsh64(1, 65));
        assertEquals(1L << 63, lsh64(1, -1));
        assertEquals(2, lsh32(1, 33));
        assertEquals(0x80000000L, lsh32(1, -1));
        assertEquals(0x7fffffffL, rsh32(-1, 33));
        assertEquals(0xffffffffL, arsh32(0x80000000L, 31));
        assertEquals(-1, arsh64(Long.MIN_VALUE, 127));
    }

    @Test
    void signExtension() {
        assertEquals(-1, movsx64(0xff, 8));
        assertEquals(0x7f, movsx64(0x17f, 8));
        assertEquals(-1, movsx64(0xffff, 16));
        assertEquals(-1, movsx64(0xffffffffL, 32));
        assertEquals(0xffffffffL, movsx32(0xff, 8));
        assertEquals(0xffff8000L, movsx32(0x8000, 16));
        assertEquals(-128, sext8(0x80));
        assertEquals(-32768, sext16(0x8000));
        assertEquals(Integer.MIN_VALUE, sext32(0x80000000L));
        assertThrows(IllegalArgumentException.class, () -> movsx32(1, 32));
    }

    @Test
    void byteOrder() {
        assertEquals(0x3412L, bswap16(0xffff_1234L));
        assertEquals(0x78563412L, bswap32(0xffff_ffff_1234_5678L));
        assertEquals(0x0807060504030201L, bswap64(0x0102030405060708L));
        assertEquals(0x1234L, le16(0xffff_1234L));
        assertEquals(0x12345678L, le32(0xffff_ffff_1234_5678L));
        assertEquals(-2L, le64(-2L));
    }

    @Test
    void jumpsCompareUnsignedSignedAndLowHalves() {
        assertTrue(jgt64(-1, 1));
        assertFalse(jsgt64(-1, 1));
        assertTrue(jlt32(1L << 32, 1));            // low halves 0 < 1
        assertTrue(jeq32(0x1_0000_0005L, 5));
        assertFalse(jeq64(0x1_0000_0005L, 5));
        assertTrue(jslt32(0xffffffffL, 0));         // -1 < 0 as s32
        assertFalse(jslt64(0xffffffffL, 0));
        assertTrue(jset32(0x1_0000_0001L, 1));
        assertFalse(jset32(0x1_0000_0000L, 0x1_0000_0000L));
        assertTrue(jset64(0x1_0000_0000L, 0x1_0000_0000L));
        assertTrue(jge64(5, 5) && jle64(5, 5) && jsge32(-5, -5) && jsle32(-5, -5) && jne64(1, 2) && jne32(1, 2));
        assertTrue(jle32(0xffffffffL, -1) && jge32(0, 0x1_0000_0000L) && jgt32(0xffffffffL, 0) && jsgt32(0, 0xffffffffL));
    }

    @Test
    void arithmeticAgreesWithBigIntegerOnRandomValues() {
        long seed = 20261125L;
        Random rnd = new Random(seed);
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        for (int i = 0; i < 100_000; i++) {
            long a = rnd.nextLong(), b = rnd.nextInt(8) == 0 ? rnd.nextInt(5) - 2 : rnd.nextLong();
            BigInteger ua = new BigInteger(Long.toUnsignedString(a)), ub = new BigInteger(Long.toUnsignedString(b));
            String where = "seed " + seed + ", a=" + a + ", b=" + b;
            if (b != 0) {
                assertEquals(ua.divide(ub).longValue(), div64(a, b), where);
                assertEquals(ua.mod(ub).longValue(), mod64(a, b), where);
            }
            assertEquals(ua.add(ub).mod(two64).longValue(), add64(a, b), where);
            long ua32 = a & 0xffffffffL, ub32 = b & 0xffffffffL;
            if (ub32 != 0) {
                assertEquals(ua32 / ub32, div32(a, b), where);
                assertEquals(ua32 % ub32, mod32(a, b), where);
            }
            assertEquals((ua32 + ub32) & 0xffffffffL, add32(a, b), where);
            assertEquals((ua32 * ub32) & 0xffffffffL, mul32(a, b), where);
        }
    }
}
