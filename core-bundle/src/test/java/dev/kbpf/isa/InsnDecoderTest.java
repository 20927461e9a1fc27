package dev.kbpf.isa;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InsnDecoderTest {

    /** The opcodes of RFC 9669's IANA table (plus callx 0x8d), written out independently of the rules. */
    static final Set<Integer> VALID_OPCODES = Set.copyOf(IntStream.of(
            // ALU
            0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c,
            0x84, 0x94, 0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc,
            // ALU64
            0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f,
            0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd7,
            // JMP
            0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d,
            0x85, 0x8d, 0x95, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd,
            // JMP32
            0x06, 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e,
            0xa6, 0xae, 0xb6, 0xbe, 0xc6, 0xce, 0xd6, 0xde,
            // LD, LDX, ST, STX
            0x18, 0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb)
            .boxed().toList());

    @Test
    void exactlyTheRfcOpcodesExist() {
        assertEquals(120, VALID_OPCODES.size());
        Set<Integer> accepted = new TreeSet<>();
        int[] regs = {0, 1};
        int[] offs = {0, 1, 8, -1};
        int[] imms = {0, 1, 16, 0xe1};
        for (int op = 0; op < 256; op++) {
            search:
            for (int d : regs) for (int s : regs) for (int o : offs) for (int imm : imms) {
                if (InsnDecoder.check(new Insn(op, d, s, o, imm), new Insn(0, 0, 0, 0, 0)).isEmpty()) {
                    accepted.add(op);
                    break search;
                }
            }
        }
        assertEquals(new TreeSet<>(VALID_OPCODES), accepted,
                "unexpected: " + hexSet(diff(accepted, VALID_OPCODES)) + " missing: " + hexSet(diff(VALID_OPCODES, accepted)));
    }

    @Test
    void knownOpcodeIsTheRfcTable() {
        for (int op = 0; op < 256; op++) {
            assertEquals(VALID_OPCODES.contains(op), InsnRules.knownOpcode(op), String.format("opcode %02x", op));
        }
    }

    @Test
    void unknownOpcodeNamesIndexBytesAndReason() {
        byte[] p = Hex.bytes("b7 00 00 00 00 00 00 00  8e 00 00 00 00 00 00 00  95 00 00 00 00 00 00 00");
        DecodeException e = assertThrows(DecodeException.class, () -> InsnDecoder.decode(p));
        assertEquals(1, e.index());
        assertEquals("8e 00 00 00 00 00 00 00", Hex.of(e.bytes()));
        assertEquals("unknown opcode 8e", e.reason());
        assertEquals("insn 1 (8e 00 00 00 00 00 00 00): unknown opcode 8e", e.getMessage());
    }

    /**
     * The 45 "unused field must be zero" cases of bpf_conformance's negative tests
     * ({@code scripts/generate_unused_field_tests.py}): instruction, field set to 1, and the
     * valid defaults (dst, src, off, imm). Each is rejected, and its default form accepted.
     */
    @ParameterizedTest(name = "unused-{0}-{2}")
    @CsvSource(textBlock = """
            exit,       0x95, dst,    0,  0,  0,  0
            exit,       0x95, src,    0,  0,  0,  0
            exit,       0x95, offset, 0,  0,  0,  0
            exit,       0x95, imm,    0,  0,  0,  0
            ja,         0x05, dst,    0,  0,  0,  0
            ja,         0x05, src,    0,  0,  0,  0
            ja,         0x05, imm,    0,  0,  0,  0
            call,       0x85, dst,    0,  0,  0,  0
            call,       0x85, offset, 0,  0,  0,  0
            add_imm,    0x04, src,    0,  0,  0,  1
            add_imm,    0x04, offset, 0,  0,  0,  1
            add64_imm,  0x07, src,    0,  0,  0,  1
            add64_imm,  0x07, offset, 0,  0,  0,  1
            mov_imm,    0xb4, src,    0,  0,  0,  1
            mov_imm,    0xb4, offset, 0,  0,  0,  1
            mov64_imm,  0xb7, src,    0,  0,  0,  1
            mov64_imm,  0xb7, offset, 0,  0,  0,  1
            add_reg,    0x0c, offset, 0,  0,  0,  0
            add_reg,    0x0c, imm,    0,  0,  0,  0
            add64_reg,  0x0f, offset, 0,  0,  0,  0
            add64_reg,  0x0f, imm,    0,  0,  0,  0
            mov_reg,    0xbc, offset, 0,  0,  0,  0
            mov_reg,    0xbc, imm,    0,  0,  0,  0
            mov64_reg,  0xbf, offset, 0,  0,  0,  0
            mov64_reg,  0xbf, imm,    0,  0,  0,  0
            neg,        0x84, src,    0,  0,  0,  0
            neg,        0x84, offset, 0,  0,  0,  0
            neg,        0x84, imm,    0,  0,  0,  0
            neg64,      0x87, src,    0,  0,  0,  0
            neg64,      0x87, offset, 0,  0,  0,  0
            neg64,      0x87, imm,    0,  0,  0,  0
            jeq_imm,    0x15, src,    0,  0,  0,  0
            jgt_imm,    0x25, src,    0,  0,  0,  0
            jeq_reg,    0x1d, imm,    0,  0,  0,  0
            jgt_reg,    0x2d, imm,    0,  0,  0,  0
            ldxw,       0x61, imm,    0,  10, -4, 0
            ldxdw,      0x79, imm,    0,  10, -8, 0
            stxw,       0x63, imm,    10, 0,  -4, 0
            stxdw,      0x7b, imm,    10, 0,  -8, 0
            stw,        0x62, src,    10, 0,  -4, 0
            stdw,       0x7a, src,    10, 0,  -8, 0
            le16,       0xd4, src,    0,  0,  0,  16
            le16,       0xd4, offset, 0,  0,  0,  16
            be16,       0xdc, src,    0,  0,  0,  16
            be16,       0xdc, offset, 0,  0,  0,  16
            """)
    void unusedFieldMustBeZero(String name, String opcode, String field, int dst, int src, int off, int imm) {
        int op = Integer.decode(opcode);
        Insn good = new Insn(op, dst, src, off, imm);
        Insn bad = new Insn(op, field.equals("dst") ? 1 : dst, field.equals("src") ? 1 : src,
                field.equals("offset") ? 1 : off, field.equals("imm") ? 1 : imm);
        assertEquals(Optional.empty(), InsnDecoder.check(good, null), name + " default form");
        Optional<String> why = InsnDecoder.check(bad, null);
        assertTrue(why.isPresent(), name + " with " + field + "=1 must be rejected");
        DecodeException e = assertThrows(DecodeException.class,
                () -> InsnDecoder.decode(InsnDecoder.encode(List.of(bad, new Insn(0x95, 0, 0, 0, 0)))));
        assertEquals(0, e.index());
        assertEquals(why.get(), e.reason());
    }

    /** If upstream's negative folder is present, every unused-field file (raw lines = 8 bytes each) is rejected. */
    @Test
    void upstreamUnusedFieldFilesAreRejected() throws IOException {
        Path dir = SharedFolder.dir("conformance/negative").orElse(null);
        assumeTrue(dir != null, "shared conformance negative tests not present");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("unused-")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            StringBuilder hex = new StringBuilder();
            boolean raw = false;
            for (String line : Files.readAllLines(f)) {
                String l = line.replaceAll("#.*", "");
                if (l.contains("--")) { raw = l.contains("raw"); continue; }
                if (raw) hex.append(l);
            }
            byte[] bytes = Hex.bytes(hex.toString());
            assertThrows(DecodeException.class, () -> InsnDecoder.decode(bytes), f.toString());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            b7 0b 00 00 01 00 00 00 | R11 is invalid (dst_reg)
            bf f0 00 00 00 00 00 00 | R15 is invalid (src_reg)
            3f 10 02 00 00 00 00 00 | BPF_ALU64 uses reserved fields: off is 2, must be 0 or 1 (signed)
            34 00 ff ff 01 00 00 00 | BPF_ALU uses reserved fields: off is -1, must be 0 or 1 (signed)
            bc 10 20 00 00 00 00 00 | BPF_MOV uses reserved fields: off is 32, must be 0, 8, 16 (sign extension width)
            bf 10 40 00 00 00 00 00 | BPF_MOV uses reserved fields: off is 64, must be 0, 8, 16 or 32 (sign extension width)
            b7 00 08 00 00 00 00 00 | BPF_ALU64 uses reserved fields: off is 8, must be 0
            d4 00 00 00 08 00 00 00 | BPF_END uses reserved fields: imm is 8, must be 16, 32 or 64
            d7 00 00 00 00 00 00 00 | BPF_END uses reserved fields: imm is 0, must be 16, 32 or 64
            df 00 00 00 10 00 00 00 | unknown opcode df
            8f 00 00 00 00 00 00 00 | unknown opcode 8f
            db 21 00 00 e0 00 00 00 | BPF_ATOMIC uses invalid atomic opcode 0xe0
            c3 21 00 00 10 00 00 00 | BPF_ATOMIC uses invalid atomic opcode 0x10
            d3 21 00 00 00 00 00 00 | unknown opcode d3
            99 10 00 00 00 00 00 00 | unknown opcode 99
            06 00 01 00 00 00 00 00 | BPF_JA uses reserved fields: off is 1, must be 0
            85 30 00 00 01 00 00 00 | BPF_CALL uses reserved fields: src_reg is 3, must be 0 (helper), 1 (local) or 2 (kfunc)
            8d 0b 00 00 00 00 00 00 | R11 is invalid (dst_reg)
            8d 02 00 00 01 00 00 00 | BPF_CALL uses reserved fields: imm is 1, must be 0
            86 00 00 00 01 00 00 00 | unknown opcode 86
            96 00 00 00 00 00 00 00 | unknown opcode 96
            e5 00 00 00 00 00 00 00 | unknown opcode e5
            30 00 00 00 00 00 00 00 | legacy packet access (BPF_ABS, BPF_IND) is not supported
            00 00 00 00 00 00 00 00 | unknown opcode 00
            60 00 00 00 00 00 00 00 | unknown opcode 60
            """)
    void rejectsWithReason(String hex, String reason) {
        DecodeException e = assertThrows(DecodeException.class, () -> InsnDecoder.decode(Hex.bytes(hex)));
        assertEquals(reason, e.reason());
        assertEquals(0, e.index());
    }

    @Test
    void acceptsEveryDefinedVariant() {
        String ok = """
                18 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                18 11 00 00 05 00 00 00 00 00 00 00 00 00 00 00
                18 21 00 00 05 00 00 00 00 00 00 00 10 00 00 00
                18 31 00 00 05 00 00 00 00 00 00 00 03 00 00 00
                18 41 00 00 05 00 00 00 00 00 00 00 00 00 00 00
                18 51 00 00 05 00 00 00 00 00 00 00 00 00 00 00
                18 61 00 00 05 00 00 00 00 00 00 00 08 00 00 00
                bc 21 08 00 00 00 00 00  bc 21 10 00 00 00 00 00
                bf 21 08 00 00 00 00 00  bf 21 10 00 00 00 00 00  bf 21 20 00 00 00 00 00
                34 01 01 00 ff ff ff ff  3c 21 01 00 00 00 00 00  97 01 01 00 03 00 00 00  9f 21 01 00 00 00 00 00
                d4 01 00 00 20 00 00 00  dc 01 00 00 40 00 00 00  d7 01 00 00 10 00 00 00
                c3 21 00 00 00 00 00 00  c3 21 00 00 01 00 00 00  db 21 00 00 40 00 00 00  db 21 00 00 41 00 00 00
                db 21 00 00 50 00 00 00  db 21 00 00 51 00 00 00  db 21 00 00 a0 00 00 00  db 21 00 00 a1 00 00 00
                db 21 00 00 e1 00 00 00  c3 21 00 00 f1 00 00 00
                85 00 00 00 01 00 00 00  85 10 00 00 ff ff ff ff  85 20 00 00 07 00 00 00  8d 0a 00 00 00 00 00 00
                05 00 ff 7f 00 00 00 00  06 00 00 00 00 00 00 80
                81 a1 f8 ff 00 00 00 00  89 a1 f8 ff 00 00 00 00  91 a1 f8 ff 00 00 00 00
                7a 0a 00 fe 78 56 34 12
                95 00 00 00 00 00 00 00
                """;
        byte[] b = Hex.bytes(ok);
        List<Insn> p = InsnDecoder.decode(b);
        assertEquals(b.length / 8, p.size());
        assertArrayEquals(b, InsnDecoder.encode(p));
    }

    @Test
    void lddwMustNotBeCutInHalf() {
        DecodeException e = assertThrows(DecodeException.class, () -> InsnDecoder.decode(Hex.bytes(
                "b7 00 00 00 00 00 00 00  18 01 00 00 01 00 00 00")));
        assertEquals(1, e.index());
        assertTrue(e.reason().contains("second slot is missing"), e.reason());
        assertEquals(Optional.of(e.reason()), InsnDecoder.check(new Insn(0x18, 1, 0, 0, 1), null));
    }

    @Test
    void lddwSecondSlotIsReportedAtItsOwnIndex() {
        DecodeException e = assertThrows(DecodeException.class, () -> InsnDecoder.decode(Hex.bytes(
                "18 01 00 00 01 00 00 00  00 00 01 00 02 00 00 00  95 00 00 00 00 00 00 00")));
        assertEquals(1, e.index());
        assertEquals("00 00 01 00 02 00 00 00", Hex.of(e.bytes()));
        assertEquals("invalid bpf_ld_imm64 insn: second slot uses reserved fields: off is 1, must be 0 (lddw at insn 0)", e.reason());
        e = assertThrows(DecodeException.class, () -> InsnDecoder.decode(Hex.bytes("18 01 00 00 01 00 00 00  95 00 00 00 00 00 00 00")));
        assertTrue(e.reason().startsWith("invalid bpf_ld_imm64 insn: second slot uses reserved fields: opcode is 149"), e.reason());
        e = assertThrows(DecodeException.class, () -> InsnDecoder.decode(Hex.bytes("18 11 00 00 01 00 00 00  00 00 00 00 02 00 00 00")));
        assertTrue(e.reason().startsWith("unrecognized bpf_ld_imm64 insn: second slot imm is 2, must be 0 for src_reg 1"), e.reason());
        e = assertThrows(DecodeException.class, () -> InsnDecoder.decode(Hex.bytes("18 71 00 00 01 00 00 00  00 00 00 00 00 00 00 00")));
        assertEquals(0, e.index());
        assertTrue(e.reason().contains("src_reg is 7"), e.reason());
        e = assertThrows(DecodeException.class, () -> InsnDecoder.decode(Hex.bytes("18 01 01 00 01 00 00 00  00 00 00 00 00 00 00 00")));
        assertEquals("BPF_LD_IMM64 uses reserved fields: off is 1, must be 0", e.reason());
    }

    @Test
    void lengthMustBeAMultipleOfEight() {
        DecodeException e = assertThrows(DecodeException.class, () -> InsnDecoder.decode(Hex.bytes(
                "95 00 00 00 00 00 00 00  b7 00 00")));
        assertEquals(1, e.index());
        assertEquals("b7 00 00", Hex.of(e.bytes()));
        assertEquals("program length 11 is not a multiple of 8 (a trailing partial instruction)", e.reason());
        assertEquals(List.of(), InsnDecoder.decode(new byte[0]));
    }

    @Test
    void checkNeverThrowsOnAnySlot() {
        java.util.Random r = new java.util.Random(7);
        for (int k = 0; k < 20_000; k++) {
            Insn a = new Insn(r.nextInt(256), r.nextInt(16), r.nextInt(16), r.nextInt(65536) - 32768, r.nextInt());
            Insn b = r.nextBoolean() ? null : new Insn(r.nextInt(4) == 0 ? r.nextInt(256) : 0, 0, 0, 0, r.nextInt());
            assertNotNull(InsnDecoder.check(a, b));
        }
    }

    /** Every program of the conformance suite is valid bytecode and round-trips. */
    @Test
    void everyConformanceProgramDecodes() throws IOException {
        Path dir = SharedFolder.dir("conformance/tests").orElse(null);
        assumeTrue(dir != null, "shared conformance tests not present");
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".data")).sorted().toList()) {
                byte[] b = InsnDecoder.encode(ConformanceTestFile.parse(Files.readString(f)).program());
                List<Insn> p = assertDoesNotThrow(() -> InsnDecoder.decode(b), f.toString());
                assertArrayEquals(b, InsnDecoder.encode(p), f.toString());
            }
        }
    }

    private static Set<Integer> diff(Set<Integer> a, Set<Integer> b) {
        Set<Integer> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static String hexSet(Set<Integer> s) {
        return s.stream().map(i -> String.format("%02x", i)).collect(Collectors.joining(" ", "[", "]"));
    }
}
