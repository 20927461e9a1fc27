package dev.kbpf.verifier;

import dev.kbpf.api.Capability;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.ProgType;

import java.util.ArrayList;
import java.util.List;

import static dev.kbpf.api.Errno.*;
import static dev.kbpf.verifier.Case.*;

/** Registers, scalars and pointer arithmetic (selftests verifier_bounds*.c, value_ptr_arith.c, ptr_arith, alu32). */
final class AluCases {
    private AluCases() {}

    /** CAP_BPF without CAP_PERFMON: may load, may not leak pointers. */
    static final Credentials BPF_ONLY = Credentials.of(Capability.CAP_BPF);

    static Case unpriv(Case c) { return c.type(ProgType.SOCKET_FILTER).creds(BPF_ONLY); }

    /** A program fragment that dereferences r5 (uninitialised) only if reached: proves a branch dead. */
    static final String TRAP = "ldxdw %r0, [%r5+0]; exit";

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(reject("read uninit register", "mov %r0, %r2; exit", EACCES, "R2 !read_ok"));
        c.add(reject("alu on uninit dst", "add %r3, 1; mov %r0, 0; exit", EACCES, "R3 !read_ok"));
        c.add(reject("cond jump on uninit", "jeq %r4, 0, +0; mov %r0, 0; exit", EACCES, "R4 !read_ok"));
        c.add(accept("constant folding", "mov %r0, 5; mul %r0, 3; add %r0, -1; exit", "R0_w=14"));
        c.add(accept("constant branch prunes dead code", "mov %r0, 0; jeq %r0, 1, +1; exit; " + TRAP));
        c.add(accept("constant mul/shift decides branch", "mov %r1, 3; lsh %r1, 4; jne %r1, 48, +2; mov %r0, 0; exit; " + TRAP));
        c.add(accept("alu32 zero-extends", "mov %r1, -1; add32 %r1, 0; lddw %r2, 0xffffffff; jne %r1, %r2, +2; mov %r0, 0; exit; " + TRAP));
        c.add(accept("jmp32 sees low half only", "lddw %r1, 0x100000000; jne32 %r1, 0, +2; mov %r0, 0; exit; " + TRAP));
        c.add(accept("and bounds a value", "ldxw %r1, [%r1+8]; and %r1, 15; jgt %r1, 15, +2; mov %r0, 0; exit; " + TRAP));
        c.add(accept("unsigned bound from branch", "ldxdw %r1, [%r1+8]; jgt %r1, 10, +3; jle %r1, 10, +2; " + TRAP + "; mov %r0, 0; exit"));
        c.add(accept("signed bound from branch", "ldxdw %r1, [%r1+8]; jsgt %r1, 5, +3; jsle %r1, 5, +2; " + TRAP + "; mov %r0, 0; exit"));
        c.add(accept("equal scalars share bounds", "ldxdw %r1, [%r1+8]; mov %r2, %r1; jgt %r1, 7, +3; jle %r2, 7, +2; " + TRAP + "; mov %r0, 0; exit"));
        c.add(accept("jset learns a bit", "mov %r1, 4; jset %r1, 4, +2; " + TRAP + "; mov %r0, 0; exit"));
        c.add(accept("neg of constant", "mov %r0, 5; neg %r0; jeq %r0, -5, +2; " + TRAP + "; mov %r0, 0; exit"));
        c.add(accept("byte swap of constant", "mov %r0, 0x0102; be16 %r0; jeq %r0, 0x0201, +2; " + TRAP + "; mov %r0, 0; exit"));
        c.add(accept("movsx sign-extends", "mov %r1, 0xff; movsx864 %r0, %r1; jeq %r0, -1, +2; " + TRAP + "; mov %r0, 0; exit"));
        c.add(accept("sdiv of constants", "mov %r0, -9; sdiv %r0, 2; jeq %r0, -4, +2; " + TRAP + "; mov %r0, 0; exit"));
        c.add(accept("arsh of constant", "mov %r0, -16; arsh %r0, 2; jeq %r0, -4, +2; " + TRAP + "; mov %r0, 0; exit"));
        c.add(accept("ldxh zero-extends", "ldxh %r0, [%r1+8]; jgt %r0, 0xffff, +1; exit; " + TRAP));
        c.add(accept("ldxsb sign-extends", "ldxsb %r0, [%r1+8]; jsgt %r0, 127, +3; jslt %r0, -128, +2; mov %r0, 0; exit; " + TRAP));
        // pointer arithmetic
        c.add(reject("deref of modified ctx", "add %r1, 8; ldxw %r0, [%r1+0]; exit", EACCES, "dereference of modified ctx ptr R1 off=8 disallowed"));
        c.add(reject("32-bit pointer arithmetic", "mov %r2, %r10; add32 %r2, -8; mov %r0, 0; exit", EACCES, "R2 32-bit pointer arithmetic prohibited"));
        c.add(reject("pointer plus pointer", "mov %r2, %r10; add %r2, %r10; mov %r0, 0; exit", EACCES, "R2 pointer += pointer prohibited"));
        c.add(accept("pointer minus pointer is a scalar (privileged)", "mov %r2, %r10; sub %r2, %r10; mov %r0, %r2; exit"));
        c.add(unpriv(reject("pointer minus pointer unprivileged", "mov %r2, %r10; sub %r2, %r10; mov %r0, 0; exit", EACCES, "R2 pointer -= pointer prohibited")));
        c.add(reject("scalar minus pointer", "mov %r2, 0; sub %r2, %r10; mov %r0, 0; exit", EACCES, "R2 tried to subtract pointer from scalar"));
        c.add(accept("scalar plus pointer gives pointer", "mov %r2, -8; add %r2, %r10; stdw [%r2+0], 1; ldxdw %r0, [%r10-8]; exit"));
        c.add(reject("and on pointer", "and %r1, 8; mov %r0, 0; exit", EACCES, "R1 bitwise operator &= on pointer prohibited"));
        c.add(reject("or on pointer", "or %r1, 8; mov %r0, 0; exit", EACCES, "R1 bitwise operator |= on pointer prohibited"));
        c.add(reject("xor on pointer", "mov %r2, %r10; xor %r2, %r1; mov %r0, 0; exit", EACCES, "R2 pointer ^= pointer prohibited"));
        c.add(reject("mul on pointer", "mul %r1, 2; mov %r0, 0; exit", EACCES, "R1 pointer arithmetic with *= operator prohibited"));
        c.add(reject("shift on pointer", "lsh %r1, 1; mov %r0, 0; exit", EACCES, "R1 pointer arithmetic with <<= operator prohibited"));
        c.add(unpriv(reject("neg on pointer unprivileged", "neg %r1; mov %r0, 0; exit", EACCES, "R1 pointer arithmetic prohibited")));
        c.add(accept("neg on pointer privileged gives scalar", "neg %r1; mov %r0, %r1; exit"));
        c.add(reject("arithmetic on map pointer", "ldmap %r1, 1; add %r1, 8; mov %r0, 0; exit", EACCES, "R1 pointer arithmetic on map_ptr prohibited"));
        c.add(reject("huge constant offset", "mov %r2, %r10; lddw %r3, 0x40000000; add %r2, %r3; mov %r0, 0; exit", EACCES,
                "math between fp pointer and 1073741824 is not allowed"));
        c.add(reject("unbounded min in pointer math", "ldmapval %r2, 2, 0; ldxdw %r3, [%r1+8]; add %r2, %r3; mov %r0, 0; exit", EACCES,
                "math between map_value pointer and register with unbounded min value is not allowed"));
        c.add(unpriv(reject("partial copy of pointer", "mov32 %r0, %r1; exit", EACCES, "R1 partial copy of pointer")));
        c.add(accept("mov32 of pointer privileged", "mov32 %r0, %r1; exit"));
        c.add(unpriv(reject("sign-extension of pointer", "movsx3264 %r0, %r1; exit", EACCES, "R1 sign-extension part of pointer")));
        c.add(reject("subtract from ctx then deref", "sub %r1, 4; ldxw %r0, [%r1+4]; exit", EACCES, "dereference of modified ctx ptr R1 off=-4 disallowed"));
        c.add(unpriv(reject("pointer comparison unprivileged", "mov %r2, %r10; jeq %r1, %r2, +0; mov %r0, 0; exit", EACCES, "R1 pointer comparison prohibited")));
        c.add(accept("pointer comparison privileged", "mov %r2, %r10; jeq %r1, %r2, +0; mov %r0, 0; exit"));
        c.add(accept("non-null pointer compared with 0 is decided", "jeq %r1, 0, +2; mov %r0, 0; exit; " + TRAP));
        c.add(reject("r1 scratched by helper call", "mov %r1, 0; call 5; mov %r0, %r1; exit", EACCES, "R1 !read_ok"));
        return c;
    }
}
