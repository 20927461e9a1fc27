package dev.kbpf.verifier;

import dev.kbpf.api.Capability;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The verifier never throws and never fails internally, whatever it is fed: random bytes, and
 * random programs biased toward what it reasons about (loads, stores, map lookups, bounds checks).
 */
class VerifierFuzzTest {
    static final long SEED = 0x5eed_b9f_2026L;
    static final int[] OPS = {0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f,
            0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd4, 0xdc, 0xd7, 0x04, 0x0c, 0x14, 0x1c, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0x84, 0x94, 0xa4,
            0xb4, 0xbc, 0xc4, 0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb, 0x05, 0x15,
            0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd, 0x16,
            0x1e, 0x26, 0x56, 0x5e, 0xa6, 0xae, 0x85, 0x95, 0x18, 0x20, 0x28, 0x30, 0x40};

    @Test
    void randomSlotsNeverThrow() {
        Random rnd = new Random(SEED);
        TestEnv env = new TestEnv();
        for (int iter = 0; iter < 20_000; iter++) {
            int n = 1 + rnd.nextInt(24);
            List<Insn> insns = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                insns.add(new Insn(rnd.nextInt(256), rnd.nextInt(16), rnd.nextInt(16), (short) rnd.nextInt(), rnd.nextInt()));
            }
            check(iter, insns, env, rnd);
        }
    }

    @Test
    void plausibleProgramsNeverThrow() {
        Random rnd = new Random(SEED + 1);
        TestEnv env = new TestEnv();
        int accepted = 0;
        for (int iter = 0; iter < 30_000; iter++) {
            List<Insn> insns = plausible(rnd);
            if (check(iter, insns, env, rnd) instanceof VerifierResult.Accepted) accepted++;
        }
        assertFalse(accepted == 0, "no random program was accepted: the generator is too weak");
    }

    static VerifierResult check(int iter, List<Insn> insns, TestEnv env, Random rnd) {
        ProgType type = ProgType.values()[rnd.nextInt(ProgType.values().length)];
        Credentials creds = rnd.nextBoolean() ? Credentials.root() : Credentials.of(Capability.CAP_BPF);
        VerifierInput in = new VerifierInput(insns, type, rnd.nextInt(4) == 0 ? dev.kbpf.api.LoadFlags.BPF_F_DESTRUCTIVE : 0, creds,
                rnd.nextInt(3) == 0 ? 2 : 0, env, java.util.Map.of());
        VerifierResult r;
        try {
            r = Verifier.verify(in);
        } catch (Throwable t) {
            fail("seed " + SEED + " iteration " + iter + ": verify threw " + t + " on " + insns);
            return null;
        }
        assertNotNull(r);
        if (r instanceof VerifierResult.Rejected rj && rj.message().startsWith("internal verifier error")) {
            fail("seed " + SEED + " iteration " + iter + ": " + rj.message() + "\n" + insns + "\n" + rj.log());
        }
        return r;
    }

    /** Mostly valid instructions over a small register set, with exits, map lookups and bounded jumps. */
    static List<Insn> plausible(Random rnd) {
        int n = 4 + rnd.nextInt(40);
        List<Insn> l = new ArrayList<>();
        l.add(new Insn(0xb7, 0, 0, 0, 0));
        while (l.size() < n) {
            int k = rnd.nextInt(12);
            int dst = rnd.nextInt(10), src = rnd.nextInt(11);
            short off = (short) (rnd.nextInt(5) == 0 ? rnd.nextInt(65536) - 32768 : -8 * (1 + rnd.nextInt(8)) + rnd.nextInt(3));
            switch (k) {
                case 0, 1 -> l.add(new Insn(OPS[rnd.nextInt(28)], dst, (OPS[rnd.nextInt(28)] & 8) != 0 ? src : 0, 0, rnd.nextInt(64) - 8));
                case 2 -> l.add(new Insn(0x79 - 0x18 * 0 + (rnd.nextBoolean() ? 0 : -0x10), dst, rnd.nextBoolean() ? 10 : src, off, 0));
                case 3 -> l.add(new Insn(0x7b, rnd.nextBoolean() ? 10 : dst, src, off, 0));
                case 4 -> l.add(new Insn(0x7a, 10, 0, off, rnd.nextInt(3)));
                case 5 -> { // map lookup with a key on the stack
                    l.add(new Insn(0x7a, 10, 0, -8, 0));
                    l.add(new Insn(0xbf, 2, 10, 0, 0));
                    l.add(new Insn(0x07, 2, 0, 0, -8));
                    l.add(new Insn(0x18, 1, 1, 0, 1 + rnd.nextInt(3)));
                    l.add(new Insn(0, 0, 0, 0, 0));
                    l.add(new Insn(0x85, 0, 0, 0, 1));
                }
                case 6, 7 -> l.add(new Insn(OPS[61 + rnd.nextInt(33)] & 0xff, dst, src, rnd.nextInt(6) - 1, rnd.nextInt(50)));
                case 8 -> l.add(new Insn(0x85, 0, 0, 0, new int[] {5, 7, 14, 131, 132, 1, 2, 181}[rnd.nextInt(8)]));
                case 9 -> l.add(new Insn(0x61 + 8 * rnd.nextInt(3), dst, 1, 4 * rnd.nextInt(8), 0));
                case 10 -> l.add(new Insn(0xdb, rnd.nextBoolean() ? 10 : 0, src, -8, rnd.nextBoolean() ? 0 : 1));
                default -> l.add(new Insn(0x95, 0, 0, 0, 0));
            }
        }
        l.add(new Insn(0xb7, 0, 0, 0, 0));
        l.add(new Insn(0x95, 0, 0, 0, 0));
        return l;
    }
}
