package dev.kbpf.verifier;

import dev.kbpf.api.ProgType;

import java.util.ArrayList;
import java.util.List;

import static dev.kbpf.api.Errno.*;
import static dev.kbpf.verifier.AluCases.unpriv;
import static dev.kbpf.verifier.Case.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Helper calls against their prototypes (selftests helper_*.c, verifier_helper_*.c, calls.c). */
final class HelperCases {
    private HelperCases() {}

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(accept("helper without arguments", "call 5; exit", "(85) call bpf_ktime_get_ns#5")
                .then(a -> assertEquals("ktime_get_ns", ((CallTarget.Helper) a.facts().callTarget(0).orElseThrow()).descriptor().name())));
        c.add(reject("helper not registered", "call 5; exit", EINVAL, "unknown func bpf_ktime_get_ns#5").env(e -> e.helpers.remove(5)));
        c.add(reject("helper id unknown to Linux", "call 999; exit", EINVAL, "unknown func unknown#999"));
        c.add(reject("helper id 0", "call 0; exit", EINVAL, "unknown func unknown#0"));
        c.add(reject("helper not for this program type", "call 14; exit", EINVAL, "program of this type cannot use helper bpf_get_current_pid_tgid#14")
                .type(ProgType.XDP));
        c.add(reject("gpl-only helper without GPL", "mov %r1, %r10; add %r1, -8; mov %r2, 8; mov %r3, 0; call 4; exit", EINVAL,
                "cannot call GPL-restricted function from non-GPL compatible program").env(e -> e.gpl = false));
        c.add(accept("non-gpl helper without GPL", "call 5; exit").env(e -> e.gpl = false));
        c.add(reject("r1-r5 scratched after call", "mov %r1, 1; call 5; mov %r0, %r2; exit", EACCES, "R2 !read_ok"));
        c.add(accept("r6-r9 preserved across call", "mov %r6, 1; mov %r9, %r1; call 5; mov %r0, %r6; ldxw %r0, [%r9+0]; exit"));
        c.add(reject("r0 of a helper is a scalar", "call 5; ldxdw %r0, [%r0+0]; exit", EACCES, "R0 invalid mem access 'scalar'"));
        c.add(reject("uninit argument", "ldmap %r1, 1; call 1; exit", EACCES, "R2 !read_ok"));
        c.add(accept("probe_read into stack then read it", "mov %r1, %r10; add %r1, -16; mov %r2, 16; mov %r3, 0; call 4; ldxdw %r0, [%r10-16]; exit"));
        c.add(reject("probe_read larger than the buffer", "mov %r1, %r10; add %r1, -8; mov %r2, 16; mov %r3, 0; call 4; exit", EACCES,
                "invalid indirect access to stack R1 off=-8 size=16"));
        c.add(accept("probe_read with zero size", "mov %r1, %r10; add %r1, -8; mov %r2, 0; mov %r3, 0; call 4; exit"));
        c.add(accept("probe_read with bounded variable size", "ldxw %r2, [%r1+8]; and %r2, 15; mov %r1, %r10; add %r1, -16; mov %r3, 0; call 4; exit"));
        c.add(reject("probe_read with unbounded size", "ldxw %r2, [%r1+8]; mov %r1, %r10; add %r1, -16; mov %r3, 0; call 4; exit", EACCES,
                "R2 unbounded memory access, use 'var &= const' or 'if (var < const)'"));
        c.add(reject("probe_read with negative size", "ldxdw %r2, [%r1+8]; jsgt %r2, 8, +4; mov %r1, %r10; add %r1, -16; mov %r3, 0; call 4; exit", EACCES,
                "R2 min value is negative, either use unsigned or 'var &= const'"));
        c.add(reject("probe_read into ctx", "mov %r2, 8; mov %r3, 0; call 4; exit", EACCES, "R1 type=ctx expected=fp, map_key, map_value, mem"));
        c.add(accept("get_current_comm into a map value", MapCases.LOOKUP8 + "jeq %r0, 0, +3; mov %r1, %r0; mov %r2, 8; call 16; mov %r0, 0; exit"));
        c.add(reject("helper writes into a read-only map", "ldmapval %r1, 4, 0; mov %r2, 8; call 16; mov %r0, 0; exit", EACCES, "write into map forbidden"));
        c.add(reject("trace_printk with zero size", "stdw [%r10-8], 0; mov %r1, %r10; add %r1, -8; mov %r2, 0; call 6; exit", EACCES,
                "R2 invalid zero-sized read: u64=[0,0]"));
        c.add(accept("trace_printk from stack", "stdw [%r10-8], 0x64; mov %r1, %r10; add %r1, -8; mov %r2, 8; call 6; exit"));
        // with CAP_PERFMON Linux lets a helper read stack never written (allow_uninit_stack): it gets whatever is there
        c.add(accept("trace_printk of uninit stack with CAP_PERFMON", "mov %r1, %r10; add %r1, -8; mov %r2, 8; call 6; exit"));
        c.add(accept("perf_event_output", "mov %r6, %r1; stdw [%r10-8], 1; mov %r1, %r6; ldmap %r2, 6; lddw %r3, 0xffffffff; mov %r4, %r10; add %r4, -8; "
                + "mov %r5, 8; call 25; exit"));
        c.add(reject("perf_event_output needs ctx", "stdw [%r10-8], 1; mov %r1, %r10; ldmap %r2, 6; mov %r3, 0; mov %r4, %r10; add %r4, -8; mov %r5, 8; "
                + "call 25; exit", EACCES, "R1 type=fp expected=ctx"));
        c.add(reject("perf_event_output with modified ctx", "mov %r6, %r1; add %r6, 8; stdw [%r10-8], 1; mov %r1, %r6; ldmap %r2, 6; mov %r3, 0; mov %r4, %r10; "
                + "add %r4, -8; mov %r5, 8; call 25; exit", EACCES, "dereference of modified ctx ptr R1 off=8 disallowed"));
        c.add(reject("perf_event_output with a hash map", "mov %r6, %r1; stdw [%r10-8], 1; mov %r1, %r6; ldmap %r2, 1; mov %r3, 0; mov %r4, %r10; add %r4, -8; "
                + "mov %r5, 8; call 25; exit", EINVAL, "cannot pass map_type 1 into func bpf_perf_event_output#25"));
        c.add(accept("tail call", "mov %r2, 0; mov %r3, %r2; ldmap %r2, 5; call 12; mov %r0, 0; exit"));
        c.add(reject("tail call with a hash map", "ldmap %r2, 1; mov %r3, 0; call 12; mov %r0, 0; exit", EINVAL,
                "cannot pass map_type 1 into func bpf_tail_call#12"));
        c.add(reject("tail call without ctx", "mov %r1, 0; ldmap %r2, 5; mov %r3, 0; call 12; mov %r0, 0; exit", EACCES, "R1 type=scalar expected=ctx"));
        c.add(accept("snprintf with a constant format", "mov %r1, %r10; add %r1, -16; mov %r2, 16; ldmapval %r3, 4, 0; mov %r4, 0; mov %r5, 0; call 165; exit"));
        c.add(reject("snprintf format on the stack", "stdw [%r10-8], 0; mov %r1, %r10; add %r1, -16; mov %r2, 16; mov %r3, %r10; add %r3, -8; mov %r4, 0; mov %r5, 0; "
                + "call 165; exit", EACCES, "R3 type=fp expected=map_value"));
        c.add(reject("snprintf format in a writable map", "mov %r1, %r10; add %r1, -16; mov %r2, 16; ldmapval %r3, 2, 0; mov %r4, 0; mov %r5, 0; call 165; exit",
                EACCES, "R3 does not point to a readonly map'"));
        c.add(reject("snprintf format not terminated", "mov %r1, %r10; add %r1, -16; mov %r2, 16; ldmapval %r3, 8, 0; mov %r4, 0; mov %r5, 0; call 165; exit",
                EINVAL, "string is not zero-terminated"));
        c.add(reject("snprintf format at a variable offset", "ldxw %r6, [%r1+0]; and %r6, 1; mov %r1, %r10; add %r1, -16; mov %r2, 16; ldmapval %r3, 4, 0; "
                + "add %r3, %r6; mov %r4, 0; mov %r5, 0; call 165; exit", EACCES, "R3 is not a constant address'"));
        c.add(reject("snprintf data not null with zero size", "mov %r1, %r10; add %r1, -16; mov %r2, 16; ldmapval %r3, 4, 0; mov %r4, 1; mov %r5, 0; call 165; exit",
                EACCES, "R4 type=scalar expected=fp, map_key, map_value, mem"));
        c.add(unpriv(reject("pointer passed as plain argument", "stdw [%r10-8], 0; stdw [%r10-16], 0; mov %r2, %r10; add %r2, -8; mov %r3, %r10; add %r3, -16; "
                + "mov %r4, %r10; ldmap %r1, 1; call 2; exit", EACCES, "R4 leaks addr into helper function")));
        c.add(accept("pointer passed as plain argument privileged", "stdw [%r10-8], 0; stdw [%r10-16], 0; mov %r2, %r10; add %r2, -8; mov %r3, %r10; add %r3, -16; "
                + "mov %r4, %r10; ldmap %r1, 1; call 2; exit"));
        c.add(reject("ringbuf_output with a hash map", "stdw [%r10-8], 0; ldmap %r1, 1; mov %r2, %r10; add %r2, -8; mov %r3, 8; mov %r4, 0; call 130; exit",
                EINVAL, "cannot pass map_type 1 into func bpf_ringbuf_output#130"));
        c.add(accept("ringbuf_output from stack", "stdw [%r10-8], 0; ldmap %r1, 3; mov %r2, %r10; add %r2, -8; mov %r3, 8; mov %r4, 0; call 130; exit"));
        c.add(accept("ringbuf_query", "ldmap %r1, 3; mov %r2, 0; call 134; exit"));
        c.add(accept("helper binding recorded", "stdw [%r10-8], 0; mov %r2, %r10; add %r2, -8; ldmap %r1, 1; call 1; mov %r0, 0; exit")
                .then(a -> {
                    assertInstanceOf(CallTarget.Helper.class, a.facts().callTarget(5).orElseThrow());
                    assertEquals("map_hash_8b", a.facts().lddwMap(3).orElseThrow().name());
                }));
        return c;
    }
}
