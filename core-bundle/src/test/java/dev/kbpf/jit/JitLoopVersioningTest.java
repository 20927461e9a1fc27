package dev.kbpf.jit;

import static dev.kbpf.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.Assembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast copies of counted loops ({@link CountedLoop}, {@link LoopGuard}) against the
 * interpreter and against the JIT's checked code: random counted loops of every shape the
 * versioning recognises (test at the top or the bottom, up or down, signed or unsigned, register
 * or constant limit, accesses through the induction variable and through an invariant pointer,
 * loads of every size, sign-extending loads, stores) and of shapes near it, with limits and
 * offsets that often reach past the memory in the last trip, negative starting values and
 * budgets that run out inside the loop. Every run must end the same in the three executors —
 * result or fault (kind, instruction, message), instructions executed, memory and stack — and the
 * fast copies must actually have run in many of them.
 */
class JitLoopVersioningTest {
    private static final long SEED = 0x6c6f6f70L;
    private static final int PROGRAMS = 4_000;

    @Test
    void fastCopiesOfCountedLoopsRunExactlyAsTheInterpreter() {
        Random rnd = new Random(SEED);
        int versioned = 0;
        int entered = 0;
        int faults = 0;
        int budgets = 0;
        for (int p = 0; p < PROGRAMS; p++) {
            long seed = rnd.nextLong();
            Random r = new Random(seed);
            Generated g = generate(r);
            ExecutableProgram program = ExecutableProgram.unverified(g.insns, FunctionTable.EMPTY);
            long before = LoopGuard.fastEntries();
            JitExecutor fast = Jit.compileStrict(program, ProgramCompiler.Loops.VERSIONED_AND_COUNTED);
            if (fast.versionedLoops() > 0) versioned++;
            String where = "program " + p + " (seed " + seed + "):\n" + new dev.kbpf.isa.Disassembler().listing(g.insns);
            Run interpreted = run(new Interpreter(program), g);
            Run fastRun = run(fast, g);
            Run checked = run(Jit.compileStrict(program, ProgramCompiler.Loops.CHECKED_ONLY), g);
            if (LoopGuard.fastEntries() > before) entered++;
            assertEquals(interpreted.toString(), fastRun.toString(), "fast copy vs interpreter, " + where);
            assertEquals(interpreted.toString(), checked.toString(), "checked code vs interpreter, " + where);
            if (interpreted.outcome.startsWith("fault MEMORY")) faults++;
            if (interpreted.outcome.startsWith("fault BUDGET")) budgets++;
        }
        System.out.printf("loop versioning: %d programs, %d with a versioned loop, %d entered a fast copy, %d memory faults, %d budget faults%n",
                PROGRAMS, versioned, entered, faults, budgets);
        assertTrue(versioned > PROGRAMS * 7 / 10, "too few versioned loops: " + versioned);
        assertTrue(entered > PROGRAMS / 4, "too few runs through a fast copy: " + entered);
        assertTrue(faults > PROGRAMS / 20, "too few memory faults: " + faults);
        assertTrue(budgets > PROGRAMS / 20, "too few budget faults: " + budgets);
    }

    @Test
    void theBenchmarkLoopsAndClangsLoopAreVersionedAndEntered() {
        for (String source : List.of(
                "mov %r0, 0\nmov %r3, %r1\nadd %r2, %r1\nloop:\njge %r3, %r2, done\nldxb %r4, [%r3+0]\nadd %r0, %r4\nadd %r3, 1\nja loop\ndone:\nexit",
                "mov %r0, 0\nmov %r3, %r1\nadd %r2, %r1\nloop:\njge %r3, %r2, done\nldxdw %r4, [%r3+0]\nadd %r0, %r4\nadd %r3, 8\nja loop\ndone:\nexit",
                // clang's loop of examples/bounded_loop.c: a bottom test "!=" and an early exit
                "stdw [%r10-64], -1\nstdw [%r10-56], 7\nmov %r2, 0\nmov %r1, 0\nloop:\nmov %r3, %r10\nadd %r3, -64\nadd %r3, %r2\n"
                        + "ldxb %r3, [%r3+0]\njeq %r3, 0, done\nxor %r1, %r3\nmul %r1, 16777619\nadd %r2, 1\njne %r2, 64, loop\n"
                        + "done:\nmov %r0, %r1\nexit")) {
            ExecutableProgram program = ExecutableProgram.unverified(Assembler.assemble(source), FunctionTable.EMPTY);
            JitExecutor jit = Jit.compileStrict(program, ProgramCompiler.Loops.VERSIONED_AND_COUNTED);
            assertEquals(1, jit.versionedLoops(), source);
            byte[] memory = new byte[4096];
            new Random(1).nextBytes(memory);
            long before = LoopGuard.fastEntries();
            Run j = run(jit, new Generated(program.insns(), memory, Long.MAX_VALUE));
            assertEquals(before + 1, LoopGuard.fastEntries(), "the fast copy ran: " + source);
            assertEquals(run(new Interpreter(program), new Generated(program.insns(), memory, Long.MAX_VALUE)).toString(), j.toString());
        }
    }

