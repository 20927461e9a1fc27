package dev.kbpf.verifier;

import java.util.ArrayList;
import java.util.List;

import static dev.kbpf.api.Errno.*;
import static dev.kbpf.verifier.AluCases.TRAP;
import static dev.kbpf.verifier.AluCases.unpriv;
import static dev.kbpf.verifier.Case.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The stack: bounds, per-byte initialisation, spill and fill, variable offsets, atomics (selftests basic_stack.c, spill_fill.c, atomic_*.c). */
final class StackCases {
    private StackCases() {}

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(reject("stack out of bounds above fp", "stdw [%r10+8], 0; mov %r0, 0; exit", EACCES, "invalid write to stack R10 off=8 size=8"));
        c.add(reject("stack out of bounds below 512", "stdw [%r10-520], 0; mov %r0, 0; exit", EACCES, "invalid write to stack R10 off=-520 size=8"));
        c.add(reject("stack read above fp", "ldxdw %r0, [%r10+0]; exit", EACCES, "invalid read from stack R10 off=0 size=8"));
        c.add(accept("stack at -512", "stdw [%r10-512], 1; ldxdw %r0, [%r10-512]; exit").then(a -> assertEquals(512, a.facts().stackDepth(0))));
        c.add(reject("uninitialized stack read", "ldxdw %r0, [%r10-8]; exit", EACCES, "invalid read from stack off -8+0 size 8").withoutPerfmon());
        c.add(accept("uninitialized stack read with CAP_PERFMON (Linux's allow_uninit_stack): an unknown value",
                "ldxdw %r0, [%r10-8]; exit", "R0_w=scalar()"));
        c.add(accept("partially initialized stack read with CAP_PERFMON", "stw [%r10-8], 0; ldxdw %r0, [%r10-8]; exit"));
        c.add(reject("partially initialized stack read", "stw [%r10-8], 0; ldxdw %r0, [%r10-8]; exit", EACCES, "invalid read from stack off -8+4 size 8").withoutPerfmon());
        c.add(reject("uninit read at -512", "ldxb %r0, [%r10-512]; exit", EACCES, "invalid read from stack off -512+0 size 1").withoutPerfmon());
        c.add(reject("misaligned stack read", "stdw [%r10-8], 0; stdw [%r10-16], 0; ldxdw %r0, [%r10-12]; exit", EACCES,
                "misaligned stack access off (0x0; 0x0)+0+-12 size 8"));
        c.add(reject("misaligned stack write", "mov %r1, 1; stxw [%r10-6], %r1; mov %r0, 0; exit", EACCES, "misaligned stack access"));
        c.add(accept("byte store and load", "stb [%r10-1], 7; ldxb %r0, [%r10-1]; jgt %r0, 255, +1; exit; " + TRAP));
        c.add(accept("zero bytes read as zero", "stw [%r10-4], 0; ldxw %r0, [%r10-4]; jeq %r0, 0, +2; " + TRAP + "; exit", "fp-8_w=0000????"));
        c.add(accept("spill and fill ctx pointer", "stxdw [%r10-8], %r1; ldxdw %r2, [%r10-8]; ldxw %r0, [%r2+0]; exit", "fp-8_w=ctx()"));
        c.add(accept("spill keeps constants", "mov %r1, 42; stxdw [%r10-8], %r1; ldxdw %r0, [%r10-8]; jeq %r0, 42, +2; " + TRAP + "; exit"));
        c.add(accept("narrow fill of spilled constant", "lddw %r1, 0x1122334455667788; stxdw [%r10-8], %r1; ldxh %r0, [%r10-8]; jeq %r0, 0x7788, +2; "
                + TRAP + "; ldxh %r0, [%r10-6]; jeq %r0, 0x5566, +2; " + TRAP + "; exit"));
        c.add(accept("narrow scalar spill keeps its bounds", "ldxw %r1, [%r1+0]; and %r1, 7; stxw [%r10-8], %r1; ldxw %r2, [%r10-8]; lsh %r2, 2; "
                + "ldmapval %r3, 2, 0; add %r3, %r2; ldxw %r0, [%r3+0]; exit", "fp-8_w=scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))"));
        c.add(reject("narrow spill off the slot start loses bounds", "ldxw %r1, [%r1+0]; and %r1, 7; stxw [%r10-4], %r1; ldxw %r2, [%r10-4]; lsh %r2, 2; "
                + "ldmapval %r3, 2, 0; add %r3, %r2; ldxw %r0, [%r3+0]; exit", EACCES, "R3 unbounded memory access"));
        c.add(reject("wide read over a narrow spill", "ldxw %r1, [%r1+0]; stxw [%r10-8], %r1; ldxdw %r0, [%r10-8]; exit", EACCES,
                "invalid read from stack off -8+4 size 8").withoutPerfmon());
        c.add(accept("wide read over a narrow spill and initialised bytes", "ldxw %r1, [%r1+0]; stw [%r10-4], 0; stxw [%r10-8], %r1; ldxdw %r0, [%r10-8]; exit"));
        c.add(accept("narrow read inside a narrow spill", "mov %r1, 0x12345; stxw [%r10-8], %r1; ldxh %r0, [%r10-6]; jeq %r0, 1, +2; " + TRAP + "; exit"));
        c.add(accept("overwriting part of a narrow spill", "mov %r1, 5; stxw [%r10-8], %r1; stb [%r10-7], 1; ldxw %r0, [%r10-8]; jgt %r0, 5, +1; exit; exit"));
        c.add(reject("narrow spill of a pointer", "stxw [%r10-8], %r1; mov %r0, 0; exit", EACCES, "invalid size of register spill"));
        c.add(reject("narrow fill of spilled pointer", "stxdw [%r10-8], %r1; ldxw %r0, [%r10-8]; exit", EACCES, "invalid size of register fill"));
        c.add(unpriv(reject("corrupt spilled pointer", "stxdw [%r10-8], %r1; stb [%r10-8], 0; mov %r0, 0; exit", EACCES,
                "attempt to corrupt spilled pointer on stack")));
        c.add(reject("partly overwritten spill is data", "stxdw [%r10-8], %r1; stb [%r10-8], 0; ldxdw %r2, [%r10-8]; ldxw %r0, [%r2+0]; exit", EACCES,
                "R2 invalid mem access 'scalar'"));
        c.add(accept("stack pointer arithmetic then access", "mov %r2, %r10; add %r2, -16; stdw [%r2+8], 1; ldxdw %r0, [%r10-8]; exit"));
        c.add(accept("fill of spilled stack pointer", "mov %r2, %r10; add %r2, -16; stxdw [%r10-8], %r2; ldxdw %r3, [%r10-8]; stdw [%r3+0], 5; ldxdw %r0, [%r10-16]; exit"));
        c.add(accept("variable offset stack write and read", "ldxw %r2, [%r1+8]; and %r2, 8; mov %r3, %r10; add %r3, -16; add %r3, %r2; "
                + "stdw [%r10-8], 0; stdw [%r10-16], 0; stxdw [%r3+0], %r2; ldxdw %r0, [%r3+0]; exit"));
        c.add(reject("variable offset read of uninit stack", "ldxw %r2, [%r1+8]; and %r2, 8; mov %r3, %r10; add %r3, -16; add %r3, %r2; "
                + "stdw [%r10-8], 0; ldxdw %r0, [%r3+0]; exit", EACCES, "invalid variable-offset read from stack R3").withoutPerfmon());
        c.add(reject("variable offset out of stack", "ldxw %r2, [%r1+8]; and %r2, 0xffff; mov %r3, %r10; add %r3, -8; add %r3, %r2; "
                + "stb [%r3+0], 0; mov %r0, 0; exit", EACCES, "invalid variable-offset write to stack R3 var_off=(0x0; 0xffff) size=1"));
        c.add(reject("variable offset misaligned", "ldxw %r2, [%r1+8]; and %r2, 4; mov %r3, %r10; add %r3, -16; add %r3, %r2; "
                + "stdw [%r3+0], 0; mov %r0, 0; exit", EACCES, "misaligned stack access off (0x0; 0x4)"));
        c.add(accept("stack depth reported", "stdw [%r10-40], 0; mov %r0, 0; exit", "stack depth 40").level(6)
                .then(a -> assertEquals(40, a.facts().stackDepth(0))));
        c.add(accept("atomic add on stack", "stdw [%r10-8], 0; mov %r1, 1; lock add [%r10-8], %r1; ldxdw %r0, [%r10-8]; exit",
                "lock *(u64 *)(r10 -8) += r1"));
        c.add(accept("atomic fetch add returns old value", "stdw [%r10-8], 3; mov %r1, 1; lock fetch add [%r10-8], %r1; mov %r0, %r1; exit",
                "r1 = atomic64_fetch_add((u64 *)(r10 -8), r1)"));
        c.add(accept("atomic 32-bit and", "stw [%r10-4], 3; mov %r1, 1; lock and32 [%r10-4], %r1; mov %r0, 0; exit"));
        c.add(accept("atomic xchg", "stdw [%r10-8], 3; mov %r1, 1; lock xchg [%r10-8], %r1; mov %r0, %r1; exit"));
        c.add(accept("atomic cmpxchg", "stdw [%r10-8], 3; mov %r1, 1; mov %r0, 3; lock cmpxchg [%r10-8], %r1; exit", "atomic64_cmpxchg"));
        c.add(reject("atomic on uninit stack", "mov %r1, 1; lock add [%r10-8], %r1; mov %r0, 0; exit", EACCES, "invalid read from stack off -8+0 size 8").withoutPerfmon());
        c.add(reject("atomic cmpxchg needs r0", "stdw [%r10-8], 3; mov %r1, 1; lock cmpxchg [%r10-8], %r1; mov %r0, 0; exit", EACCES, "R0 !read_ok"));
        c.add(reject("atomic misaligned", "stdw [%r10-8], 0; stdw [%r10-16], 0; mov %r1, 1; lock add32 [%r10-10], %r1; mov %r0, 0; exit", EACCES,
                "misaligned stack access"));
        c.add(reject("atomic on ctx", "mov %r2, 1; lock add [%r1+0], %r2; mov %r0, 0; exit", EACCES, "BPF_ATOMIC stores into R1 ctx is not allowed"));
        c.add(rejectRaw("atomic invalid op", () -> List.of(StructureCases.raw(0x7a, 10, 0, -8, 0), StructureCases.raw(0xdb, 10, 1, -8, 0x10),
                StructureCases.MOV0, StructureCases.EXIT), EINVAL, "BPF_ATOMIC uses invalid atomic opcode 10"));
        c.add(rejectRaw("atomic byte size", () -> List.of(StructureCases.raw(0xd3, 10, 1, -8, 0), StructureCases.MOV0, StructureCases.EXIT), EINVAL,
                "unknown opcode d3"));
        c.add(unpriv(reject("atomic with pointer value unprivileged", "stdw [%r10-8], 0; lock add [%r10-8], %r1; mov %r0, 0; exit", EACCES,
                "R1 leaks addr into mem")));
        c.add(accept("spilled map value survives fill", "stdw [%r10-8], 0; mov %r2, %r10; add %r2, -8; ldmap %r1, 1; call 1; "
                + "stxdw [%r10-16], %r0; ldxdw %r6, [%r10-16]; jeq %r6, 0, +1; ldxdw %r0, [%r6+0]; mov %r0, 0; exit"));
        c.add(accept("spill of null-checked copy", "stdw [%r10-8], 0; mov %r2, %r10; add %r2, -8; ldmap %r1, 1; call 1; "
                + "stxdw [%r10-16], %r0; jeq %r0, 0, +2; ldxdw %r6, [%r10-16]; ldxdw %r0, [%r6+0]; mov %r0, 0; exit"));
        c.add(accept("write misc over zero then read", "stdw [%r10-8], 0; ldxw %r2, [%r1+0]; stxw [%r10-8], %r2; ldxdw %r0, [%r10-8]; exit"));
        return c;
    }
}
