package dev.kbpf.verifier;

import dev.kbpf.api.ProgType;

import java.util.ArrayList;
import java.util.List;

import static dev.kbpf.api.Errno.*;
import static dev.kbpf.verifier.AluCases.unpriv;
import static dev.kbpf.verifier.Case.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Context access per program type (selftests ctx*.c, verifier_ctx.c, raw_tp_*, perf_event_sample_period.c). */
final class CtxCases {
    private CtxCases() {}

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(accept("tracepoint reads a field", "ldxdw %r0, [%r1+8]; exit").then(a -> assertEquals(16, a.facts().maxCtxOffset())));
        c.add(accept("tracepoint reads the last 8 bytes", "ldxdw %r0, [%r1+2040]; exit").then(a -> assertEquals(2048, a.facts().maxCtxOffset())));
        c.add(accept("tracepoint narrow reads", "ldxb %r0, [%r1+3]; ldxh %r0, [%r1+6]; ldxw %r0, [%r1+12]; exit")
                .then(a -> assertEquals(16, a.facts().maxCtxOffset())));
        c.add(reject("tracepoint read beyond record", "ldxdw %r0, [%r1+2048]; exit", EACCES, "invalid bpf_context access off=2048 size=8"));
        c.add(reject("tracepoint read straddling the end", "ldxw %r0, [%r1+2046]; exit", EACCES, "invalid bpf_context access off=2046 size=4"));
        c.add(reject("tracepoint misaligned read", "ldxdw %r0, [%r1+4]; exit", EACCES, "invalid bpf_context access off=4 size=8"));
        c.add(reject("tracepoint negative offset", "ldxdw %r0, [%r1-8]; exit", EACCES, "invalid bpf_context access off=-8 size=8"));
        c.add(reject("tracepoint write", "mov %r2, 0; stxdw [%r1+8], %r2; mov %r0, 0; exit", EACCES, "invalid bpf_context access off=8 size=8"));
        c.add(reject("st into ctx", "stdw [%r1+8], 0; mov %r0, 0; exit", EACCES, "BPF_ST stores into R1 ctx is not allowed"));
        c.add(accept("kprobe reads pt_regs", "ldxdw %r0, [%r1+160]; exit").type(ProgType.KPROBE));
        c.add(reject("kprobe read beyond pt_regs", "ldxdw %r0, [%r1+168]; exit", EACCES, "invalid bpf_context access off=168 size=8").type(ProgType.KPROBE));
        c.add(accept("perf_event reads sample_period", "ldxdw %r0, [%r1+168]; exit").type(ProgType.PERF_EVENT));
        c.add(reject("perf_event read beyond", "ldxdw %r0, [%r1+184]; exit", EACCES, "invalid bpf_context access off=184 size=8").type(ProgType.PERF_EVENT));
        c.add(accept("raw tracepoint reads args", "ldxdw %r0, [%r1+88]; exit").type(ProgType.RAW_TRACEPOINT));
        c.add(reject("raw tracepoint beyond args", "ldxdw %r0, [%r1+96]; exit", EACCES, "invalid bpf_context access off=96 size=8").type(ProgType.RAW_TRACEPOINT));
        c.add(accept("fentry reads args", "ldxdw %r0, [%r1+0]; exit").type(ProgType.TRACING));
        c.add(accept("socket filter reads len", "ldxw %r0, [%r1+0]; exit").type(ProgType.SOCKET_FILTER));
        c.add(accept("socket filter narrow read of len", "ldxb %r0, [%r1+1]; exit").type(ProgType.SOCKET_FILTER));
        c.add(reject("socket filter reads data", "ldxw %r0, [%r1+76]; exit", EACCES, "invalid bpf_context access off=76 size=4").type(ProgType.SOCKET_FILTER));
        c.add(reject("socket filter 8-byte read", "ldxdw %r0, [%r1+0]; exit", EACCES, "invalid bpf_context access off=0 size=8").type(ProgType.SOCKET_FILTER));
        c.add(reject("socket filter writes mark", "mov %r2, 1; stxw [%r1+8], %r2; mov %r0, 0; exit", EACCES, "invalid bpf_context access off=8 size=4")
                .type(ProgType.SOCKET_FILTER));
        c.add(accept("socket filter writes cb[0]", "mov %r2, 1; stxw [%r1+48], %r2; mov %r0, 0; exit").type(ProgType.SOCKET_FILTER));
        c.add(unpriv(reject("pointer stored into ctx unprivileged", "stxw [%r1+48], %r10; mov %r0, 0; exit", EACCES, "R10 leaks addr into ctx")));
        c.add(accept("xdp reads data_end", "ldxw %r0, [%r1+4]; exit").type(ProgType.XDP));
        c.add(reject("xdp writes ctx", "mov %r2, 1; stxw [%r1+0], %r2; mov %r0, 0; exit", EACCES, "invalid bpf_context access off=0 size=4")
                .type(ProgType.XDP));
        c.add(accept("lirc reads sample", "ldxw %r0, [%r1+0]; exit").type(ProgType.LIRC_MODE2));
        c.add(reject("lirc reads past sample", "ldxw %r0, [%r1+4]; exit", EACCES, "invalid bpf_context access off=4 size=4").type(ProgType.LIRC_MODE2));
        c.add(reject("variable ctx access", "ldxw %r2, [%r1+0]; and %r2, 4; add %r1, %r2; ldxw %r0, [%r1+0]; exit", EACCES,
                "variable ctx access var_off=(0x0; 0x4) disallowed"));
        c.add(reject("same insn with ctx and stack", "mov %r2, %r1; ldxw %r3, [%r1+0]; jeq %r3, 0, +2; mov %r2, %r10; add %r2, -8; stdw [%r10-8], 0; "
                + "ldxw %r0, [%r2+0]; exit", EINVAL, "same insn cannot be used with different pointers"));
        c.add(accept("ctx survives spill to stack and call", "stxdw [%r10-8], %r1; call 5; ldxdw %r1, [%r10-8]; ldxw %r0, [%r1+0]; exit"));
        c.add(reject("ctx after helper call is scratched", "call 5; ldxw %r0, [%r1+0]; exit", EACCES, "R1 !read_ok"));
        c.add(unpriv(reject("returning ctx leaks", "mov %r0, %r1; exit", EACCES, "R0 leaks addr as return value")));
        c.add(accept("returning ctx privileged", "mov %r0, %r1; exit"));
        return c;
    }
}