    // ------------------------------------------------------------------ running

    private record Run(String outcome, long executed, byte[] memory, byte[] stack) {
        @Override
        public String toString() {
            return outcome + ", " + executed + " instructions, memory " + HexFormat.of().formatHex(memory) + ", stack "
                    + Arrays.hashCode(stack);
        }
    }

    private static Run run(Executor executor, Generated g) {
        ExecutionContext ctx = new ExecutionContext();
        ctx.setInstructionBudget(g.budget);
        byte[] mem = g.memory.clone();
        long r1 = ctx.attachExtra(0, Region.of(RegionKind.RAW, "test memory", mem));
        String outcome;
        try {
            outcome = "r0=" + executor.run(ctx, r1, mem.length, 0, 0, 0);
        } catch (ExecutionFault f) {
            outcome = "fault " + f.kind() + " at " + f.slot() + ": " + f.getMessage();
        }
        return new Run(outcome, ctx.instructionsExecuted(), mem, ctx.stack().clone());
    }

    // ------------------------------------------------------------------ programs

    private record Generated(List<Insn> insns, byte[] memory, long budget) {}

    private static Insn op(int opcode, int dst, int src, int off, int imm) { return new Insn(opcode, dst, src, off, imm); }

    private static final int[] SIZES = {B, H, W, DW};

