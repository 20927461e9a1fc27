package dev.kbpf.isa;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Property: for any byte string, {@link InsnDecoder#decode} either throws {@link DecodeException}
 * (naming an index inside the input and that slot's bytes) or returns a model that encodes back
 * to exactly the same bytes and that {@link InsnDecoder#check} accepts slot by slot.
 *
 * <p>Seed: {@code -Dkbpf.seed=N} to replay; a failure prints the seed and the input.
 */
class InsnDecoderPropertyTest {

    private static final int RANDOM = 40_000, STRUCTURED = 30_000, MUTATED = 40_000;

    /** A program using every instruction form, so mutations start from valid bytecode without ../shared. */
    private static final String ALL_FORMS = """
            mov %r0, 1
            mov32 %r1, %r2
            add %r0, %r1
            sdiv32 %r0, -3
            smod %r1, %r2
            movsx864 %r0, %r9
            movsx1632 %r0, %r1
            neg %r0
            be16 %r0
            le64 %r1
            bswap32 %r2
            ldxb %r0, [%r1+2]
            ldxsh %r0, [%r1-4]
            stw [%r1+2], 0x11223344
            stxdw [%r10-8], %r3
            lddw %r0, 0x1122334455667788
            lock fetch add32 [%r10-4], %r1
            lock cmpxchg [%r10-8], %r1
            lock xchg [%r10-8], %r1
            jeq %r1, 0x80000000, +1
            jne32 %r0, %r4, -2
            ja +0
            ja32 +0
            call 5
            call %r2
            call local +0
            call runtime 7
            exit
            """;

    @Test
    void decodeEitherThrowsItsOwnErrorOrRoundTrips() throws IOException {
        long seed = Long.getLong("kbpf.seed", 0x9669L);
        Random r = new Random(seed);
        List<byte[]> corpus = corpus();
        int ok = 0, total = 0;
        for (int k = 0; k < RANDOM; k++, total++) ok += property(seed, randomBytes(r));
        int okStructured = 0;
        for (int k = 0; k < STRUCTURED; k++, total++) okStructured += property(seed, structured(r));
        int okMutated = 0;
        for (int k = 0; k < MUTATED; k++, total++) okMutated += property(seed, mutate(r, corpus.get(r.nextInt(corpus.size()))));
        System.out.printf("InsnDecoder property: %d inputs (seed %d): %d random, %d structured, %d mutated decoded ok%n",
                total, seed, ok, okStructured, okMutated);
        assertTrue(total >= 100_000);
        // the generators must reach both outcomes, or the property says little
        assertTrue(okStructured > STRUCTURED / 10, "structured inputs decoded: " + okStructured);
        assertTrue(okMutated > MUTATED / 10 && okMutated < MUTATED * 9 / 10, "mutated inputs decoded: " + okMutated);
    }

    /** Checks the property for one input; 1 if it decoded. */
    private static int property(long seed, byte[] in) {
        List<Insn> model;
        try {
            model = InsnDecoder.decode(in);
        } catch (DecodeException e) {
            int from = e.index() * 8;
            assertTrue(from >= 0 && from < in.length, () -> fail(seed, in, "index " + e.index() + " outside the input"));
            byte[] expected = Arrays.copyOfRange(in, from, Math.min(from + 8, in.length));
            assertArrayEquals(expected, e.bytes(), () -> fail(seed, in, "bytes of " + e.getMessage()));
            assertFalse(e.reason().isEmpty());
            return 0;
        } catch (Throwable t) {
            throw new AssertionError(fail(seed, in, "threw " + t), t);
        }
        assertArrayEquals(in, InsnDecoder.encode(model), () -> fail(seed, in, "round trip"));
        for (int i = 0; i < model.size(); i++) {
            Insn insn = model.get(i), next = i + 1 < model.size() ? model.get(i + 1) : null;
            int at = i;
            assertTrue(InsnDecoder.check(insn, next).isEmpty(), () -> fail(seed, in, "check disagrees at " + at));
            if (insn.isWide()) i++;
        }
        return 1;
    }

    private static String fail(long seed, byte[] in, String what) {
        return what + " (seed " + seed + ", input " + Hex.of(in) + ")";
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(97)];
        r.nextBytes(b);
        return b;
    }

    /**
     * Slots with a valid opcode and fields drawn near the valid values. Half the programs keep
     * only slots that {@link InsnDecoder#check} accepts (rejection sampling), so they exercise
     * the success path over every form; the other half keep one slot as drawn.
     */
    private static byte[] structured(Random r) {
        int n = 1 + r.nextInt(8);
        int raw = r.nextBoolean() ? r.nextInt(n) : -1;
        List<Insn> p = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Insn insn = drawSlot(r);
            for (int tries = 0; i != raw && tries < 200 && InsnDecoder.check(insn, ZERO).isPresent(); tries++) insn = drawSlot(r);
            p.add(insn);
            if (insn.isWide()) p.add(new Insn(0, 0, 0, 0, i == raw && r.nextBoolean() ? r.nextInt() : 0));
        }
        return InsnDecoder.encode(p);
    }

    private static final Insn ZERO = new Insn(0, 0, 0, 0, 0);
    private static final int[] OPCODES = InsnDecoderTest.VALID_OPCODES.stream().mapToInt(Integer::intValue).sorted().toArray();

    private static Insn drawSlot(Random r) {
        int op = OPCODES[r.nextInt(OPCODES.length)];
        int dst = r.nextInt(12), src = r.nextInt(6) == 0 ? r.nextInt(16) : r.nextInt(3);
        int off = switch (r.nextInt(4)) { case 0 -> 0; case 1 -> 1; case 2 -> 8 << r.nextInt(3); default -> r.nextInt(65536) - 32768; };
        int imm = switch (r.nextInt(4)) { case 0 -> 0; case 1 -> 16 << r.nextInt(3); case 2 -> 0xe1; default -> r.nextInt(); };
        return new Insn(op, dst, src, off, imm);
    }

    private static byte[] mutate(Random r, byte[] base) {
        byte[] b = base.clone();
        switch (r.nextInt(6)) {
            case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));          // one bit
            case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);                 // one byte
            case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));                  // truncate anywhere
            case 3 -> { int s = r.nextInt(b.length / 8) * 8; b[s + 1] = (byte) r.nextInt(256); } // registers
            case 4 -> { // splice: drop one 8-byte slot (may cut an lddw in half)
                int s = r.nextInt(b.length / 8) * 8;
                byte[] c = new byte[b.length - 8];
                System.arraycopy(b, 0, c, 0, s);
                System.arraycopy(b, s + 8, c, s, b.length - s - 8);
                b = c;
            }
            default -> { } // unchanged: the valid program itself
        }
        return b;
    }

    private static List<byte[]> corpus() throws IOException {
        List<byte[]> c = new ArrayList<>();
        c.add(Assembler.assembleToBytes(ALL_FORMS));
        Path dir = SharedFolder.dir("conformance/tests").orElse(null);
        if (dir != null) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".data")).sorted().toList()) {
                    c.add(InsnDecoder.encode(ConformanceTestFile.parse(Files.readString(f)).program()));
                }
            }
        }
        return c;
    }
}
