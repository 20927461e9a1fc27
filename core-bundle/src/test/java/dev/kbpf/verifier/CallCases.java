package dev.kbpf.verifier;

import java.util.ArrayList;
import java.util.List;

import static dev.kbpf.api.Errno.*;
import static dev.kbpf.verifier.Case.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** bpf-to-bpf calls: frames, depth, combined stack, argument passing (selftests calls.c, verifier_subprog*.c). */
final class CallCases {
    private CallCases() {}

    /** A chain of {@code n} nested calls, each subprogram using 8 bytes of stack. */
    static String chain(int n) {
        StringBuilder sb = new StringBuilder("call local f1; mov %r0, 0; exit; ");
        for (int i = 1; i <= n; i++) {
            sb.append("f").append(i).append(": stdw [%r10-8], 0; ");
            if (i < n) sb.append("call local f").append(i + 1).append("; ");
            sb.append("mov %r0, 0; exit; ");
        }
        return sb.toString();
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(accept("call a subprogram", "mov %r1, 1; call local f; exit; f: mov %r0, %r1; add %r0, 1; exit", "(85) call pc+1")
                .then(a -> {
                    assertEquals(2, a.facts().subprogs().size());
                    assertEquals(3, a.facts().subprogs().get(1).start());
                    assertEquals(new CallTarget.Subprog(1, 3), a.facts().callTarget(1).orElseThrow());
                }));
        c.add(accept("stack depth per subprogram", "stdw [%r10-16], 0; call local f; exit; f: stdw [%r10-32], 0; mov %r0, 0; exit", "stack depth 16+32").level(6)
                .then(a -> { assertEquals(16, a.facts().stackDepth(0)); assertEquals(32, a.facts().stackDepth(1)); }));
        c.add(accept("eight frames deep", chain(7)));
        c.add(reject("nine frames deep", chain(8), E2BIG, "the call stack of 9 frames is too deep !"));
        c.add(reject("recursion", "call local f; exit; f: call local f; mov %r0, 0; exit", E2BIG, "the call stack of 9 frames is too deep !"));
        c.add(reject("combined stack too large", "stdw [%r10-512], 0; call local f; mov %r0, 0; exit; f: stdw [%r10-8], 0; mov %r0, 0; exit", EACCES,
                "combined stack size of 2 calls is 528. Too large"));
        c.add(accept("callee reads the caller's stack", "stdw [%r10-8], 7; mov %r1, %r10; add %r1, -8; call local f; exit; f: ldxdw %r0, [%r1+0]; exit"));
        c.add(accept("callee writes the caller's stack", "mov %r1, %r10; add %r1, -8; call local f; ldxdw %r0, [%r10-8]; exit; f: stdw [%r1+0], 3; mov %r0, 0; exit"));
        c.add(reject("callee returns its stack", "call local f; ldxdw %r0, [%r0+0]; exit; f: mov %r0, %r10; add %r0, -8; exit", EINVAL,
                "cannot return stack pointer to the caller"));
        c.add(reject("callee's r6 is not initialised", "mov %r6, 1; call local f; exit; f: mov %r0, %r6; exit", EACCES, "R6 !read_ok"));
        c.add(reject("caller's r1 is scratched", "mov %r1, 1; call local f; mov %r0, %r1; exit; f: mov %r0, 0; exit", EACCES, "R1 !read_ok"));
        c.add(accept("caller's r6 survives", "mov %r6, 1; call local f; mov %r0, %r6; exit; f: mov %r6, 5; mov %r0, 0; exit"));
        c.add(reject("callee without r0", "call local f; exit; f: exit", EACCES, "R0 !read_ok"));
        c.add(reject("call to invalid destination", "call local +100; mov %r0, 0; exit", EINVAL, "call to invalid destination"));
        c.add(reject("jump across a subprogram boundary", "call local f; mov %r0, 0; ja +1; f: mov %r0, 0; exit", EINVAL, "jump out of range from insn 2 to 4"));
        c.add(reject("subprogram must end with exit", "call local f; exit; f: mov %r0, 0", EINVAL, "last insn is not an exit or jmp"));
        c.add(reject("subprograms need CAP_BPF", "call local f; exit; f: mov %r0, 0; exit", EPERM,
                "function calls to other bpf functions are allowed for CAP_BPF and CAP_SYS_ADMIN")
                .type(dev.kbpf.api.ProgType.SOCKET_FILTER).creds(dev.kbpf.api.Credentials.none()).env(e -> e.unprivDisabled = false));
        c.add(accept("subprogram returns a map value", "call local f; jeq %r0, 0, +1; ldxdw %r0, [%r0+0]; mov %r0, 0; exit; "
                + "f: " + MapCases.LOOKUP8 + "exit"));
        c.add(reject("subprogram result must be null-checked", "call local f; ldxdw %r0, [%r0+0]; exit; f: " + MapCases.LOOKUP8 + "exit", EACCES,
                "R0 invalid mem access 'map_value_or_null'"));
        c.add(accept("subprogram called twice with different arguments", "mov %r1, 0; call local f; mov %r1, 4; call local f; mov %r0, 0; exit; "
                + "f: ldmapval %r2, 2, 0; add %r2, %r1; ldxw %r0, [%r2+0]; exit"));
        c.add(reject("subprogram called with a bad argument the second time", "mov %r1, 0; call local f; mov %r1, 48; call local f; mov %r0, 0; exit; "
                + "f: ldmapval %r2, 2, 0; add %r2, %r1; ldxw %r0, [%r2+0]; exit", EACCES, "invalid access to map value, value_size=48 off=48 size=4"));
        c.add(accept("reference released in a subprogram", RefCases.RESERVE + "jeq %r0, 0, +3; mov %r1, %r0; call local f; mov %r0, 0; exit; "
                + "f: mov %r2, 0; call 132; mov %r0, 0; exit"));
        c.add(accept("stack pointer of a caller two frames up", "stdw [%r10-8], 1; mov %r1, %r10; add %r1, -8; call local f; exit; "
                + "f: call local g; exit; g: ldxdw %r0, [%r1+0]; exit"));
        return c;
    }
}
