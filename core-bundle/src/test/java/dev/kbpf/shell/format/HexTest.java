package dev.kbpf.shell.format;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import java.util.List;
import org.junit.jupiter.api.Test;

class HexTest {

    @Test
    void everySpellingOfTheSameBytesParsesAlike() {
        byte[] one = {1, 0, 0, 0};
        assertArrayEquals(one, Hex.parse("01", "00", "00", "00"));
        assertArrayEquals(one, Hex.parse("0x01", "0x00", "0x00", "0x00"));
        assertArrayEquals(one, Hex.parse("0x01000000"));
        assertArrayEquals(one, Hex.parse("01000000"));
        assertArrayEquals(one, Hex.parse("01 00 00 00"));
        assertArrayEquals(one, Hex.parse("1", "0", "0", "0"));
        assertArrayEquals(new byte[] {(byte) 0xab, (byte) 0xcd}, Hex.parse("0XAB_CD"));
        assertArrayEquals(new byte[0], Hex.parse(List.of()));
    }

    @Test
    void badTokensAreNamedWithEinval() {
        BpfException e = assertThrows(BpfException.class, () -> Hex.parse("01", "zz"));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.reason().contains("'zz' is not hex bytes"), e.reason());
        assertTrue(assertThrows(BpfException.class, () -> Hex.parse("0x")).reason().contains("'0x' is not hex bytes"));
        // what Gogo makes of 2d or 1e5 when it evaluates tokens: refused, not turned into other bytes
        assertTrue(assertThrows(BpfException.class, () -> Hex.parse("2.0")).reason().contains("0x2d"));
        assertTrue(assertThrows(BpfException.class, () -> Hex.parse("100000.0")).reason().contains("0x2d"));
    }

    @Test
    void formatsAsBpftoolDoes() {
        byte[] b = {0x2a, 0, (byte) 0xff};
        assertEquals("2a 00 ff", Hex.spaced(b));
        assertEquals("2a00ff", Hex.plain(b));
        assertEquals(List.of("0x2a", "0x00", "0xff"), Hex.jsonBytes(b));
    }
}
