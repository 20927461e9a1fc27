package dev.kbpf.elf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random truncations and byte flips of the real example objects: the loader either loads the
 * result or rejects it with an {@link ElfException}; nothing else (no index, null-pointer,
 * arithmetic, out-of-memory or stack-overflow error) may escape. Flips aim at the parts the
 * loader reads (headers, symbols, relocations, code, maps, BTF) more often than at DWARF.
 */
class ElfFuzzTest {
    /** Fixed so that a failure reproduces; {@code -Dkbpf.fuzz.seed=N -Dkbpf.fuzz.rounds=M} explores further. */
    private static final long SEED = Long.getLong("kbpf.fuzz.seed", 0x6b627066L); // "kbpf"
    private static final int ROUNDS_PER_OBJECT = Integer.getInteger("kbpf.fuzz.rounds", 3000);

    private static final String[] INTERESTING = {".symtab", ".strtab", ".BTF", ".BTF.ext", ".maps", "maps", "license", ".rodata", ".data", ".rodata.str1.1"};

    @Test
    void mutatedObjectsOnlyEverFailWithElfException() throws Exception {
        Random seeds = new Random(SEED);
        int loaded = 0, rejected = 0;
        List<String> names = new ArrayList<>(Examples.names());
        names.add("fixture:data_pointers");
        names.add("fixture:sections");
        names.add("fixture:nested_calls");
        for (String name : names) {
            byte[] original = name.startsWith("fixture:") ? DataRelocationTest.fixture(name.substring(8) + ".o") : Examples.bytes(name);
            List<int[]> ranges = ranges(original);
            for (int round = 0; round < ROUNDS_PER_OBJECT; round++) {
                long seed = seeds.nextLong();
                byte[] mutated = mutate(original, ranges, new Random(seed));
                try {
                    ElfLoader.load(mutated, name);
                    loaded++;
                } catch (ElfException e) {
                    rejected++;
                    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an ElfException needs a message");
                } catch (Throwable t) {
                    fail("object " + name + " mutated with seed " + seed + " threw " + t, t);
                }
            }
        }
        System.out.println("ElfFuzzTest seed " + SEED + ": " + loaded + " mutated objects loaded, " + rejected + " rejected with ElfException");
        // both outcomes happen: the mutations reach the checks, and harmless ones still load
        assertTrue(rejected > 1000, "rejected " + rejected);
        assertTrue(loaded > 100, "loaded " + loaded);
    }

    /** [offset, size] of the ELF header, the section header table, and every section the loader reads. */
    private static List<int[]> ranges(byte[] b) {
        ElfBytes e = new ElfBytes(b);
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {0, 64});
        out.add(new int[] {e.shoff(), e.shnum() * 64});
        for (String s : INTERESTING) {
            try {
                if (e.size(s) > 0) out.add(new int[] {e.offset(s), e.size(s)});
            } catch (AssertionError absent) {
                // the object has no such section
            }
        }
        for (int i = 0; i < e.shnum(); i++) {
            int h = e.shoff() + i * 64;
            int type = e.u32(h + 4);
            long flags = e.u64(h + 8);
            boolean code = type == 1 && (flags & 4) != 0, rel = type == 9;
            if ((code || rel) && e.u64(h + 32) > 0) out.add(new int[] {(int) e.u64(h + 24), (int) e.u64(h + 32)});
        }
        return out;
    }

    private static byte[] mutate(byte[] original, List<int[]> ranges, Random r) {
        switch (r.nextInt(4)) {
            case 0: // truncate anywhere
                return Arrays.copyOf(original, r.nextInt(original.length));
            case 1: { // flip random bits anywhere
                byte[] b = original.clone();
                for (int n = 1 + r.nextInt(8); n > 0; n--) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            default: { // overwrite bytes inside the structures the loader reads
                byte[] b = original.clone();
                for (int n = 1 + r.nextInt(4); n > 0; n--) {
                    int[] range = ranges.get(r.nextInt(ranges.size()));
                    int at = range[0] + r.nextInt(range[1]);
                    b[at] = switch (r.nextInt(4)) {
                        case 0 -> (byte) 0xff;
                        case 1 -> 0;
                        case 2 -> (byte) (b[at] + (r.nextBoolean() ? 1 : -1));
                        default -> (byte) r.nextInt(256);
                    };
                }
                return b;
            }
        }
    }
}
