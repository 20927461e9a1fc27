package dev.kbpf.isa;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AssemblerTest {

    private static String hex(String source) { return Hex.of(Assembler.assembleToBytes(source)); }

    /** Every form of FORMAT.md section 2 against its encoding (checked by hand against RFC 9669). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            mov %r0, 1                        | b7 00 00 00 01 00 00 00
            mov32 %r0, 0                      | b4 00 00 00 00 00 00 00
            mov32 %r1, %r2                    | bc 21 00 00 00 00 00 00
            add %r0, %r1                      | 0f 10 00 00 00 00 00 00
            sub32 %r3, -1                     | 14 03 00 00 ff ff ff ff
            mul %r2, 0xffffff80               | 27 02 00 00 80 ff ff ff
            div32 %r0, %r1                    | 3c 10 00 00 00 00 00 00
            or %r9, 2147483647                | 47 09 00 00 ff ff ff 7f
            and32 %r0, -2147483648            | 54 00 00 00 00 00 00 80
            lsh %r0, 63                       | 67 00 00 00 3f 00 00 00
            rsh32 %r0, %r10                   | 7c a0 00 00 00 00 00 00
            mod %r4, 7                        | 97 04 00 00 07 00 00 00
            xor32 %r4, %r5                    | ac 54 00 00 00 00 00 00
            arsh %r1, 3                       | c7 01 00 00 03 00 00 00
            arsh32 %r1, %r2                   | cc 21 00 00 00 00 00 00
            sdiv32 %r0, -3                    | 34 00 01 00 fd ff ff ff
            sdiv %r0, %r1                     | 3f 10 01 00 00 00 00 00
            smod %r1, %r2                     | 9f 21 01 00 00 00 00 00
            smod32 %r1, 5                     | 94 01 01 00 05 00 00 00
            movsx864 %r0, %r9                 | bf 90 08 00 00 00 00 00
            movsx1664 %r0, %r9                | bf 90 10 00 00 00 00 00
            movsx3264 %r0, %r9                | bf 90 20 00 00 00 00 00
            movsx832 %r0, %r1                 | bc 10 08 00 00 00 00 00
            movsx1632 %r0, %r1                | bc 10 10 00 00 00 00 00
            neg %r0                           | 87 00 00 00 00 00 00 00
            neg32 %r3                         | 84 03 00 00 00 00 00 00
            be16 %r0                          | dc 00 00 00 10 00 00 00
            be32 %r0                          | dc 00 00 00 20 00 00 00
            be64 %r0                          | dc 00 00 00 40 00 00 00
            le16 %r1                          | d4 01 00 00 10 00 00 00
            le64 %r1                          | d4 01 00 00 40 00 00 00
            bswap16 %r2                       | d7 02 00 00 10 00 00 00
            bswap32 %r2                       | d7 02 00 00 20 00 00 00
            swap64 %r2                        | d7 02 00 00 40 00 00 00
            ldxb %r0, [%r1+0x2]               | 71 10 02 00 00 00 00 00
            ldxh %r0, [%r1+4]                 | 69 10 04 00 00 00 00 00
            ldxw %r0, [%r1]                   | 61 10 00 00 00 00 00 00
            ldxdw %r0, [%r10-8]               | 79 a0 f8 ff 00 00 00 00
            ldxsb %r0, [%r1+2]                | 91 10 02 00 00 00 00 00
            ldxsh %r0, [%r1-4]                | 89 10 fc ff 00 00 00 00
            ldxsw %r0, [%r1+0xffff]           | 81 10 ff ff 00 00 00 00
            stb [%r1+2], 0x11                 | 72 01 02 00 11 00 00 00
            sth [%r1+2], -1                   | 6a 01 02 00 ff ff ff ff
            stw [%r1+2], 0x11223344           | 62 01 02 00 44 33 22 11
            stdw [%r10-512], 1                | 7a 0a 00 fe 01 00 00 00
            stxb [%r1], %r2                   | 73 21 00 00 00 00 00 00
            stxh [%r1+1], %r2                 | 6b 21 01 00 00 00 00 00
            stxw [%r1+1], %r2                 | 63 21 01 00 00 00 00 00
            stxdw [%r10-8], %r3               | 7b 3a f8 ff 00 00 00 00
            lddw %r0, 0x1122334455667788      | 18 00 00 00 88 77 66 55 00 00 00 00 44 33 22 11
            lddw %r1, -1                      | 18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff
            lddw %r2, 2147483648              | 18 02 00 00 00 00 00 80 00 00 00 00 00 00 00 00
            lddw %r2, 18446744073709551615    | 18 02 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff
            lock add [%r10-8], %r1            | db 1a f8 ff 00 00 00 00
            lock fetch add [%r10-8], %r1      | db 1a f8 ff 01 00 00 00
            lock add32 [%r10-4], %r1          | c3 1a fc ff 00 00 00 00
            lock fetch add32 [%r10-4], %r1    | c3 1a fc ff 01 00 00 00
            lock or [%r1], %r2                | db 21 00 00 40 00 00 00
            lock fetch or32 [%r1], %r2        | c3 21 00 00 41 00 00 00
            lock and [%r1], %r2               | db 21 00 00 50 00 00 00
            lock fetch and [%r1], %r2         | db 21 00 00 51 00 00 00
            lock xor32 [%r1], %r2             | c3 21 00 00 a0 00 00 00
            lock fetch xor [%r1], %r2         | db 21 00 00 a1 00 00 00
            lock xchg [%r1+8], %r2            | db 21 08 00 e1 00 00 00
            lock fetch xchg32 [%r1], %r2      | c3 21 00 00 e1 00 00 00
            lock cmpxchg [%r10-8], %r1        | db 1a f8 ff f1 00 00 00
            lock cmpxchg32 [%r1], %r2         | c3 21 00 00 f1 00 00 00
            jeq %r1, 0x80000000, +1           | 15 01 01 00 00 00 00 80
            jeq32 %r1, %r2, -1                | 1e 21 ff ff 00 00 00 00
            jgt %r1, 5, +0                    | 25 01 00 00 05 00 00 00
            jge32 %r1, 5, +2                  | 36 01 02 00 05 00 00 00
            jset %r1, %r2, +2                 | 4d 21 02 00 00 00 00 00
            jne32 %r0, %r4, -2                | 5e 40 fe ff 00 00 00 00
            jsgt %r1, -1, +2                  | 65 01 02 00 ff ff ff ff
            jsge32 %r1, %r3, +2               | 7e 31 02 00 00 00 00 00
            jlt %r1, 5, +2                    | a5 01 02 00 05 00 00 00
            jle32 %r1, %r2, +2                | be 21 02 00 00 00 00 00
            jslt %r1, 5, +2                   | c5 01 02 00 05 00 00 00
            jsle32 %r1, %r2, +32767           | de 21 ff 7f 00 00 00 00
            ja +3                             | 05 00 03 00 00 00 00 00
            ja -32768                         | 05 00 00 80 00 00 00 00
            ja32 -1                           | 06 00 00 00 ff ff ff ff
            ja32 +100000                      | 06 00 00 00 a0 86 01 00
            call 5                            | 85 00 00 00 05 00 00 00
            call helper 1                     | 85 00 00 00 01 00 00 00
            call %r2                          | 8d 02 00 00 00 00 00 00
            call helper %r9                   | 8d 09 00 00 00 00 00 00
            call local +2                     | 85 10 00 00 02 00 00 00
            call runtime 7                    | 85 20 00 00 07 00 00 00
            exit                              | 95 00 00 00 00 00 00 00
            mov %r15, %r11                    | bf bf 00 00 00 00 00 00
            """)
    void encodesEveryForm(String source, String expected) {
        assertEquals(expected, hex(source));
    }

    @Test
    void labelsResolveToSlotOffsetsCountingLddwAsTwo() {
        List<Insn> p = Assembler.assemble("""
                # count down
                start:
                jeq %r1, 0, done     # forward, over the lddw
                lddw %r2, 0x100000000
                sub %r1, 1
                ja start
                done:
                mov %r0, %r1
                exit
                """);
        assertEquals(7, p.size());
        assertEquals(4, p.get(0).off(), "jeq skips lddw (2 slots), sub, ja");
        assertEquals(-5, p.get(4).off(), "ja back to slot 0 from slot 4");
        assertEquals(Opcodes.EXIT_INSN, p.get(6).opcode());
    }

    @Test
    void firstExitDefinesTheExitLabel() {
        List<Insn> p = Assembler.assemble("""
                jne %r1, 1, exit
                ja32 exit
                mov %r0, 2
                exit
                mov %r0, 3
                exit
                """);
        assertEquals(2, p.get(0).off());
        assertEquals(1, p.get(1).imm(), "ja32 target lives in imm");
        assertEquals(0, p.get(1).off());
    }

    @Test
    void explicitExitLabelWinsOverTheImplicitOne() {
        List<Insn> p = Assembler.assemble("ja exit\nexit:\nmov %r0, 1\nexit\n");
        assertEquals(0, p.get(0).off());
    }

    @Test
    void callLocalLabelGoesIntoImm() {
        List<Insn> p = Assembler.assemble("call local f\nexit\nf:\nmov %r0, 1\nexit\n");
        assertEquals(new Insn(0x85, 0, 1, 0, 1), p.get(0));
    }

    @Test
    void toleratesCrlfTabsAndMissingCommas() {
        assertEquals("bf 21 00 00 00 00 00 00", hex("\tmov   %r1 %r2\r\n"));
    }

    /** Each upstream error text, with the line it is on. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            foo %r0                          | 1 | Invalid mnemonic: foo
            add64 %r0, 1                     | 1 | Invalid mnemonic: add64
            MOV %r0, 1                       | 1 | Invalid mnemonic: MOV
            mov %r0                          | 1 | Invalid number of operands for mnemonic: mov (expected 2, got 1)
            exit %r0                         | 1 | Invalid number of operands for mnemonic: exit (expected 0, got 1)
            mov %r50, 1                      | 1 | Invalid register: %r50
            mov %r0, %r16                    | 1 | Invalid register: %r16
            mov r0, 1                        | 1 | Invalid register: r0
            mov %r0, 0x100000000             | 1 | Immediate out of 32-bit range: 0x100000000
            mov %r0, 2147483648              | 1 | Immediate out of 32-bit range: 2147483648
            mov %r0, -2147483649             | 1 | Immediate out of 32-bit range: -2147483649
            mov %r0, -0x1                    | 1 | Immediate out of 32-bit range: -0x1
            mov %r0, 12abc                   | 1 | Invalid immediate: 12abc
            lddw %r0, 0x10000000000000000    | 1 | Immediate out of 64-bit range: 0x10000000000000000
            lddw %r0, 18446744073709551616   | 1 | Immediate out of 64-bit range: 18446744073709551616
            ldxw %r0, [%r1+0x10000]          | 1 | Offset out of 16-bit range: +0x10000
            ldxw %r0, [%r1+32768]            | 1 | Offset out of 16-bit range: +32768
            ldxw %r0, %r1                    | 1 | Failed to decode register and offset: %r1
            ldxw %r0, [%r1+4                 | 1 | Failed to decode register and offset: [%r1+4
            ja +32768                        | 1 | Offset out of 16-bit range: +32768
            ja NOT_A_LABEL                   | 1 | Invalid label: NOT_A_LABEL
            call local nowhere               | 1 | Invalid label: nowhere
            call far 1                       | 1 | Invalid call mode: far
            call                             | 1 | Invalid number of operands for mnemonic: call (expected 2, got 0)
            lock                             | 1 | Invalid number of operands for lock
            lock fetch                       | 1 | Invalid number of operands for lock
            lock sub [%r1], %r2              | 1 | Invalid mnemonic: lock sub
            lock add [%r1]                   | 1 | Invalid number of operands for mnemonic: add (expected 2, got 1)
            """)
    void rejectsWithUpstreamMessages(String source, int line, String reason) {
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble(source));
        assertEquals(line, e.line());
        assertEquals(reason, e.reason());
        assertEquals("line " + line + ": " + reason, e.getMessage());
    }

    @Test
    void errorsNameTheirLine() {
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble("mov %r0, 1\n\n# c\nbogus\nexit\n"));
        assertEquals(4, e.line());
        e = assertThrows(AsmException.class, () -> Assembler.assemble("mov %r0, 1\njne %r0, 1, nope\nexit\n"));
        assertEquals(2, e.line(), "an unresolved label is reported on the line that uses it");
    }

    @Test
    void rejectsDuplicateAndMisplacedLabels() {
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble("a:\nexit\na:\nexit\n"));
        assertEquals(3, e.line());
        assertEquals("Duplicate label (a) detected (previous declaration at line 1)", e.reason());
        e = assertThrows(AsmException.class, () -> Assembler.assemble("exit\nexit:\n"));
        assertTrue(e.reason().startsWith("Duplicate label (exit)"), e.reason());
        e = assertThrows(AsmException.class, () -> Assembler.assemble("a: mov %r0, 1\nexit\n"));
        assertTrue(e.reason().startsWith("Unexpected text after label a"), e.reason());
    }

    @Test
    void labelTooFarForA16BitOffset() {
        StringBuilder s = new StringBuilder("ja far\n");
        for (int i = 0; i < 32768; i++) s.append("mov %r0, 0\n");
        s.append("far:\nexit\n");
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble(s.toString()));
        assertEquals(1, e.line());
        assertTrue(e.reason().startsWith("Offset out of 16-bit range"), e.reason());
        // ja32 carries its target in imm, so the same distance is fine there
        assertEquals(32768, Assembler.assemble(s.toString().replaceFirst("ja far", "ja32 far")).get(0).imm());
    }

    /** The whole conformance suite assembles; lddw.data's asm agrees with its raw words. */
    @Test
    void everyConformanceTestAssembles() throws IOException {
        Path dir = SharedFolder.dir("conformance/tests").orElse(null);
        assumeTrue(dir != null, "shared conformance tests not present");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
        assertTrue(files.size() >= 313, "found " + files.size());
        for (Path f : files) {
            ConformanceTestFile t = ConformanceTestFile.parse(Files.readString(f));
            assertFalse(t.skipped(), f + ": " + t.skipReason());
            List<Insn> asm = assertDoesNotThrow(() -> Assembler.assemble(t.asm()), f.toString());
            assertFalse(asm.isEmpty(), f.toString());
            if (!t.raw().isEmpty()) assertEquals(t.program(), asm, f + ": asm and raw sections disagree");
        }
    }
}
