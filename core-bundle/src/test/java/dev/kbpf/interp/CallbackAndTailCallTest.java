package dev.kbpf.interp;

import static dev.kbpf.interp.Asm.prog;
import static dev.kbpf.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.isa.Insn;
import dev.kbpf.memory.Address;
import dev.kbpf.memory.AddressSpace;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Callbacks (lddw pseudo func + ExecutionContext.callback) and tail calls (ExecutionContext.requestTailCall). */
class CallbackAndTailCallTest {
    /** A bpf_loop-like helper: calls the callback r2 for i = 0..r1-1 with (i, r3) until it returns 1; returns the count. */
    private static final FunctionTable LOOP = FunctionTable.builder().put(181, "loop", (ctx, n, fn, data, flags, e) -> {
        ExecutionContext ec = ctx.unwrap(ExecutionContext.class);
        long i = 0;
        while (i < n) {
            long stop = ec.callback(fn, i, data, 0, 0, 0);
            i++;
            if (stop == 1) break;
        }
        return i;
    }).build();

    private static Asm pseudoFunc(Asm a, int dst, int rel) {
        return a.raw(LD_IMM64, dst, PSEUDO_FUNC, 0, rel).raw(0, 0, 0, 0, 0);
    }

    @Test
    void callbacksRunInTheirOwnFrameAndSeeTheCallersStackThroughAPointer() {
        // main: [r10-8] = 0; [r10-16] = 777; loop(5, cb, &[r10-8]); r0 = [r10-8] * 1000 + ([r10-16] == 777)
        Asm a = prog().st(DW, 10, -8, 0).st(DW, 10, -16, 777).mov(1, 5);
        pseudoFunc(a, 2, 14);                                   // slots 3-4; callback at slot 3 + 14 + 1 = 18 (Linux: i + imm + 1)
        a.movx(3, 10).alu64(ADD, 3, -8).call(181)              // 5, 6, 7
                .ldx(DW, 0, 10, -8).alu64(MUL, 0, 1000)         // 8, 9
                .ldx(DW, 4, 10, -16).jmp(JNE, 4, 777, 1).alu64(ADD, 0, 1) // 10, 11, 12
                .exit()                                          // 13
                .mov(0, -1).exit().mov(0, -1).exit()            // 14-17 (unused)
                // callback(i, data): *data += i; its own [r10-16] = 5 must not touch main's; return 0
                .st(DW, 10, -16, 5).ldx(DW, 4, 2, 0).alu64x(ADD, 4, 1).stx(DW, 2, 0, 4).mov(0, 0).exit();
        ExecutionContext ctx = new ExecutionContext();
        long r0 = new Interpreter(ExecutableProgram.unverified(a.build(), LOOP)).run(ctx, 0);
        assertEquals((0 + 1 + 2 + 3 + 4) * 1000 + 1, r0);
        // the callback's frame was frame 1
        assertEquals(5, ctx.memory().load64(ExecutionContext.framePointer(1) - 16));
    }

    @Test
    void aCodeAddressIsNotData() {
        Asm a = pseudoFunc(prog(), 2, 1).ldx(DW, 0, 2, 0).exit().mov(0, 0).exit();
        ExecutionContext ctx = new ExecutionContext();
        ExecutionFault f = assertThrows(ExecutionFault.class,
                () -> new Interpreter(ExecutableProgram.unverified(a.build(), FunctionTable.EMPTY)).run(ctx, 0));
        assertEquals(ExecutionFault.Kind.MEMORY, f.kind());
        assertTrue(f.getMessage().contains("code address"), f.getMessage());
        assertThrows(InvalidProgramException.class,
                () -> new Interpreter(ExecutableProgram.unverified(pseudoFunc(prog(), 2, 9).exit().build(), FunctionTable.EMPTY)));
    }

    @Test
    void theCodeAddressNamesTheCallbacksSlot() {
        // r0 = the code address of slot 0 + 2 + 1 = 3, counted from the lddw's first slot as Linux does
        List<Insn> p = pseudoFunc(prog(), 0, 2).exit().mov(0, 1).exit().mov(0, 2).exit().build();
        assertEquals(Address.of(AddressSpace.CODE_ID, 3), new Interpreter(ExecutableProgram.unverified(p, FunctionTable.EMPTY))
                .run(new ExecutionContext(), 0));
    }

    @Test
    void callbacksCountTowardsTheEightFrames() {
        // a callback that calls the loop helper again with itself: frames 1, 2, ... until the ninth faults
        Asm a = prog().mov(1, 1);
        pseudoFunc(a, 2, 3).call(181).exit()                // 0, 1-2, 3, 4; callback at slot 1 + 3 + 1 = 5
                .mov(1, 1).raw(LD_IMM64, 2, PSEUDO_FUNC, 0, -2).raw(0, 0, 0, 0, 0).call(181).exit();   // 5, 6-7 (-> 5), 8, 9
        ExecutionContext ctx = new ExecutionContext();
        ExecutionFault f = assertThrows(ExecutionFault.class,
                () -> new Interpreter(ExecutableProgram.unverified(a.build(), LOOP)).run(ctx, 0));
        assertEquals(ExecutionFault.Kind.CALL_DEPTH, f.kind());
        assertTrue(ctx.faulted());
    }

    @Test
    void aTailCallReplacesTheProgramAndKeepsR1() {
        Executor target = new Interpreter(ExecutableProgram.unverified(
                prog().movx(0, 1).alu64(ADD, 0, 100).exit().build(), FunctionTable.EMPTY));
        FunctionTable helpers = FunctionTable.builder().put(12, "tail_call", (ctx, c, array, index, d, e) ->
                ctx.unwrap(ExecutionContext.class).requestTailCall(target) ? 0 : -2).build();
        List<Insn> caller = prog().mov(1, 23).call(12).mov(0, -1).exit().build();   // mov r0, -1 must not run
        assertEquals(123, new Interpreter(ExecutableProgram.unverified(caller, helpers)).run(new ExecutionContext(), 0));
        // from a subprogram: the target's r0 goes back to the subprogram's caller
        List<Insn> sub = prog().callLocal(2).alu64(ADD, 0, 1000).exit().mov(1, 7).call(12).mov(0, -1).exit().build();
        assertEquals(1107, new Interpreter(ExecutableProgram.unverified(sub, helpers)).run(new ExecutionContext(), 0));
    }

    @Test
    void atMost33TailCallsPerRun() {
        byte[] counter = new byte[8];
        AtomicReference<Executor> self = new AtomicReference<>();
        FunctionTable helpers = FunctionTable.builder().put(12, "tail_call", (ctx, c, array, index, d, e) ->
                ctx.unwrap(ExecutionContext.class).requestTailCall(self.get()) ? 0 : -2).build();
        // each entry: counter += 1, then tail-call itself; when refused, return the helper's error
        List<Insn> p = prog().mov(2, 1).atomic(DW, ADD, 1, 0, 2).call(12).exit().build();
        Interpreter interp = new Interpreter(ExecutableProgram.unverified(p, helpers));
        self.set(interp);
        ExecutionContext ctx = new ExecutionContext();
        long mem = ctx.attachExtra(0, Region.of(RegionKind.RAW, "counter", counter));
        assertEquals(-2, interp.run(ctx, mem));
        assertEquals(1 + ExecutionContext.MAX_TAIL_CALLS, ctx.memory().load64(mem));
        // the count starts again with every run
        assertEquals(-2, interp.run(ctx, mem));
        assertEquals(2 * (1 + ExecutionContext.MAX_TAIL_CALLS), ctx.memory().load64(mem));
    }
}
