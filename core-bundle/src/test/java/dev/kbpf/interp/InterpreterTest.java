package dev.kbpf.interp;

import static dev.kbpf.interp.Asm.prog;
import static dev.kbpf.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Address;
import dev.kbpf.memory.MemoryFault;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import dev.kbpf.memory.RegionTable;
import dev.kbpf.spi.MemoryAccessException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterpreterTest {

    private static long run(Asm a) { return run(a.build(), FunctionTable.EMPTY, new ExecutionContext(), 0); }

    private static long run(List<Insn> p, FunctionTable helpers, ExecutionContext ctx, long r1) {
        return new Interpreter(ExecutableProgram.unverified(p, helpers)).run(ctx, r1);
    }

    private static ExecutionFault fault(Asm a) { return fault(a.build(), FunctionTable.EMPTY, new ExecutionContext(), 0); }

    private static ExecutionFault fault(List<Insn> p, FunctionTable helpers, ExecutionContext ctx, long r1) {
        ExecutionFault f = assertThrows(ExecutionFault.class, () -> run(p, helpers, ctx, r1));
        assertTrue(ctx.faulted());
        assertSame(f, ctx.lastFault());
        return f;
    }

    // ------------------------------------------------------------------ ALU

    @Test
    void divisionByZeroGivesZeroAndModuloKeepsTheDividend() {
        assertEquals(0, run(prog().mov(0, 7).mov(1, 0).alu64x(DIV, 0, 1).exit()));
        assertEquals(0, run(prog().mov(0, 7).alu64(DIV, 0, 0).exit()));
        assertEquals(-7L, run(prog().mov(0, -7).mov(1, 0).alu64x(MOD, 0, 1).exit()));
        // 32-bit: the kept dividend is zero-extended
        assertEquals(0xfffffff9L, run(prog().mov(0, -7).mov(1, 0).alu32x(MOD, 0, 1).exit()));
        assertEquals(0, run(prog().mov(0, -7).mov(1, 0).alu32x(DIV, 0, 1).exit()));
        // signed forms (offset 1)
        assertEquals(0, run(prog().mov(0, -7).raw(ALU64 | K | DIV, 0, 0, 1, 0).exit()));
        assertEquals(-7L, run(prog().mov(0, -7).raw(ALU64 | K | MOD, 0, 0, 1, 0).exit()));
        assertEquals(0xfffffff9L, run(prog().mov(0, -7).raw(ALU | K | MOD, 0, 0, 1, 0).exit()));
        // a zero divisor in the low half only counts for 32-bit
        assertEquals(7, run(prog().mov(0, 7).lddw(1, 0x1_0000_0000L).alu32x(DIV, 0, 1).alu32(ADD, 0, 7).exit()));
        assertEquals(0, run(prog().mov(0, 7).lddw(1, 0x1_0000_0000L).alu64x(DIV, 0, 1).exit()));
    }

    @Test
    void signedDivisionOverflowWraps() {
        assertEquals(Long.MIN_VALUE, run(prog().lddw(0, Long.MIN_VALUE).raw(ALU64 | K | DIV, 0, 0, 1, -1).exit()));
        assertEquals(0, run(prog().lddw(0, Long.MIN_VALUE).raw(ALU64 | K | MOD, 0, 0, 1, -1).exit()));
        assertEquals(0x80000000L, run(prog().alu32(MOV, 0, Integer.MIN_VALUE).mov(1, -1).raw(ALU | X | DIV, 0, 1, 1, 0).exit()));
        assertEquals(0, run(prog().alu32(MOV, 0, Integer.MIN_VALUE).mov(1, -1).raw(ALU | X | MOD, 0, 1, 1, 0).exit()));
        // truncated modulo: the sign follows the dividend
        assertEquals(-1L, run(prog().mov(0, -13).raw(ALU64 | K | MOD, 0, 0, 1, 3).exit()));
        assertEquals(1L, run(prog().mov(0, 13).raw(ALU64 | K | MOD, 0, 0, 1, -3).exit()));
    }

    @Test
    void unsignedDivisionTreatsASignExtendedImmediateAsUnsigned() {
        // ALU64: imm -1 is 0xffff_ffff_ffff_ffff unsigned
        assertEquals(0, run(prog().mov(0, 12).alu64(DIV, 0, -1).exit()));
        assertEquals(1, run(prog().mov(0, -1).alu64(DIV, 0, -1).exit()));
        // ALU: imm -1 is 0xffff_ffff
        assertEquals(1, run(prog().mov(0, -1).alu32(DIV, 0, -1).exit()));
    }

    @Test
    void shiftCountsAreMasked() {
        assertEquals(2, run(prog().mov(0, 1).alu64(LSH, 0, 65).exit()));
        assertEquals(2, run(prog().mov(0, 1).alu32(LSH, 0, 33).exit()));
        assertEquals(Long.MIN_VALUE, run(prog().mov(0, 1).mov(1, -1).alu64x(LSH, 0, 1).exit()));
        assertEquals(0x80000000L, run(prog().mov(0, 1).mov(1, -1).alu32x(LSH, 0, 1).exit()));
        assertEquals(-1L, run(prog().mov(0, -2).alu64(ARSH, 0, 64 + 1).exit()));
        assertEquals(0xffffffffL, run(prog().mov(0, -2).alu32(ARSH, 0, 33).exit()));
        assertEquals(0x7fffffffL, run(prog().mov(0, -2).alu32(RSH, 0, 33).exit()));
    }

    @Test
    void thirtyTwoBitResultsAreZeroExtendedAndImmediatesSignExtended() {
        assertEquals(-1L, run(prog().mov(0, -1).exit()));
        assertEquals(0xffffffffL, run(prog().alu32(MOV, 0, -1).exit()));
        assertEquals(0, run(prog().mov(0, -1).alu32(ADD, 0, 1).exit()));
        assertEquals(0xffffffffL, run(prog().mov(0, 0).alu32(SUB, 0, 1).exit()));
        assertEquals(0x80000000L, run(prog().alu32(MOV, 0, Integer.MIN_VALUE).raw(ALU | NEG, 0, 0, 0, 0).exit()));
        assertEquals(Long.MIN_VALUE, run(prog().lddw(0, Long.MIN_VALUE).raw(ALU64 | NEG, 0, 0, 0, 0).exit()));
        assertEquals(0xfffffffeL, run(prog().mov(0, -1).alu32(MUL, 0, 2).exit()));
        assertEquals(0x5566778800000000L + 0x11L, run(prog().lddw(0, 0x5566778800000011L).exit()));
    }

    @Test
    void movsxSignExtendsFromEachWidth() {
        assertEquals(-128L, run(prog().mov(1, 0x180).raw(ALU64 | X | MOV, 0, 1, 8, 0).exit()));
        assertEquals(-32768L, run(prog().mov(1, 0x18000).raw(ALU64 | X | MOV, 0, 1, 16, 0).exit()));
        assertEquals((long) Integer.MIN_VALUE, run(prog().lddw(1, 0x1_8000_0000L).raw(ALU64 | X | MOV, 0, 1, 32, 0).exit()));
        assertEquals(0xffffff80L, run(prog().mov(1, 0x180).raw(ALU | X | MOV, 0, 1, 8, 0).exit()));
        assertEquals(0xffff8000L, run(prog().mov(1, 0x18000).raw(ALU | X | MOV, 0, 1, 16, 0).exit()));
    }

    @Test
    void byteSwaps() {
        long v = 0x1122334455667788L;
        assertEquals(0x8877L, run(prog().lddw(0, v).raw(ALU | X | END, 0, 0, 0, 16).exit()));
        assertEquals(0x88776655L, run(prog().lddw(0, v).raw(ALU | X | END, 0, 0, 0, 32).exit()));
        assertEquals(0x8877665544332211L, run(prog().lddw(0, v).raw(ALU | X | END, 0, 0, 0, 64).exit()));
        assertEquals(0x7788L, run(prog().lddw(0, v).raw(ALU | K | END, 0, 0, 0, 16).exit()));
        assertEquals(0x55667788L, run(prog().lddw(0, v).raw(ALU | K | END, 0, 0, 0, 32).exit()));
        assertEquals(v, run(prog().lddw(0, v).raw(ALU | K | END, 0, 0, 0, 64).exit()));
        assertEquals(0x8877L, run(prog().lddw(0, v).raw(ALU64 | K | END, 0, 0, 0, 16).exit()));
        assertEquals(0x8877665544332211L, run(prog().lddw(0, v).raw(ALU64 | K | END, 0, 0, 0, 64).exit()));
    }

    // ------------------------------------------------------------------ jumps

    @Test
    void jmp32ComparesOnlyTheLowHalves() {
        // r1 = 0x1_0000_0001: 64-bit jeq 1 not taken, 32-bit jeq 1 taken
        Asm a = prog().lddw(1, 0x1_0000_0001L).mov(0, 0)
                .jmp(JEQ, 1, 1, 1).alu64(OR, 0, 1)
                .raw(JMP32 | K | JEQ, 1, 0, 1, 1).alu64(OR, 0, 2)
                .exit();
        assertEquals(1, run(a));
        // signed 32-bit compare: low half 0xffffffff is -1 < 0
        assertEquals(1, run(prog().lddw(1, 0x7fff_ffff_ffff_ffffL).mov(0, 0).raw(JMP32 | K | JSLT, 1, 0, 1, 0).exit().mov(0, 1).exit()));
        // unsigned 64-bit compare with a sign-extended immediate: -1 is the largest
        assertEquals(1, run(prog().mov(1, 5).mov(0, 0).jmp(JLT, 1, -1, 1).exit().mov(0, 1).exit()));
    }

    @Test
    void gotolTakesItsTargetFromTheImmediate() {
        assertEquals(3, run(prog().mov(0, 1).raw(JMP32 | JA, 0, 0, 0, 1).mov(0, 2).alu64(ADD, 0, 2).exit()));
    }

    @Test
    void jumpsCountLddwAsTwoSlots() {
        // ja +2 skips one lddw (two slots)
        assertEquals(1, run(prog().mov(0, 1).ja(2).lddw(0, 99).exit()));
    }

    // ------------------------------------------------------------------ memory

    @Test
    void loadsAndStoresOnTheStackAndSignExtendingLoads() {
        Asm a = prog().lddw(1, 0x80ff_8000_7f80_0102L).stx(DW, 10, -8, 1)
                .ldxs(B, 2, 10, -7)    // 0x01 -> 1
                .ldxs(H, 3, 10, -6)    // 0x7f80 -> 32640
                .ldxs(W, 4, 10, -4)    // 0x80ff8000 -> negative
                .ldxs(B, 5, 10, -5)    // 0x7f
                .movx(0, 4).exit();
        assertEquals((long) (int) 0x80ff8000, run(a));
        assertEquals(0x7f80L, run(prog().lddw(1, 0x80ff_8000_7f80_0102L).stx(DW, 10, -8, 1).ldxs(H, 0, 10, -6).exit()));
        assertEquals(-128L, run(prog().st(B, 10, -1, 0x80).ldxs(B, 0, 10, -1).exit()));
        assertEquals(0x80L, run(prog().st(B, 10, -1, 0x80).ldx(B, 0, 10, -1).exit()));
        assertEquals(0xffffffffL, run(prog().st(W, 10, -4, -1).ldx(W, 0, 10, -4).exit()));
        assertEquals(-1L, run(prog().st(DW, 10, -8, -1).ldx(DW, 0, 10, -8).exit()));
    }

    @Test
    void memoryFaultsStopTheProgramWithAClearError() {
        ExecutionFault f = fault(prog().mov(1, 0).ldx(DW, 0, 1, 0).exit());   // NULL
        assertEquals(ExecutionFault.Kind.MEMORY, f.kind());
        assertEquals(1, f.slot());
        assertInstanceOf(MemoryFault.class, f.getCause());
        assertTrue(f.getMessage().contains("NULL"), f.getMessage());

        f = fault(prog().ldx(B, 0, 10, 0).exit());   // one past the top of the stack
        assertEquals(ExecutionFault.Kind.MEMORY, f.kind());
        assertTrue(f.getMessage().contains("read of 1 byte"), f.getMessage());

        f = fault(prog().ldx(DW, 0, 10, -4).exit());   // crosses the end of frame 0
        assertTrue(f.getMessage().contains("crosses the end"), f.getMessage());

        f = fault(prog().stx(DW, 10, -520, 1).exit());   // below frame 0: never reaches another frame
        assertTrue(f.getMessage().contains("invalid write of 8 bytes"), f.getMessage());

        f = fault(prog().mov(1, 12345).stx(B, 1, 0, 1).exit());   // a small integer is not a pointer
        assertTrue(f.getMessage().contains("NULL"), f.getMessage());
    }

    @Test
    void readOnlyRegionsRejectStoresAndAtomics() {
        RegionTable table = new RegionTable();
        int id = table.register(new Region(RegionKind.RODATA, ".rodata", new byte[16], 0, 16, true));
        long addr = Address.of(id, 0);
        ExecutionContext ctx = new ExecutionContext(table);
        assertEquals(0, run(prog().ldx(DW, 0, 1, 8).exit().build(), FunctionTable.EMPTY, ctx, addr));
        ExecutionFault f = fault(prog().st(W, 1, 0, 1).exit().build(), FunctionTable.EMPTY, ctx, addr);
        assertTrue(f.getMessage().contains("read-only"), f.getMessage());
        f = fault(prog().mov(2, 1).atomic(DW, ADD, 1, 0, 2).exit().build(), FunctionTable.EMPTY, ctx, addr);
        assertTrue(f.getMessage().contains("read-only"), f.getMessage());
    }

    @Test
    void misalignedAtomicsFault() {
        ExecutionFault f = fault(prog().mov(2, 1).atomic(DW, ADD, 10, -12, 2).exit());
        assertEquals(ExecutionFault.Kind.MEMORY, f.kind());
        assertTrue(f.getMessage().contains("misaligned"), f.getMessage());
        f = fault(prog().mov(2, 1).atomic(W, ADD, 10, -6, 2).exit());
        assertTrue(f.getMessage().contains("misaligned"), f.getMessage());
        // plain accesses may be misaligned
        assertEquals(0x0807060504030201L, run(prog().lddw(1, 0x0807060504030201L).stx(DW, 10, -13, 1).ldx(DW, 0, 10, -13).exit()));
    }

    @Test
    void atomicsReturnOldValuesAsTheRfcSays() {
        // fetch add 64: src gets the old value
        assertEquals(10, run(prog().st(DW, 10, -8, 10).mov(2, 5).atomic(DW, ADD | FETCH, 10, -8, 2).movx(0, 2).exit()));
        assertEquals(15, run(prog().st(DW, 10, -8, 10).mov(2, 5).atomic(DW, ADD, 10, -8, 2).ldx(DW, 0, 10, -8).exit()));
        // 32-bit fetch: zero-extended old value
        assertEquals(0xffffffffL, run(prog().st(W, 10, -8, -1).mov(2, 1).atomic(W, ADD | FETCH, 10, -8, 2).movx(0, 2).exit()));
        assertEquals(0, run(prog().st(W, 10, -8, -1).mov(2, 1).atomic(W, ADD, 10, -8, 2).ldx(W, 0, 10, -8).exit()));
        assertEquals(0b1000, run(prog().st(DW, 10, -8, 0b1100).mov(2, 0b1010).atomic(DW, AND, 10, -8, 2).ldx(DW, 0, 10, -8).exit()));
        assertEquals(0b1110, run(prog().st(DW, 10, -8, 0b1100).mov(2, 0b1010).atomic(DW, OR, 10, -8, 2).ldx(DW, 0, 10, -8).exit()));
        assertEquals(0b0110, run(prog().st(DW, 10, -8, 0b1100).mov(2, 0b1010).atomic(DW, XOR, 10, -8, 2).ldx(DW, 0, 10, -8).exit()));
        assertEquals(0b1100, run(prog().st(DW, 10, -8, 0b1100).mov(2, 0b1010).atomic(DW, XOR | FETCH, 10, -8, 2).movx(0, 2).exit()));
        // xchg
        assertEquals(7, run(prog().st(DW, 10, -8, 7).mov(2, 9).atomic(DW, XCHG, 10, -8, 2).movx(0, 2).exit()));
        assertEquals(9, run(prog().st(DW, 10, -8, 7).mov(2, 9).atomic(DW, XCHG, 10, -8, 2).ldx(DW, 0, 10, -8).exit()));
        // cmpxchg: r0 compared, old value to r0; stores only when equal
        assertEquals(9, run(prog().st(DW, 10, -8, 7).mov(0, 7).mov(2, 9).atomic(DW, CMPXCHG, 10, -8, 2).ldx(DW, 0, 10, -8).exit()));
        assertEquals(7, run(prog().st(DW, 10, -8, 7).mov(0, 8).mov(2, 9).atomic(DW, CMPXCHG, 10, -8, 2).ldx(DW, 0, 10, -8).exit()));
        assertEquals(7, run(prog().st(DW, 10, -8, 7).mov(0, 8).mov(2, 9).atomic(DW, CMPXCHG, 10, -8, 2).exit()));
        // cmpxchg32 compares only the low half of r0 and zero-extends the old value
        assertEquals(0xffffffffL, run(prog().st(W, 10, -8, -1).mov(0, -1).mov(2, 3).atomic(W, CMPXCHG, 10, -8, 2).exit()));
        assertEquals(3, run(prog().st(W, 10, -8, -1).mov(0, -1).mov(2, 3).atomic(W, CMPXCHG, 10, -8, 2).ldx(W, 0, 10, -8).exit()));
    }

    @Test
    void atomicAddOnASharedRegionLosesNoIncrementAcrossThreads() throws Exception {
        RegionTable table = new RegionTable();
        byte[] mapValues = new byte[64];
        int id = table.register(new Region(RegionKind.MAP_VALUE, "counts", mapValues, 0, 64, false));
        long counter = Address.of(id, 16);
        // loop 1,000,000 times: lock add [r1+0], 1  (64-bit) and lock add32 [r1+8], 1
        List<Insn> p = prog().mov(6, 0).mov(2, 1)
                .atomic(DW, ADD, 1, 0, 2)
                .atomic(W, ADD, 1, 8, 2)
                .alu64(ADD, 6, 1)
                .jmp(JLT, 6, 1_000_000, -4)
                .mov(0, 0).exit().build();
        Interpreter interp = new Interpreter(ExecutableProgram.unverified(p, FunctionTable.EMPTY));
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                try {
                    interp.run(new ExecutionContext(table), counter);
                } catch (Throwable e) {
                    synchronized (errors) { errors.add(e); }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        assertEquals(List.of(), errors);
        ExecutionContext reader = new ExecutionContext(table);
        assertEquals(2_000_000L, reader.memory().load64(counter));
        assertEquals(2_000_000L, reader.memory().load32(counter + 8));
    }

    // ------------------------------------------------------------------ calls

    @Test
    void localCallsPreserveR6ToR9AndGetTheirOwnStackFrame() {
        Asm a = prog()
                .mov(6, 6).mov(7, 7).mov(8, 8).mov(9, 9)
                .st(DW, 10, -8, 111)
                .mov(1, 5)
                .callLocal(9)                       // -> func at slot 16
                .ldx(DW, 3, 10, -8)                 // caller's slot survives
                .jmp(JNE, 3, 111, 5)
                .jmp(JNE, 6, 6, 4).jmp(JNE, 7, 7, 3).jmp(JNE, 8, 8, 2).jmp(JNE, 9, 9, 1)
                .exit()
                .mov(0, -1).exit()
                // func: r0 = r1 * 2; clobbers r6-r9 and its own [r10-8]
                .st(DW, 10, -8, 222).mov(6, 0).mov(7, 0).mov(8, 0).mov(9, 0)
                .movx(0, 1).alu64(MUL, 0, 2).exit();
        assertEquals(10, run(a));
    }

    @Test
    void eightFramesAreAllowedAndANinthFaults() {
        // a chain of n-1 nested calls: each function calls the next; the innermost returns its depth
        assertEquals(7, run(callChain(8)));
        ExecutionFault f = fault(callChain(9));
        assertEquals(ExecutionFault.Kind.CALL_DEPTH, f.kind());
        assertTrue(f.getMessage().contains("at most 8 call frames"), f.getMessage());
    }

    /** Frames: main calls f1 ... calls f(frames-1); every callee adds 1 to r0 after its call. */
    private static Asm callChain(int frames) {
        Asm a = prog().mov(0, 0).callLocal(1).exit();
        // function k (k = 1..frames-1) at slots 3 + 3(k-1): call next (or nothing), add 1, exit
        for (int k = 1; k < frames; k++) {
            if (k < frames - 1) a.callLocal(2); else a.mov(0, 0);
            a.alu64(ADD, 0, 1).exit();
        }
        return a;
    }

    @Test
    void framesAreSeparateRegions() {
        // the callee cannot reach the caller's frame by walking above its own r10
        ExecutionFault f = fault(prog().callLocal(1).exit().ldx(DW, 0, 10, 8).exit());
        assertEquals(ExecutionFault.Kind.MEMORY, f.kind());
        assertEquals(2, f.slot());
        // but a pointer into the caller's frame, passed in r1, works
        assertEquals(42, run(prog().st(DW, 10, -8, 42).movx(1, 10).alu64(ADD, 1, -8).callLocal(1).exit().ldx(DW, 0, 1, 0).exit()));
    }

    @Test
    void helpersReceiveR1ToR5AndLeaveThemUnchanged() {
        long[] seen = new long[5];
        FunctionTable helpers = FunctionTable.builder().put(7, "probe", (ctx, a, b, c, d, e) -> {
            seen[0] = a; seen[1] = b; seen[2] = c; seen[3] = d; seen[4] = e;
            return a + b + c + d + e;
        }).build();
        List<Insn> p = prog().mov(1, 1).mov(2, 2).mov(3, 3).mov(4, 4).mov(5, 5).call(7)
                .alu64x(ADD, 0, 1).alu64x(ADD, 0, 5).exit().build();
        assertEquals(15 + 1 + 5, run(p, helpers, new ExecutionContext(), 0));
        assertArrayEquals(new long[] {1, 2, 3, 4, 5}, seen);
    }

    @Test
    void callxCallsTheHelperWhoseIdIsInTheRegister() {
        FunctionTable helpers = FunctionTable.builder().put(5, "five", (ctx, a, b, c, d, e) -> 50).build();
        assertEquals(50, run(prog().mov(8, 5).callx(8).exit().build(), helpers, new ExecutionContext(), 0));
        ExecutionFault f = fault(prog().mov(8, 6).callx(8).exit().build(), helpers, new ExecutionContext(), 0);
        assertEquals(ExecutionFault.Kind.UNKNOWN_FUNCTION, f.kind());
        assertTrue(f.getMessage().contains("no helper with id 6"), f.getMessage());
        // the whole register is the id: 0x1_0000_0005 is not helper 5
        f = fault(prog().lddw(8, 0x1_0000_0005L).callx(8).exit().build(), helpers, new ExecutionContext(), 0);
        assertEquals(ExecutionFault.Kind.UNKNOWN_FUNCTION, f.kind());
    }

    @Test
    void kfuncsGoThroughTheirOwnTable() {
        FunctionTable kfuncs = FunctionTable.builder().put(3, "bpf_twice", (ctx, a, b, c, d, e) -> 2 * a).build();
        List<Insn> p = prog().mov(1, 21).kfunc(3).exit().build();
        assertEquals(42, new Interpreter(new ExecutableProgram(p, FunctionTable.EMPTY, kfuncs, null)).run(new ExecutionContext(), 0));
        assertThrows(ExecutionFault.class,
                () -> new Interpreter(new ExecutableProgram(p, kfuncs, FunctionTable.EMPTY, null)).run(new ExecutionContext(), 0));
    }

    @Test
    void helpersReadAndWriteProgramMemoryAndTheirFaultsStopTheProgram() {
        FunctionTable helpers = FunctionTable.builder()
                .put(1, "sum_bytes", (ctx, addr, len, c, d, e) -> {
                    long s = 0;
                    for (byte b : ctx.readBytes(addr, (int) len)) s += b & 0xff;
                    ctx.writeBytes(addr, new byte[] {9});
                    return s;
                })
                .put(2, "explode", (ctx, a, b, c, d, e) -> { throw new IllegalStateException("boom"); })
                .build();
        List<Insn> p = prog().st(W, 10, -4, 0x01020304).movx(1, 10).alu64(ADD, 1, -4).mov(2, 4).call(1)
                .ldx(B, 1, 10, -4).alu64(MUL, 1, 100).alu64x(ADD, 0, 1).exit().build();
        assertEquals(10 + 900, run(p, helpers, new ExecutionContext(), 0));
        // reading past the frame's end from a helper
        List<Insn> bad = prog().movx(1, 10).alu64(ADD, 1, -4).mov(2, 8).call(1).exit().build();
        ExecutionFault f = fault(bad, helpers, new ExecutionContext(), 0);
        assertEquals(ExecutionFault.Kind.MEMORY, f.kind());
        assertInstanceOf(MemoryAccessException.class, f.getCause());
        assertTrue(f.getMessage().contains("sum_bytes#1"), f.getMessage());
        f = fault(prog().call(2).exit().build(), helpers, new ExecutionContext(), 0);
        assertEquals(ExecutionFault.Kind.FUNCTION_FAILED, f.kind());
        assertTrue(f.getMessage().contains("boom"), f.getMessage());
    }

    // ------------------------------------------------------------------ budget, end of program, invalid programs

    @Test
    void theInstructionBudgetEndsEndlessLoops() {
        ExecutionContext ctx = new ExecutionContext();
        ctx.setInstructionBudget(1000);
        ExecutionFault f = fault(prog().mov(0, 0).ja(-1).exit().build(), FunctionTable.EMPTY, ctx, 0);
        assertEquals(ExecutionFault.Kind.BUDGET, f.kind());
        // exact: 1000 instructions run (mov, then ja 999 times), the 1001st (a ja at slot 1) faults unexecuted
        assertEquals(1, f.slot());
        assertEquals(1000, ctx.instructionsExecuted());
        // nothing past the budget happens: the store at slot 2 would be instruction 3
        ExecutionContext ctx2 = new ExecutionContext();
        ctx2.setInstructionBudget(2);
        fault(prog().mov(0, 1).mov(1, 2).st(DW, 10, -8, 7).exit().build(), FunctionTable.EMPTY, ctx2, 0);
        assertEquals(0, ctx2.memory().load64(ExecutionContext.framePointer(0) - 8));
        assertEquals(2, ctx2.lastFault().slot());
    }

    @Test
    void countsExecutedInstructionsWithLddwAsOne() {
        ExecutionContext ctx = new ExecutionContext();
        // sum 1..10: 2 + 3*10 + 1 = 33 instructions, plus one lddw
        List<Insn> p = prog().lddw(5, 1).mov(0, 0).mov(1, 1).alu64x(ADD, 0, 1).alu64(ADD, 1, 1).jmp(JLE, 1, 10, -3).exit().build();
        assertEquals(55, run(p, FunctionTable.EMPTY, ctx, 0));
        assertEquals(34, ctx.instructionsExecuted());
        assertFalse(ctx.faulted());
    }

    @Test
    void fallingOffTheEndFaults() {
        ExecutionFault f = fault(prog().mov(0, 1));
        assertEquals(ExecutionFault.Kind.FELL_OFF_END, f.kind());
        assertEquals(1, f.slot());
    }

    @Test
    void malformedProgramsAreRefusedBeforeRunning() {
        assertInvalid(prog().raw(ALU64 | K | MOV, 11, 0, 0, 0).exit(), "register r11");
        assertInvalid(prog().mov(10, 0).exit(), "read-only frame pointer");
        assertInvalid(prog().ldx(DW, 10, 1, 0).exit(), "read-only frame pointer");
        assertInvalid(prog().ja(5).exit(), "outside the program");
        assertInvalid(prog().ja(-3).exit(), "outside the program");
        assertInvalid(prog().ja(1).lddw(0, 1).exit(), "second half of a lddw");
        assertInvalid(prog().raw(0xff, 0, 0, 0, 0).exit(), "opcode 0xff");
        assertInvalid(prog().raw(LD_IMM64, 0, 0, 0, 0), "missing its second slot");
        assertInvalid(prog().raw(ALU64 | K | DIV, 0, 0, 2, 1).exit(), "division offset");
        assertInvalid(prog().raw(ALU | X | MOV, 0, 1, 32, 0).exit(), "32-bit movsx");
        assertInvalid(prog().raw(STX | ATOMIC | DW, 1, 2, 0, 0x02).exit(), "unknown atomic");
        assertInvalid(prog().raw(LD | ABS | W, 0, 0, 0, 0).exit(), "legacy packet");
        assertInvalid(prog().raw(JMP | CALL, 0, 3, 0, 1).exit(), "call source");
        assertInvalid(prog(), "empty");
    }

    private static void assertInvalid(Asm a, String expected) {
        InvalidProgramException e = assertThrows(InvalidProgramException.class,
                () -> new Interpreter(ExecutableProgram.unverified(a.build(), FunctionTable.EMPTY)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
