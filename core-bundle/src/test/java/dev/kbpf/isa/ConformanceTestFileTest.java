package dev.kbpf.isa;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConformanceTestFileTest {

    @Test
    void parsesAsmMemAndResult() {
        ConformanceTestFile t = ConformanceTestFile.parse("""
                # Copyright line
                -- asm
                ldxb %r0, [%r1+0x2]   # inline comment
                exit
                -- mem
                aa bb 11
                cc dd
                -- result
                0x10
                0x11
                """);
        assertFalse(t.skipped());
        assertArrayEquals(new byte[] {(byte) 0xaa, (byte) 0xbb, 0x11, (byte) 0xcc, (byte) 0xdd}, t.memory());
        assertEquals(0x11, t.expectedResult(), "the last result line wins");
        assertTrue(t.raw().isEmpty());
        assertEquals(List.of(new Insn(0x71, 0, 1, 2, 0), new Insn(0x95, 0, 0, 0, 0)), t.program());
        assertTrue(t.error().isEmpty());
    }

    @Test
    void asmLinesKeepTheirFileLineNumbers() {
        ConformanceTestFile t = ConformanceTestFile.parse("# header\n-- asm\nmov %r0, 1\n\nbad %r0\n-- result\n1\n");
        AsmException e = assertThrows(AsmException.class, t::program);
        assertEquals(5, e.line());
    }

    @Test
    void rawReplacesAsmAndIsLittleEndianWords() {
        ConformanceTestFile t = ConformanceTestFile.parse("""
                -- asm
                lddw %r0, 0x1122334455667788
                exit
                -- raw
                0x5566778800000018 0x1122334400000000
                149
                -- result
                0x1122334455667788
                """);
        assertEquals(List.of(0x5566778800000018L, 0x1122334400000000L, 149L), t.raw());
        assertEquals(Assembler.assemble(t.asm()), t.program());
        assertEquals(0x1122334455667788L, t.expectedResult());
    }

    @Test
    void rawWordsSplitIntoFields() {
        ConformanceTestFile t = ConformanceTestFile.parse("-- raw\n0xfffffffe80017a6b\n-- result\n0\n");
        assertEquals(List.of(new Insn(0x6b, 0xa, 0x7, (short) 0x8001, -2)), t.program());
    }

    @Test
    void resultFormsAsUpstreamParsesThem() {
        assertEquals(0xffffffffffffffffL, ConformanceTestFile.parse("-- asm\nexit\n-- result\n0xffffffffffffffff\n").expectedResult());
        assertEquals(42, ConformanceTestFile.parse("-- asm\nexit\n-- result\n42\n").expectedResult());
        assertEquals(-1, ConformanceTestFile.parse("-- asm\nexit\n-- result\n-1\n").expectedResult());
        AsmException e = assertThrows(AsmException.class, () -> ConformanceTestFile.parse("-- asm\nexit\n-- result\nforty\n"));
        assertEquals(4, e.line());
    }

    @Test
    void errorSectionAndItsDefaultResult() {
        ConformanceTestFile t = ConformanceTestFile.parse("-- asm\nmov %r0, 1\nexit\n-- error\nFailed to load code: bad  \n");
        assertEquals("Failed to load code: bad", t.error().orElseThrow());
        assertFalse(t.skipped());
        assertTrue(t.result().isEmpty());
        assertEquals(0, t.expectedResult());
    }

    @Test
    void skipsAsUpstreamDoes() {
        assertTrue(ConformanceTestFile.parse("-- asm\nexit\n-- bogus\n-- result\n1\n").skipReason().orElseThrow()
                .startsWith("Unknown directive -- bogus"));
        assertEquals("No result or error in test file",
                ConformanceTestFile.parse("-- asm\nexit\n-- error\n").skipReason().orElseThrow());
    }

    @Test
    void ignoredSectionsAreIgnored() {
        ConformanceTestFile t = ConformanceTestFile.parse("""
                -- asm
                mov %r0, 1
                exit
                -- c
                int main() { return 1; }
                -- no register offset
                call instruction
                -- result
                1
                """);
        assertEquals(2, t.program().size());
    }

    @Test
    void badMemoryAndRawTokensNameTheLine() {
        AsmException e = assertThrows(AsmException.class, () -> ConformanceTestFile.parse("-- mem\naa\nzz\n-- result\n1\n"));
        assertEquals(3, e.line());
        assertEquals("Invalid memory byte: zz", e.reason());
        e = assertThrows(AsmException.class, () -> ConformanceTestFile.parse("-- raw\n0xg\n-- result\n1\n"));
        assertEquals("Invalid raw instruction: 0xg", e.reason());
    }

    @Test
    void valueSemantics() {
        String text = "-- asm\nexit\n-- mem\n01 02\n-- result\n1\n";
        assertEquals(ConformanceTestFile.parse(text), ConformanceTestFile.parse(text));
        assertEquals(ConformanceTestFile.parse(text).hashCode(), ConformanceTestFile.parse(text).hashCode());
        assertNotEquals(ConformanceTestFile.parse(text), ConformanceTestFile.parse(text.replace("02", "03")));
    }
}
