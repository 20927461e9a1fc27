package dev.kbpf.helpers.destructive;

import dev.kbpf.api.ProgType;
import dev.kbpf.spi.CallContext;
import dev.kbpf.spi.HelperServices;
import dev.kbpf.spi.MemoryAccessException;
import dev.kbpf.spi.PanicContext;
import dev.kbpf.spi.ProgRef;
import java.util.Optional;

/**
 * Who called a destructive kfunc, as the panic message and the crash dump show it: the calling
 * program's frame, built from what the call context offers through the SPI alone (this bundle
 * cannot see the executor's classes at run time).
 *
 * <p>Registers r1..r5 are the call's arguments; r10 is the frame pointer the runtime reports, and
 * the 512 bytes below it are the stack. r0 and r6..r9 live in the executor (JIT locals) and are
 * not visible to a function: they show as 0. Where the runtime does not report the program's
 * type or the call's instruction index, there is no frame to build and the caller is recorded
 * by its program reference only ({@link PanicContext.Kernel} naming the program).
 */
public final class CallerFrames {
    private CallerFrames() {}

    /** r10's index in a frame's register array. */
    private static final int R10 = 10;

    /** The caller of the kfunc being run in {@code ctx}, with the call's argument registers. */
    public static PanicContext of(CallContext ctx, long r1, long r2, long r3, long r4, long r5) {
        HelperServices services = ctx.services();
        ProgRef prog = services.program(ctx);
        Optional<ProgType> type = services.programType(ctx);
        int insn = services.callInsnIndex(ctx);
        if (type.isEmpty() || insn < 0) {
            return new PanicContext.Kernel("bpf prog " + prog.id() + " '" + prog.name() + "' tag " + prog.tag()
                    + " (the runtime does not report the caller's frame)");
        }
        long[] regs = new long[PanicContext.ProgramFrame.REGISTERS];
        regs[1] = r1;
        regs[2] = r2;
        regs[3] = r3;
        regs[4] = r4;
        regs[5] = r5;
        long fp = services.framePointer(ctx);
        regs[R10] = fp;
        return PanicContext.ProgramFrame.of(prog, type.get(), insn, regs, stackBelow(ctx, fp));
    }

    /**
     * The {@value PanicContext.ProgramFrame#MAX_STACK} bytes below {@code fp}, lowest address
     * first; empty when the frame pointer is unknown or its stack cannot be read (a dump without
     * the stack beats no dump).
     */
    static byte[] stackBelow(CallContext ctx, long fp) {
        if (fp == 0) return new byte[0];
        try {
            return ctx.readBytes(fp - PanicContext.ProgramFrame.MAX_STACK, PanicContext.ProgramFrame.MAX_STACK);
        } catch (MemoryAccessException e) {
            return new byte[0];
        }
    }
}
