package dev.kbpf.verifier;

import java.util.ArrayList;
import java.util.List;

import static dev.kbpf.api.Errno.*;
import static dev.kbpf.verifier.AluCases.TRAP;
import static dev.kbpf.verifier.Case.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bounded and infinite loops, the complexity limit, state pruning and its soundness, bpf_loop callbacks (selftests loops1.c, verifier_loops1.c, bpf_loop.c). */
final class LoopCases {
    private LoopCases() {}

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(accept("bounded loop", "mov %r0, 0; l: add %r0, 1; jlt %r0, 10, l; exit").then(a -> assertTrue(a.stats().processedInsns() >= 20)));
        c.add(accept("bounded loop counting down", "mov %r1, 100; l: sub %r1, 1; jne %r1, 0, l; mov %r0, 0; exit"));
        c.add(accept("bounded loop with jmp32", "mov32 %r1, 0; l: add32 %r1, 1; jlt32 %r1, 50, l; mov %r0, 0; exit"));
        c.add(accept("nested bounded loops", "mov %r1, 0; outer: mov %r2, 0; inner: add %r2, 1; jlt %r2, 5, inner; add %r1, 1; jlt %r1, 5, outer; mov %r0, 0; exit"));
        c.add(accept("loop bounded by an unknown limit", "ldxw %r2, [%r1+0]; and %r2, 31; mov %r1, 0; l: add %r1, 1; jlt %r1, %r2, l; mov %r0, 0; exit"));
        c.add(accept("loop over a map value", MapCases.LOOKUP48 + "jeq %r0, 0, +6; mov %r1, 0; l: mov %r2, %r0; add %r2, %r1; stb [%r2+0], 0; add %r1, 1; "
                + "jlt %r1, 48, l; mov %r0, 0; exit"));
        c.add(reject("loop writes past a map value", MapCases.LOOKUP48 + "jeq %r0, 0, +6; mov %r1, 0; l: mov %r2, %r0; add %r2, %r1; stb [%r2+0], 0; add %r1, 1; "
                + "jle %r1, 48, l; mov %r0, 0; exit", EACCES, "invalid access to map value, value_size=48 off=48 size=1"));
        c.add(reject("infinite loop: jump to self", "mov %r0, 0; ldxw %r2, [%r1+0]; jne %r2, 0, +1; exit; l: ja l", EINVAL, "infinite loop detected at insn 4"));
        c.add(reject("infinite loop: no progress", "mov %r0, 0; l: jeq %r0, 0, l; exit", EINVAL, "infinite loop detected at insn 1"));
        c.add(reject("infinite loop: random exit condition never changes state", "l: call 7; jne %r0, 0, l; exit", EINVAL, "infinite loop detected at insn 0"));
        c.add(reject("loop that does not terminate in time", "mov %r1, 0; l: add %r1, 1; jne %r1, 0, l; mov %r0, 0; exit", E2BIG,
                "BPF program is too large. Processed 1000001 insn").level(0));
        c.add(accept("loop near the complexity limit", "mov %r1, 0; l: add %r1, 1; jlt %r1, 300000, l; mov %r0, 0; exit").level(0)
                .then(a -> assertTrue(a.stats().processedInsns() > 600_000, "processed " + a.stats().processedInsns())));
        c.add(accept("pruning at a join", "ldxw %r2, [%r1+0]; mov %r0, 0; jeq %r2, 0, +1; mov %r0, 0; mov %r3, 1; exit", "safe"));
        c.add(reject("pruning must not hide a bad value", "ldxw %r1, [%r1+0]; mov %r6, 48; jne %r1, 0, +1; mov %r6, 0; ldmapval %r2, 2, 0; add %r2, %r6; "
                + "ldxdw %r0, [%r2+0]; exit", EACCES, "invalid access to map value, value_size=48 off=48 size=8"));
        c.add(reject("pruning must not hide an uninit stack byte", "ldxw %r1, [%r1+0]; stdw [%r10-8], 0; jne %r1, 0, +1; stdw [%r10-16], 0; "
                + "ldxdw %r0, [%r10-16]; exit", EACCES, "invalid read from stack off -16+0 size 8").withoutPerfmon());
        c.add(reject("pruning must not hide a pointer type", "ldxw %r2, [%r1+0]; mov %r3, %r1; jne %r2, 0, +2; mov %r3, %r10; add %r3, -8; stdw [%r10-8], 0; "
                + "ldxw %r0, [%r3+0]; exit", EINVAL, "same insn cannot be used with different pointers").type(dev.kbpf.api.ProgType.SOCKET_FILTER));
        c.add(reject("pruning must respect linked scalars", "ldxw %r6, [%r1+0]; ldxw %r7, [%r1+4]; ldxw %r2, [%r1+8]; jeq %r2, 0, +2; mov %r7, %r6; ja +0; "
                + "jgt %r6, 8, +4; ldmapval %r3, 2, 0; add %r3, %r7; ldxdw %r0, [%r3+0]; mov %r0, 0; exit", EACCES,
                "R3 unbounded memory access, make sure to bounds check any such access"));
        c.add(accept("states differing in dead registers are pruned", "ldxw %r2, [%r1+0]; mov %r5, 1; jeq %r2, 0, +1; mov %r5, 2; mov %r0, 0; exit", "safe"));
        c.add(accept("loop with a helper call inside", "mov %r6, 0; l: call 5; add %r6, 1; jlt %r6, 8, l; mov %r0, 0; exit"));
        c.add(accept("dead branch inside a loop", "mov %r1, 0; l: jgt %r1, 100, +4; add %r1, 1; jlt %r1, 10, l; mov %r0, 0; exit; " + TRAP));
        // precision: values that decide something are compared, the others are not
        c.add(reject("precise: spilled index", "ldxw %r1, [%r1+0]; mov %r6, 48; jne %r1, 0, +1; mov %r6, 0; stxdw [%r10-8], %r6; "
                + "ldxdw %r7, [%r10-8]; ldmapval %r2, 2, 0; add %r2, %r7; ldxdw %r0, [%r2+0]; exit", EACCES,
                "invalid access to map value, value_size=48 off=48 size=8"));
        c.add(reject("precise: index filled through a copied frame pointer", "ldxw %r1, [%r1+0]; mov %r6, 48; jne %r1, 0, +1; mov %r6, 0; stxdw [%r10-8], %r6; "
                + "mov %r3, %r10; add %r3, -8; ldxdw %r7, [%r3+0]; ldmapval %r2, 2, 0; add %r2, %r7; ldxdw %r0, [%r2+0]; exit", EACCES,
                "invalid access to map value, value_size=48 off=48 size=8"));
        c.add(reject("precise: helper size", "ldxw %r1, [%r1+0]; mov %r6, 16; jne %r1, 0, +1; mov %r6, 8; mov %r2, %r6; mov %r1, %r10; add %r1, -8; "
                + "mov %r3, 0; call 4; exit", EACCES, "invalid indirect access to stack R1 off=-8 size=16"));
        c.add(reject("precise: subprogram argument and result", "ldxw %r1, [%r1+0]; mov %r6, 48; jne %r1, 0, +1; mov %r6, 0; mov %r1, %r6; call local f; "
                + "ldmapval %r2, 2, 0; add %r2, %r0; ldxdw %r0, [%r2+0]; exit; f: mov %r0, %r1; exit", EACCES,
                "invalid access to map value, value_size=48 off=48 size=8"));
        c.add(reject("precise: value a subprogram stores in its caller's stack", "mov %r1, %r10; add %r1, -8; call local f; ldxdw %r7, [%r10-8]; "
                + "ldmapval %r2, 2, 0; add %r2, %r7; ldxdw %r0, [%r2+0]; exit; "
                + "f: mov %r6, %r1; call 7; mov %r3, 48; jne %r0, 0, +1; mov %r3, 0; stxdw [%r6+0], %r3; mov %r0, 0; exit",
                EACCES, "invalid access to map value, value_size=48 off=48 size=8"));
        c.add(reject("precise: branch operand", "ldxw %r2, [%r1+0]; mov %r3, 2; jeq %r2, 0, +1; mov %r3, 1; jeq %r3, 2, +2; mov %r0, 0; exit; " + TRAP,
                EACCES, "R5 !read_ok"));
        c.add(reject("precise: zero bytes on the stack", "ldxw %r2, [%r1+0]; ldxw %r3, [%r1+4]; stxdw [%r10-8], %r3; jeq %r2, 0, +1; stdw [%r10-8], 0; "
                + "ldxdw %r0, [%r10-8]; jne %r0, 0, +1; exit; " + TRAP, EACCES, "R5 !read_ok"));
        c.add(accept("imprecise: a value nobody decides on is pruned", "ldxw %r2, [%r1+0]; mov %r3, 1; jeq %r2, 0, +1; mov %r3, 2; stxdw [%r10-8], %r3; "
                + "mov %r0, 0; exit", "safe"));
        c.add(accept("imprecise: sums in a loop body", "ldxw %r6, [%r1+0]; mov %r7, 0; mov %r8, 0; l: ldxw %r2, [%r1+4]; jgt %r2, 100, +2; add %r7, %r2; ja +1; "
                + "add %r7, 1; add %r8, 1; jlt %r8, 16, l; mov %r0, %r7; exit").then(a -> assertTrue(a.stats().processedInsns() < 400,
                "processed " + a.stats().processedInsns())));
        // bpf_loop
        c.add(accept("bpf_loop with a callback", "mov %r1, 10; ldfunc %r2, cb; mov %r3, 0; mov %r4, 0; call 181; mov %r0, 0; exit; cb: mov %r0, 0; exit",
                "call bpf_loop#181"));
        c.add(reject("bpf_loop callback returns 2", "mov %r1, 10; ldfunc %r2, cb; mov %r3, 0; mov %r4, 0; call 181; mov %r0, 0; exit; cb: mov %r0, 2; exit",
                EACCES, "At callback return the register R0 has smin=2 smax=2 should have been in [0, 1]"));
        c.add(reject("bpf_loop without a callback", "mov %r1, 10; mov %r2, 0; mov %r3, 0; mov %r4, 0; call 181; mov %r0, 0; exit", EACCES,
                "R2 type=scalar expected=func"));
        c.add(accept("bpf_loop callback updates the caller's stack", "stdw [%r10-8], 0; mov %r1, 10; ldfunc %r2, cb; mov %r3, %r10; add %r3, -8; mov %r4, 0; "
                + "call 181; ldxdw %r0, [%r10-8]; exit; cb: ldxdw %r3, [%r2+0]; add %r3, 1; stxdw [%r2+0], %r3; mov %r0, 0; exit"));
        c.add(reject("bpf_loop callback initialises stack: zero iterations possible", "mov %r1, 10; ldfunc %r2, cb; mov %r3, %r10; add %r3, -8; mov %r4, 0; "
                + "call 181; ldxdw %r0, [%r10-8]; exit; cb: stdw [%r2+0], 1; mov %r0, 0; exit", EACCES, "invalid read from stack off -8+0 size 8").withoutPerfmon());
        c.add(reject("bpf_loop callback: second iteration sees the first one's pointer", "stdw [%r10-8], 0; mov %r1, 10; ldfunc %r2, cb; mov %r3, %r10; add %r3, -8; "
                + "mov %r4, 0; call 181; mov %r0, 0; exit; cb: ldxdw %r3, [%r2+0]; jne %r3, 0, +3; stdw [%r2+0], 1; mov %r0, 0; exit; ldxdw %r0, [%r3+0]; exit", EACCES,
                "R3 invalid mem access 'scalar'"));
        c.add(reject("bpf_loop callback reads uninit ctx", "mov %r1, 10; ldfunc %r2, cb; mov %r3, %r10; add %r3, -8; mov %r4, 0; call 181; mov %r0, 0; exit; "
                + "cb: ldxdw %r0, [%r2+0]; mov %r0, 0; exit", EACCES, "invalid read from stack off -8+0 size 8").withoutPerfmon());
        c.add(accept("bpf_loop callback with a branch in its body", "stdw [%r10-8], 0; mov %r1, 16; ldfunc %r2, cb; mov %r3, %r10; add %r3, -8; mov %r4, 0; "
                + "call 181; ldxdw %r0, [%r10-8]; exit; cb: mov %r6, %r2; stxw [%r10-4], %r1; mov %r2, %r10; add %r2, -4; ldmap %r1, 9; call 1; "
                + "jeq %r0, 0, +4; ldxdw %r1, [%r0+0]; ldxdw %r2, [%r6+0]; add %r2, %r1; stxdw [%r6+0], %r2; mov %r0, 0; exit"));
        c.add(reject("infinite loop inside a bpf_loop callback", "mov %r1, 16; ldfunc %r2, cb; mov %r3, 0; mov %r4, 0; call 181; mov %r0, 0; exit; "
                + "cb: mov %r0, 0; l: jeq %r0, 0, l; exit", EINVAL, "infinite loop detected at insn"));
        c.add(accept("bpf_loop index is bounded to 32 bits", "mov %r1, 10; ldfunc %r2, cb; mov %r3, 0; mov %r4, 0; call 181; mov %r0, 0; exit; "
                + "cb: lddw %r2, 0xffffffff; jgt %r1, %r2, +2; mov %r0, 1; exit; " + TRAP));
        return c;
    }
}
