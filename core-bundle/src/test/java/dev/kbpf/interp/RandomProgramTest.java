package dev.kbpf.interp;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.exec.RandomPrograms;
import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Unverified mode on random programs: whatever the bytes, the interpreter either refuses the
 * program ({@link InvalidProgramException}), stops it with an {@link ExecutionFault}, or returns —
 * never another exception, and never a write outside the regions it was given.
 */
class RandomProgramTest {
    @Test
    void randomProgramsOnlyEverEndInTheExecutorsOwnErrors() {
        long seed = 0x6b627066L;
        Random rnd = new Random(seed);
        FunctionTable helpers = FunctionTable.builder()
                .put(1, "read8", (ctx, a, b, c, d, e) -> ctx.load(a, 1))
                .put(5, "unwind", (ctx, a, b, c, d, e) -> a)
                .build();
        byte[] guardBefore = new byte[64], guardAfter = new byte[64];
        int ran = 0, refused = 0, faulted = 0;
        for (int n = 0; n < 20_000; n++) {
            List<Insn> program = RandomPrograms.next(rnd);
            byte[] backing = new byte[64 + 32 + 64];
            ExecutionContext ctx = new ExecutionContext();
            ctx.setInstructionBudget(2_000);
            long mem = ctx.attachExtra(0, new Region(RegionKind.RAW, "mem", backing, 64, 32, false));
            try {
                Interpreter interp = new Interpreter(ExecutableProgram.unverified(program, helpers));
                try {
                    interp.run(ctx, mem, 32, rnd.nextLong(), 0, 0);
                    ran++;
                    assertFalse(ctx.faulted());
                } catch (ExecutionFault f) {
                    faulted++;
                    assertTrue(ctx.faulted());
                    assertNotNull(f.kind());
                }
            } catch (InvalidProgramException e) {
                refused++;
            } catch (RuntimeException e) {
                fail("seed " + seed + ", program " + n + " " + program + " threw " + e, e);
            }
            assertArrayEquals(guardBefore, java.util.Arrays.copyOfRange(backing, 0, 64), "seed " + seed + ", program " + n + " wrote before its region");
            assertArrayEquals(guardAfter, java.util.Arrays.copyOfRange(backing, 96, 160), "seed " + seed + ", program " + n + " wrote after its region");
        }
        assertTrue(ran > 1000 && faulted > 1000 && refused > 1000, "ran " + ran + ", faulted " + faulted + ", refused " + refused);
    }
}
