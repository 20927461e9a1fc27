package dev.kbpf.spi;

import dev.kbpf.api.ProgType;
import java.util.Arrays;
import java.util.Objects;

/**
 * Who called a destructive operation: a BPF program's frame at the call (what the panic
 * message and the crash dump show), or the kernel itself (a shell command, an administrator).
 */
public sealed interface PanicContext {

    /** Where the call came from, in a line for the kernel log. */
    String describe();

    /**
     * The calling program's frame: the program (id, name, tag, type), the index of the call
     * instruction, registers R0..R10 and the bytes of its stack frame (lowest address first,
     * so the last byte is just below R10).
     */
    record ProgramFrame(int progId, String progName, String tag, ProgType progType, int insnIndex,
                        long[] registers, byte[] stack) implements PanicContext {

        /** R0..R10. */
        public static final int REGISTERS = 11;
        /** Linux's MAX_BPF_STACK. */
        public static final int MAX_STACK = 512;

        public ProgramFrame {
            Objects.requireNonNull(progName, "progName");
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(progType, "progType");
            if (registers == null || registers.length != REGISTERS)
                throw new IllegalArgumentException("a frame holds " + REGISTERS + " registers R0..R10, got "
                        + (registers == null ? "none" : registers.length));
            if (stack == null || stack.length > MAX_STACK)
                throw new IllegalArgumentException("a stack frame holds at most " + MAX_STACK + " bytes, got "
                        + (stack == null ? "none" : stack.length));
            if (insnIndex < 0) throw new IllegalArgumentException("negative instruction index " + insnIndex);
            registers = registers.clone();
            stack = stack.clone();
        }

        @Override public long[] registers() { return registers.clone(); }

        @Override public byte[] stack() { return stack.clone(); }

        /** The frame of program {@code prog} (as the kfunc registry knows it) at instruction {@code insnIndex}. */
        public static ProgramFrame of(ProgRef prog, ProgType type, int insnIndex, long[] registers, byte[] stack) {
            return new ProgramFrame(prog.id(), prog.name(), prog.tag(), type, insnIndex, registers, stack);
        }

        public ProgRef prog() { return new ProgRef(progId, progName, tag); }

        public long register(int r) { return registers[r]; }

        @Override
        public String describe() {
            return "prog " + progId + " '" + progName + "' tag " + tag + " type " + progType + " at insn " + insnIndex;
        }

        @Override public boolean equals(Object o) {
            return o instanceof ProgramFrame f && f.progId == progId && f.progName.equals(progName) && f.tag.equals(tag)
                    && f.progType == progType && f.insnIndex == insnIndex
                    && Arrays.equals(f.registers, registers) && Arrays.equals(f.stack, stack);
        }

        @Override public int hashCode() {
            return Objects.hash(progId, progName, tag, progType, insnIndex, Arrays.hashCode(registers), Arrays.hashCode(stack));
        }

        @Override public String toString() { return "ProgramFrame[" + describe() + "]"; }
    }

    /** A call that no program made: {@code origin} says who did (for example {@code "shell: bpf:panic"}). */
    record Kernel(String origin) implements PanicContext {
        public Kernel {
            Objects.requireNonNull(origin, "origin");
        }

        @Override public String describe() { return origin; }
    }
}