    /**
     * r1 memory, r2 its length; r3 the induction variable, r4 its limit (when a register), r9 an
     * invariant pointer into the memory, r5 a pointer the loop rewrites (its accesses stay
     * checked), r0 and r6-r8 values.
     */
    private static Generated generate(Random r) {
        int length = 32 + r.nextInt(96);
        byte[] memory = new byte[length];
        r.nextBytes(memory);
        List<Insn> p = new ArrayList<>();
        boolean pointer = r.nextInt(3) != 0;
        boolean up = r.nextInt(4) != 0;
        long step = new long[] {1, 1, 2, 3, 4, 8}[r.nextInt(6)];
        if (!up) step = -step;
        if (r.nextInt(25) == 0) step = -step;   // the wrong way: never versioned, runs until the budget or memory ends it
        boolean strict = r.nextBoolean();
        boolean signed = r.nextInt(3) == 0;
        boolean bottomTest = r.nextInt(3) == 0;
        boolean limitInRegister = pointer || r.nextBoolean();

        p.add(op(ALU64 | K | MOV, 0, 0, 0, 0));
        for (int reg = 6; reg <= 8; reg++) p.add(op(ALU64 | K | MOV, reg, 0, 0, r.nextInt(5)));
        p.add(op(ALU64 | X | MOV, 9, 1, 0, 0));
        p.add(op(ALU64 | K | ADD, 9, 0, 0, r.nextInt(length + 8) - 4));
        int low = r.nextInt(12) - 4;
        int high = length - 8 + r.nextInt(24);
        long start;
        long limit = 0;
        if (pointer) {
            p.add(op(ALU64 | X | MOV, 3, 1, 0, 0));
            p.add(op(ALU64 | K | ADD, 3, 0, 0, up ? low : high));
            p.add(op(ALU64 | X | MOV, 4, 1, 0, 0));
            p.add(op(ALU64 | K | ADD, 4, 0, 0, up ? high : low));
        } else {
            start = r.nextInt(8) == 0 ? -r.nextInt(4) - 1 : r.nextInt(up ? 8 : 40);
            limit = r.nextInt(8) == 0 ? -r.nextInt(3) : up ? r.nextInt(40) : r.nextInt(8);
            if (r.nextInt(30) == 0) limit = Long.MAX_VALUE - r.nextInt(3);
            p.add(op(ALU64 | K | MOV, 3, 0, 0, (int) start));
            if (limit == (int) limit) p.add(op(ALU64 | K | MOV, 4, 0, 0, (int) limit));
            else {
                p.add(op(LD | IMM | DW, 4, 0, 0, (int) limit));
                p.add(op(0, 0, 0, 0, (int) (limit >>> 32)));
            }
            if (!limitInRegister && limit != (int) limit) limitInRegister = true;
        }
        int limitImm = (int) limit;
        // continue while iv < / <= / > / >= limit
        int cont = up ? (strict ? (signed ? JSLT : JLT) : (signed ? JSLE : JLE)) : (strict ? (signed ? JSGT : JGT) : (signed ? JSGE : JGE));
        if (r.nextInt(5) == 0) cont = JNE;   // as clang writes a loop whose trip count it knows
        int header = p.size();
        List<Integer> exits = new ArrayList<>();   // jumps to patch to the loop's end
        if (!bottomTest) {
            exits.add(p.size());
            p.add(testInsn(r, negate(cont), limitInRegister, limitImm));
        }
        int bodyLength = 1 + r.nextInt(6);
        int increment = r.nextInt(bodyLength + 1);
        for (int k = 0; k <= bodyLength; k++) {
            if (k == increment) p.add(step > 0 ? op(ALU64 | K | ADD, 3, 0, 0, (int) step) : op(ALU64 | K | SUB, 3, 0, 0, (int) -step));
            if (k == bodyLength) break;
            int size = SIZES[r.nextInt(4)];
            int off = r.nextInt(16) - 4;
            switch (r.nextInt(pointer ? 10 : 6)) {
                case 0 -> p.add(op(LDX | MEM | size, 8, 9, off, 0));
                case 1 -> p.add(op(STX | MEM | size, 9, 7, off, 0));
                case 2 -> {
                    p.add(op(ALU64 | X | MOV, 5, 9, 0, 0));
                    p.add(op(LDX | MEM | size, 7, 5, off, 0));
                }
                case 3 -> p.add(op(ALU64 | X | ADD, 0, 7 + r.nextInt(2), 0, 0));
                case 4 -> p.add(op(ALU64 | K | MUL, 6, 0, 0, 3 + r.nextInt(5)));
                case 5 -> {
                    exits.add(p.size());
                    p.add(op(JMP | K | JEQ, 7, 0, 0, r.nextInt(4)));
                }
                case 6, 7 -> p.add(op(LDX | (r.nextInt(4) == 0 && size != DW ? MEMSX : MEM) | size, 7, 3, off, 0));
                case 8 -> p.add(op(STX | MEM | size, 3, 0, off, 0));
                default -> p.add(op(ST | MEM | size, 3, 0, off, r.nextInt()));
            }
        }
        if (bottomTest) {
            Insn t = testInsn(r, cont, limitInRegister, limitImm);
            p.add(op(t.opcode(), t.dst(), t.src(), header - p.size() - 1, t.imm()));
        } else {
            p.add(op(JMP | JA, 0, 0, header - p.size() - 1, 0));
        }
        int out = p.size();
        for (int at : exits) {
            Insn j = p.get(at);
            p.set(at, op(j.opcode(), j.dst(), j.src(), out - at - 1, j.imm()));
        }
        p.add(op(ALU64 | X | ADD, 0, 6, 0, 0));
        p.add(op(ALU64 | X | ADD, 0, 3, 0, 0));
        p.add(op(JMP | EXIT, 0, 0, 0, 0));
        long budget = r.nextInt(4) == 0 ? 1 + r.nextInt(400) : 1_000_000;
        return new Generated(p, memory, budget);
    }

    /** The exit or continue test {@code r3 <op> limit}, sometimes written the other way round ({@code limit <op'> r3}). */
    private static Insn testInsn(Random r, int op, boolean limitInRegister, int limitImm) {
        if (!limitInRegister) return op(JMP | K | op, 3, 0, 0, limitImm);
        if (r.nextBoolean()) return op(JMP | X | op, 3, 4, 0, 0);
        return op(JMP | X | mirror(op), 4, 3, 0, 0);
    }

    private static int negate(int op) {
        return switch (op) {
            case JLT -> JGE; case JLE -> JGT; case JGT -> JLE; case JGE -> JLT;
            case JSLT -> JSGE; case JSLE -> JSGT; case JSGT -> JSLE; case JSGE -> JSLT;
            case JNE -> JEQ; case JEQ -> JNE;
            default -> throw new IllegalArgumentException();
        };
    }

    private static int mirror(int op) {
        return switch (op) {
            case JLT -> JGT; case JLE -> JGE; case JGT -> JLT; case JGE -> JLE;
            case JSLT -> JSGT; case JSLE -> JSGE; case JSGT -> JSLT; case JSGE -> JSLE;
            case JNE, JEQ -> op;
            default -> throw new IllegalArgumentException();
        };
    }
}
