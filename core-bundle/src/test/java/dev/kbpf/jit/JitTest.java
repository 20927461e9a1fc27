package dev.kbpf.jit;

import static dev.kbpf.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import dev.kbpf.memory.RegionTable;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class JitTest {

    private static Insn op(int opcode, int dst, int src, int off, int imm) { return new Insn(opcode, dst, src, off, imm); }

    private static Insn exit() { return op(JMP | EXIT, 0, 0, 0, 0); }

    /**
     * A program of about 50,000 instructions: a loop whose body is 20,000 ALU instructions (run
     * three times), a gotol over 20,000 more, and a local call to a 10,000-instruction subprogram.
     */
    static List<Insn> hugeProgram() {
        Random rnd = new Random(50_000);
        List<Insn> p = new ArrayList<>();
        p.add(op(ALU64 | K | MOV, 0, 0, 0, 1));
        p.add(op(ALU64 | K | MOV, 6, 0, 0, 3));
        int head = p.size();
        int[] ops = {ADD, SUB, XOR, MUL, OR, LSH, RSH};
        for (int i = 0; i < 20_000; i++) {
            int o = ops[rnd.nextInt(ops.length)];
            int imm = o == LSH || o == RSH ? rnd.nextInt(7) : rnd.nextInt(1000) + 1;
            p.add(op((rnd.nextBoolean() ? ALU64 : ALU) | K | o, rnd.nextInt(6), 0, 0, imm));
            if (rnd.nextInt(500) == 0) p.add(op(ALU64 | X | ADD, 0, rnd.nextInt(6), 0, 0));
        }
        p.add(op(ALU64 | K | ADD, 6, 0, 0, -1));
        p.add(op(JMP | K | JNE, 6, 0, head - p.size() - 1, 0));
        int skip = 20_000;
        p.add(op(JMP32 | JA, 0, 0, 0, skip));
        for (int i = 0; i < skip; i++) p.add(op(ALU64 | K | MOV, 0, 0, 0, 0xdead));   // never runs
        int call = p.size();
        p.add(op(JMP | CALL, 0, PSEUDO_CALL, 0, 0));   // target patched below
        p.add(exit());
        int sub = p.size();
        p.set(call, op(JMP | CALL, 0, PSEUDO_CALL, 0, sub - call - 1));
        for (int i = 0; i < 10_000; i++) p.add(op(ALU64 | K | (i % 2 == 0 ? ADD : XOR), 0, 0, 0, i));
        p.add(exit());
        return p;
    }

    @Test
    void aHugeProgramIsSplitIntoMethodsC2Compiles() {
        List<Insn> p = hugeProgram();
        assertTrue(p.size() > 50_000, "program size " + p.size());
        ExecutableProgram program = ExecutableProgram.unverified(p, FunctionTable.EMPTY);
        JitExecutor jit = Jit.compileStrict(program);
        assertTrue(jit.regionMethods() > 20, "regions: " + jit.regionMethods());
        // every generated method stays under HotSpot's HugeMethodLimit (8,000 bytes)
        List<String> tooBig = new ArrayList<>();
        new ClassReader(jit.classBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                CodeSize size = new CodeSize() {
                    @Override public void visitEnd() { if (bytes() >= 8000) tooBig.add(name + ": " + bytes()); }
                };
                return size;
            }
        }, ClassReader.SKIP_FRAMES);
        assertEquals(List.of(), tooBig);

        ExecutionContext a = new ExecutionContext();
        ExecutionContext b = new ExecutionContext();
        long expected = new Interpreter(program).run(a, 0);
        assertEquals(expected, jit.run(b, 0));
        assertEquals(a.instructionsExecuted(), b.instructionsExecuted());
        assertTrue(b.instructionsExecuted() > 70_000);
        // a budget that runs out in the middle of the second round, deep inside some region
        a.setInstructionBudget(33_333);
        b.setInstructionBudget(33_333);
        ExecutionFault fa = assertThrows(ExecutionFault.class, () -> new Interpreter(program).run(a, 0));
        ExecutionFault fb = assertThrows(ExecutionFault.class, () -> jit.run(b, 0));
        assertEquals(fa.getMessage(), fb.getMessage());
        assertEquals(fa.slot(), fb.slot());
    }

    @Test
    void whatCannotBeCompiledRunsInTheInterpreterInstead() {
        ExecutableProgram program = ExecutableProgram.unverified(hugeProgram(), FunctionTable.EMPTY);
        // one region for everything: a method far over the JVM's 64 KB limit
        Executor e = Jit.compile(program, Integer.MAX_VALUE);
        assertInstanceOf(Interpreter.class, e);
        assertEquals(new Interpreter(program).run(new ExecutionContext(), 0), e.run(new ExecutionContext(), 0));
        ControlFlow flow = new ControlFlow(program.insns());
        RuntimeException tooLarge = assertThrows(RuntimeException.class,
                () -> new ProgramCompiler(program, flow, new JitRuntime(program, flow), Integer.MAX_VALUE, ProgramCompiler.Loops.VERSIONED).compile());
        assertTrue(tooLarge.getClass().getSimpleName().contains("TooLarge"), tooLarge.toString());
        assertInstanceOf(JitExecutor.class, Jit.compile(program));
    }

    @Test
    void theHiddenClassIsUnloadedWhenTheExecutorIsDropped() throws InterruptedException {
        List<Insn> p = List.of(op(ALU64 | K | MOV, 0, 0, 0, 42), exit());
        WeakReference<Class<?>> cls = compileAndForget(p);
        for (int i = 0; i < 100 && cls.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertNull(cls.get(), "the generated class is still reachable after dropping its executor");
    }

    private static WeakReference<Class<?>> compileAndForget(List<Insn> p) {
        JitExecutor jit = Jit.compileStrict(ExecutableProgram.unverified(p, FunctionTable.EMPTY));
        assertEquals(42, jit.run(new ExecutionContext(), 0));
        assertTrue(jit.generatedClass().isHidden());
        return new WeakReference<>(jit.generatedClass());
    }

    @Test
    void theListingShowsBpfInstructionsAboveTheirBytecode() {
        List<Insn> p = List.of(op(ALU64 | K | MOV, 0, 0, 0, 7), op(ALU64 | X | ADD, 0, 1, 0, 0),
                op(STX | MEM | DW, 10, 0, -8, 0), exit());
        JitExecutor jit = Jit.compileStrict(ExecutableProgram.unverified(p, FunctionTable.EMPTY));
        String listing = jit.bytecodeListing();
        assertTrue(listing.contains("method f0"), listing);
        assertTrue(listing.contains("; 1: (0f) r0 += r1"), listing);
        assertTrue(listing.contains("LADD"), listing);
        assertTrue(listing.contains("dev/kbpf/jit/JitMemory.store64"), listing);   // r10-based: straight to the stack array
        assertTrue(jit.compileTime().toNanos() > 0);
        assertTrue(jit.classSize() > 0);
        assertEquals(8, jit.run(new ExecutionContext(), 1));
    }

    @Test
    void malformedProgramsAreRefusedAsTheInterpreterRefusesThem() {
        List<Insn> p = List.of(op(ALU64 | K | MOV, 10, 0, 0, 1), exit());
        ExecutableProgram program = ExecutableProgram.unverified(p, FunctionTable.EMPTY);
        InvalidProgramException i = assertThrows(InvalidProgramException.class, () -> new Interpreter(program));
        InvalidProgramException j = assertThrows(InvalidProgramException.class, () -> Jit.compile(program));
        assertEquals(i.getMessage(), j.getMessage());
    }

    @Test
    void helpersAreCalledInOrderWithTheirArgumentsAndMapValuesAreShared() {
        RegionTable regions = new RegionTable();
        byte[] value = new byte[16];
        int id = regions.register(Region.of(RegionKind.MAP_VALUE, "map counts", value));
        long valueAddr = dev.kbpf.memory.Address.of(id, 0);
        List<String> calls = new ArrayList<>();
        FunctionTable helpers = FunctionTable.builder()
                .put(1, "lookup", (ctx, r1, r2, r3, r4, r5) -> { calls.add("lookup " + r1 + " " + r2); return valueAddr; })
                .build();
        List<Insn> p = List.of(
                op(ALU64 | K | MOV, 1, 0, 0, 5), op(ALU64 | K | MOV, 2, 0, 0, 6),
                op(JMP | CALL, 0, CALL_HELPER, 0, 1),
                op(ALU64 | K | MOV, 1, 0, 0, 3),
                op(STX | ATOMIC | DW, 0, 1, 8, ADD),                 // lock *(u64 *)(r0 + 8) += r1
                op(ALU64 | K | MOV, 1, 0, 0, 9),
                op(JMP | CALL, 0, CALL_HELPER, 0, 1),
                op(LDX | MEM | DW, 0, 0, 8, 0),
                exit());
        JitExecutor jit = Jit.compileStrict(ExecutableProgram.unverified(p, helpers));
        ExecutionContext ctx = new ExecutionContext(regions);
        assertEquals(3, jit.run(ctx, 0));
        assertEquals(List.of("lookup 5 6", "lookup 9 6"), calls);
        assertEquals(3, value[8]);
        assertEquals(9, ctx.instructionsExecuted());
    }

    @Test
    void atomicsAreRealAtomicsAcrossThreads() throws InterruptedException {
        RegionTable regions = new RegionTable();
        byte[] value = new byte[8];
        int id = regions.register(Region.of(RegionKind.MAP_VALUE, "counter", value));
        // r1 = the counter; 100,000 times: lock *(u64 *)(r1 + 0) += 1
        List<Insn> p = List.of(
                op(ALU64 | K | MOV, 6, 0, 0, 100_000),
                op(ALU64 | K | MOV, 2, 0, 0, 1),
                op(STX | ATOMIC | DW, 1, 2, 0, ADD),
                op(ALU64 | K | ADD, 6, 0, 0, -1),
                op(JMP | K | JNE, 6, 0, -4, 0),
                op(ALU64 | K | MOV, 0, 0, 0, 0),
                exit());
        JitExecutor jit = Jit.compileStrict(ExecutableProgram.unverified(p, FunctionTable.EMPTY));
        long addr = dev.kbpf.memory.Address.of(id, 0);
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> jit.run(new ExecutionContext(regions), addr));
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        assertEquals(200_000L, java.nio.ByteBuffer.wrap(value).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0));
    }

    @Test
    void theNinthFrameFaultsAsInTheInterpreter() {
        List<Insn> p = List.of(op(JMP | CALL, 0, PSEUDO_CALL, 0, -1), exit());   // calls itself forever
        ExecutableProgram program = ExecutableProgram.unverified(p, FunctionTable.EMPTY);
        ExecutionContext a = new ExecutionContext();
        ExecutionContext b = new ExecutionContext();
        ExecutionFault fa = assertThrows(ExecutionFault.class, () -> new Interpreter(program).run(a, 0));
        ExecutionFault fb = assertThrows(ExecutionFault.class, () -> Jit.compileStrict(program).run(b, 0));
        assertEquals(ExecutionFault.Kind.CALL_DEPTH, fb.kind());
        assertEquals(fa.getMessage(), fb.getMessage());
        assertEquals(a.instructionsExecuted(), b.instructionsExecuted());
    }

    @Test
    void invokeEntersSubprogramsAndOtherSlotsInAnyFrameAsTheInterpreterDoes() {
        // 0: r0 = r1 + 1; exit   2: r0 = r1 * 2; r0 += r2; exit (a subprogram only a callback would name)
        List<Insn> p = List.of(op(ALU64 | X | MOV, 0, 1, 0, 0), op(ALU64 | K | ADD, 0, 0, 0, 1), exit(),
                op(ALU64 | X | MOV, 0, 1, 0, 0), op(ALU64 | K | MUL, 0, 0, 0, 2), op(ALU64 | X | ADD, 0, 2, 0, 0),
                op(STX | MEM | DW, 10, 0, -8, 0), exit());
        ExecutableProgram program = ExecutableProgram.unverified(p, FunctionTable.EMPTY);
        JitExecutor jit = Jit.compileStrict(program);
        Interpreter interp = new Interpreter(program);
        for (int frame = 0; frame < ExecutionContext.MAX_FRAMES; frame++) {
            ExecutionContext a = new ExecutionContext();
            ExecutionContext b = new ExecutionContext();
            assertEquals(interp.invoke(a, 3, frame, 20, 3, 0, 0, 0), jit.invoke(b, 3, frame, 20, 3, 0, 0, 0));
            assertEquals(43, jit.invoke(b, 3, frame, 20, 3, 0, 0, 0));
            assertArrayEquals(a.stack(), b.stack(), "the store lands in frame " + frame);
            assertEquals(a.instructionsExecuted(), b.instructionsExecuted());
        }
        ExecutionFault fa = assertThrows(ExecutionFault.class, () -> interp.invoke(new ExecutionContext(), 0, 8, 1, 0, 0, 0, 0));
        ExecutionFault fb = assertThrows(ExecutionFault.class, () -> jit.invoke(new ExecutionContext(), 0, 8, 1, 0, 0, 0, 0));
        assertEquals(fa.getMessage(), fb.getMessage());
        IllegalArgumentException ia = assertThrows(IllegalArgumentException.class, () -> interp.invoke(new ExecutionContext(), 99, 0, 0, 0, 0, 0, 0));
        IllegalArgumentException ib = assertThrows(IllegalArgumentException.class, () -> jit.invoke(new ExecutionContext(), 99, 0, 0, 0, 0, 0, 0));
        assertEquals(ia.getMessage(), ib.getMessage());
    }

    @Test
    void aCallbackNamedByLddwPseudoFuncRunsCompiledInTheNextFrame() {
        // r1 = &callback; r2 = 5; call 9 (runs the callback with r1 = r2); r0 += 1; exit
        // callback: r0 = r1 * 10; *(u64 *)(r10 - 8) = r0; exit
        List<Insn> p = List.of(
                new Insn(LD_IMM64, 1, PSEUDO_FUNC, 0, 5), new Insn(0, 0, 0, 0, 0),
                op(ALU64 | K | MOV, 2, 0, 0, 5),
                op(JMP | CALL, 0, CALL_HELPER, 0, 9),
                op(ALU64 | K | ADD, 0, 0, 0, 1),
                exit(),
                op(ALU64 | X | MOV, 0, 1, 0, 0), op(ALU64 | K | MUL, 0, 0, 0, 10), op(STX | MEM | DW, 10, 0, -8, 0), exit());
        FunctionTable helpers = FunctionTable.builder()
                .put(9, "loop", (ctx, r1, r2, r3, r4, r5) -> ctx.unwrap(ExecutionContext.class).callback(r1, r2, 0, 0, 0, 0))
                .build();
        ExecutableProgram program = ExecutableProgram.unverified(p, helpers);
        JitExecutor jit = Jit.compileStrict(program);
        assertTrue(jit.bytecodeListing().contains("method f5"), "the callback (slot 6, instruction 5) is a compiled subprogram");
        ExecutionContext a = new ExecutionContext();
        ExecutionContext b = new ExecutionContext();
        assertEquals(new Interpreter(program).run(a, 0), jit.run(b, 0));
        assertEquals(51, jit.run(b, 0));
        assertArrayEquals(a.stack(), b.stack());
        assertEquals(50, b.stack()[2 * ExecutionContext.STACK_SIZE - 8], "the callback's frame is frame 1");
    }

    /**
     * Loads the verifier proved to read the context go straight to the context's array; a context
     * smaller than the loads (or none) faults exactly as in the interpreter, at the same load.
     */
    @Test
    void contextLoadsTheVerifierProvedReadTheContextArrayAndFaultLikeTheInterpreterOutsideIt() {
        List<Insn> p = List.of(
                op(LDX | MEM | W, 0, 1, 4, 0),
                op(LDX | MEMSX | B, 2, 1, 20, 0),
                op(ALU64 | X | ADD, 0, 2, 0, 0),
                op(LDX | MEM | DW, 3, 1, 8, 0),
                op(ALU64 | X | XOR, 0, 3, 0, 0),
                exit());
        dev.kbpf.exec.AccessHints ctxLoads = slot -> slot <= 3 && slot != 2 ? dev.kbpf.exec.PointerKind.CTX : dev.kbpf.exec.PointerKind.UNKNOWN;
        ExecutableProgram program = new ExecutableProgram(p, FunctionTable.EMPTY, FunctionTable.EMPTY, ctxLoads);
        JitExecutor jit = Jit.compileStrict(program);
        assertTrue(jit.bytecodeListing().contains("context"), "the method looks the context up once");
        Random rnd = new Random(7);
        for (int size : new int[] {24, 64, 21, 20, 16, 12, 8, 3, 0, -1}) {
            for (int round = 0; round < 3; round++) {
                byte[] record = size < 0 ? null : new byte[size];
                if (record != null) rnd.nextBytes(record);
                assertEquals(outcome(new Interpreter(program), record), outcome(jit, record), "context of " + size + " bytes");
            }
        }
    }

    /** r0 or the fault, with the context {@code record} (none when null) in r1. */
    private static String outcome(Executor e, byte[] record) {
        ExecutionContext ctx = new ExecutionContext();
        long r1 = record == null ? dev.kbpf.memory.Address.of(dev.kbpf.memory.AddressSpace.CONTEXT_ID, 0)
                : ctx.setContext(Region.of(RegionKind.CONTEXT, "record", record.clone()));
        try {
            return "r0=" + e.run(ctx, r1);
        } catch (ExecutionFault f) {
            return f.kind() + " at " + f.slot() + ": " + f.getMessage();
        }
    }
}
