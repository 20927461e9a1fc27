package dev.kbpf.helpers.destructive;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.ProgType;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.spi.HelperServices;
import dev.kbpf.spi.PanicContext;
import dev.kbpf.spi.ProgRef;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The caller's frame as a destructive kfunc builds it from the SPI: arguments, frame pointer, stack. */
class CallerFramesTest {
    static final ProgRef PROG = new ProgRef(42, "detect", "0123456789abcdef");

    /** Services of a runtime that reports the caller: type, call index and frame pointer, or (all null) nothing. */
    static HelperServices services(ProgType type, int insn, long fp) {
        return (HelperServices) Proxy.newProxyInstance(HelperServices.class.getClassLoader(), new Class<?>[] {HelperServices.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "program" -> PROG;
                    case "programType" -> Optional.ofNullable(type);
                    case "callInsnIndex" -> insn;
                    case "framePointer" -> fp;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theFrameHoldsTheArgumentsTheFramePointerAndTheStackBelowIt() {
        ExecutionContext ctx = new ExecutionContext();
        long fp = ExecutionContext.framePointer(0);
        ctx.setServices(services(ProgType.KPROBE, 9, fp));
        ctx.writeBytes(fp - 8, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ctx.writeBytes(fp - 512, new byte[] {(byte) 0xaa});

        PanicContext c = CallerFrames.of(ctx, 11, 22, 33, 44, 55);

        PanicContext.ProgramFrame f = assertInstanceOf(PanicContext.ProgramFrame.class, c);
        assertEquals(PROG, f.prog());
        assertEquals(ProgType.KPROBE, f.progType());
        assertEquals(9, f.insnIndex());
        assertArrayEquals(new long[] {0, 11, 22, 33, 44, 55, 0, 0, 0, 0, fp}, f.registers());
        byte[] stack = f.stack();
        assertEquals(512, stack.length);
        assertEquals((byte) 0xaa, stack[0], "lowest address first");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, java.util.Arrays.copyOfRange(stack, 504, 512), "the last bytes are just below r10");
    }

    @Test
    void aFramePointerOutsideTheStackGivesAFrameWithoutStack() {
        ExecutionContext ctx = new ExecutionContext();
        ctx.setServices(services(ProgType.TRACEPOINT, 0, 0x1234L));
        PanicContext.ProgramFrame f = assertInstanceOf(PanicContext.ProgramFrame.class, CallerFrames.of(ctx, 1, 2, 3, 4, 5));
        assertEquals(0, f.stack().length);
        assertEquals(0x1234L, f.register(10));
    }

    @Test
    void withoutTheCallersTypeOrCallIndexTheCallerIsNamedNotFramed() {
        for (HelperServices s : new HelperServices[] {services(null, 3, 0), services(ProgType.TRACEPOINT, -1, 0)}) {
            ExecutionContext ctx = new ExecutionContext();
            ctx.setServices(s);
            PanicContext.Kernel k = assertInstanceOf(PanicContext.Kernel.class, CallerFrames.of(ctx, 1, 2, 3, 4, 5));
            assertEquals("bpf prog 42 'detect' tag 0123456789abcdef (the runtime does not report the caller's frame)", k.describe());
        }
    }
}
