package dev.kbpf.isa;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DisassemblerTest {

    private static final Disassembler.Names NAMES = Disassembler.Names.of(
            id -> id == 1 ? "bpf_map_lookup_elem" : null, id -> id == 7 ? "bpf_panic" : null);
    private static final Disassembler DIS = new Disassembler(NAMES);

    private static String text(List<Insn> p) { return DIS.format(p.get(0), p.size() > 1 ? p.get(1) : null); }

    /** Each form as the kernel's verifier log prints it (kernel/bpf/disasm.c), from assembler source. */
    @ParameterizedTest
    @CsvSource(delimiter = '~', textBlock = """
            mov %r0, 1                     ~ r0 = 1
            mov32 %r0, -1                  ~ w0 = -1
            mov %r2, %r10                  ~ r2 = r10
            add32 %r1, %r2                 ~ w1 += w2
            sub %r1, 5                     ~ r1 -= 5
            mul %r1, %r2                   ~ r1 *= r2
            div32 %r1, 3                   ~ w1 /= 3
            or %r1, %r2                    ~ r1 |= r2
            and %r1, 0xff                  ~ r1 &= 255
            lsh %r1, 3                     ~ r1 <<= 3
            rsh32 %r1, %r2                 ~ w1 >>= w2
            mod %r1, %r2                   ~ r1 %= r2
            xor32 %r1, %r2                 ~ w1 ^= w2
            arsh %r1, 3                    ~ r1 s>>= 3
            arsh32 %r1, %r3                ~ w1 s>>= w3
            sdiv %r1, %r2                  ~ r1 s/= r2
            sdiv32 %r1, -3                 ~ w1 s/= -3
            smod %r1, 7                    ~ r1 s%= 7
            smod32 %r1, %r2                ~ w1 s%= w2
            movsx864 %r1, %r2              ~ r1 = (s8)r2
            movsx1664 %r1, %r2             ~ r1 = (s16)r2
            movsx3264 %r1, %r2             ~ r1 = (s32)r2
            movsx832 %r1, %r2              ~ w1 = (s8)w2
            movsx1632 %r1, %r2             ~ w1 = (s16)w2
            neg %r0                        ~ r0 = -r0
            neg32 %r0                      ~ w0 = -w0
            be16 %r0                       ~ r0 = be16 r0
            be64 %r3                       ~ r3 = be64 r3
            le32 %r0                       ~ r0 = le32 r0
            bswap64 %r0                    ~ r0 = bswap64 r0
            bswap16 %r1                    ~ r1 = bswap16 r1
            ldxw %r0, [%r1+8]              ~ r0 = *(u32 *)(r1 +8)
            ldxb %r0, [%r1]                ~ r0 = *(u8 *)(r1 +0)
            ldxh %r0, [%r1-2]              ~ r0 = *(u16 *)(r1 -2)
            ldxdw %r0, [%r10-8]            ~ r0 = *(u64 *)(r10 -8)
            ldxsb %r0, [%r1+2]             ~ r0 = *(s8 *)(r1 +2)
            ldxsh %r0, [%r1+2]             ~ r0 = *(s16 *)(r1 +2)
            ldxsw %r0, [%r1+2]             ~ r0 = *(s32 *)(r1 +2)
            stxdw [%r10-8], %r1            ~ *(u64 *)(r10 -8) = r1
            stxb [%r1+3], %r2              ~ *(u8 *)(r1 +3) = r2
            stw [%r1], 7                   ~ *(u32 *)(r1 +0) = 7
            sth [%r1+2], -1                ~ *(u16 *)(r1 +2) = -1
            jgt %r1, 5, +3                 ~ if r1 > 0x5 goto pc+3
            jeq %r1, -1, +0                ~ if r1 == 0xffffffff goto pc+0
            jslt32 %r1, %r2, -2            ~ if w1 s< w2 goto pc-2
            jge %r1, %r2, +1               ~ if r1 >= r2 goto pc+1
            jset32 %r1, 8, +1              ~ if w1 & 0x8 goto pc+1
            jne %r1, %r2, +1               ~ if r1 != r2 goto pc+1
            jsgt %r1, 1, +1                ~ if r1 s> 0x1 goto pc+1
            jsge %r1, 1, +1                ~ if r1 s>= 0x1 goto pc+1
            jlt32 %r1, 1, +1               ~ if w1 < 0x1 goto pc+1
            jle %r1, 1, +1                 ~ if r1 <= 0x1 goto pc+1
            jsle %r1, 1, +1                ~ if r1 s<= 0x1 goto pc+1
            ja +1                          ~ goto pc+1
            ja -3                          ~ goto pc-3
            ja32 +1                        ~ gotol pc+1
            call 1                         ~ call bpf_map_lookup_elem#1
            call 5                         ~ call unknown#5
            call local +5                  ~ call pc+5
            call local -7                  ~ call pc-7
            call runtime 7                 ~ call bpf_panic#7
            call runtime 8                 ~ call kernel-function#8
            call %r2                       ~ callx r2
            lock add [%r10-8], %r1         ~ lock *(u64 *)(r10 -8) += r1
            lock or32 [%r1+4], %r2         ~ lock *(u32 *)(r1 +4) |= r2
            lock and [%r1], %r2            ~ lock *(u64 *)(r1 +0) &= r2
            lock xor [%r1], %r2            ~ lock *(u64 *)(r1 +0) ^= r2
            lock fetch add [%r10-8], %r0   ~ r0 = atomic64_fetch_add((u64 *)(r10 -8), r0)
            lock fetch and32 [%r1], %r2    ~ r2 = atomic_fetch_and((u32 *)(r1 +0), r2)
            lock fetch or [%r1], %r2       ~ r2 = atomic64_fetch_or((u64 *)(r1 +0), r2)
            lock fetch xor32 [%r1], %r2    ~ r2 = atomic_fetch_xor((u32 *)(r1 +0), r2)
            lock xchg [%r10-8], %r3        ~ r3 = atomic64_xchg((u64 *)(r10 -8), r3)
            lock xchg32 [%r1], %r3         ~ r3 = atomic_xchg((u32 *)(r1 +0), r3)
            lock cmpxchg [%r10-8], %r1     ~ r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r1)
            lock cmpxchg32 [%r1+4], %r1    ~ r0 = atomic_cmpxchg((u32 *)(r1 +4), r0, r1)
            lddw %r1, 0x1122334455667788   ~ r1 = 0x1122334455667788 ll
            lddw %r1, 0                    ~ r1 = 0x0 ll
            lddw %r1, -1                   ~ r1 = 0xffffffffffffffff ll
            exit                           ~ exit
            """)
    void printsTheKernelForm(String source, String expected) {
        assertEquals(expected, text(Assembler.assemble(source)));
    }

    /** Forms the assembler cannot write: the loader's lddw pseudo forms and undefined opcodes. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            18 11 00 00 05 00 00 00 00 00 00 00 00 00 00 00 | r1 = map[id:5]
            18 21 00 00 05 00 00 00 00 00 00 00 10 00 00 00 | r1 = map[id:5][0]+16
            18 31 00 00 07 00 00 00 00 00 00 00 00 00 00 00 | r1 = btf_id[7]
            18 41 00 00 03 00 00 00 00 00 00 00 00 00 00 00 | r1 = subprog[+3]
            18 51 00 00 02 00 00 00 00 00 00 00 00 00 00 00 | r1 = map[idx:2]
            18 61 00 00 02 00 00 00 00 00 00 00 08 00 00 00 | r1 = map[idx:2]+8
            18 01 00 00 01 00 00 00                         | r1 = 0x1 ll
            20 00 00 00 05 00 00 00                         | r0 = *(u32 *)skb[5]
            48 10 00 00 05 00 00 00                         | r0 = *(u16 *)skb[r1 + 5]
            8e 00 00 00 00 00 00 00                         | unknown opcode 8e
            00 00 00 00 00 00 00 00                         | unknown opcode 00
            e5 00 00 00 00 00 00 00                         | unknown opcode e5
            db 21 00 00 10 00 00 00                         | invalid atomic operation 0x10 on (u64 *)(r1 +0)
            db 21 00 00 e0 00 00 00                         | invalid atomic operation 0xe0 on (u64 *)(r1 +0)
            """)
    void printsPseudoAndInvalidForms(String hex, String expected) {
        byte[] b = Hex.bytes(hex);
        Insn first = Insn.raw(b, 0), next = b.length > 8 ? Insn.raw(b, 8) : null;
        assertEquals(expected, DIS.format(first, next));
    }

    @Test
    void listingNumbersSlotsAndSkipsTheSecondHalfOfLddw() {
        List<Insn> p = Assembler.assemble("""
                mov %r2, %r10
                lddw %r1, 0x1122334455667788
                call 1
                exit
                """);
        assertEquals("""
                0: (bf) r2 = r10
                1: (18) r1 = 0x1122334455667788 ll
                3: (85) call bpf_map_lookup_elem#1
                4: (95) exit""", DIS.listing(p));
        assertEquals("12: (07) r1 += -8", DIS.line(12, new Insn(0x07, 1, 0, 0, -8), null));
        assertEquals("", DIS.listing(List.of()));
    }

    @Test
    void defaultNamesAreTheKernelFallbacks() {
        Disassembler d = new Disassembler();
        assertEquals("call unknown#1", d.format(new Insn(0x85, 0, 0, 0, 1), null));
        assertEquals("call kernel-function#3", d.format(new Insn(0x85, 0, 2, 0, 3), null));
    }

    @Test
    void neverThrowsOnAnySlot() {
        Random r = new Random(11);
        Disassembler d = new Disassembler();
        for (int k = 0; k < 50_000; k++) {
            Insn a = new Insn(r.nextInt(256), r.nextInt(16), r.nextInt(16), r.nextInt(65536) - 32768, r.nextInt());
            Insn b = r.nextBoolean() ? null : new Insn(0, 0, 0, 0, r.nextInt());
            assertFalse(d.format(a, b).isEmpty());
        }
    }

    /** Every conformance program lists without error, one line per instruction. */
    @Test
    void listsEveryConformanceProgram() throws Exception {
        java.nio.file.Path dir = SharedFolder.dir("conformance/tests").orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "shared conformance tests not present");
        try (var s = java.nio.file.Files.list(dir)) {
            for (var f : s.filter(p -> p.toString().endsWith(".data")).toList()) {
                List<Insn> p = ConformanceTestFile.parse(java.nio.file.Files.readString(f)).program();
                String listing = DIS.listing(p);
                long wide = p.stream().filter(Insn::isWide).count();
                assertEquals(p.size() - wide, listing.lines().count(), f.toString());
                assertFalse(listing.contains("unknown opcode"), f + "\n" + listing);
            }
        }
    }
}
