package dev.kbpf.verifier;

import dev.kbpf.api.Capability;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.ProgType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kbpf.api.Errno.*;
import static dev.kbpf.verifier.Case.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Privileges, the log at each level, and the facts handed to executors. */
final class PrivLogCases {
    private PrivLogCases() {}

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(reject("no capabilities", "mov %r0, 0; exit", EPERM, "loading BPF programs requires CAP_BPF or CAP_SYS_ADMIN").creds(Credentials.none()));
        c.add(reject("no capabilities, unprivileged BPF disabled", "mov %r0, 0; exit", EPERM, "requires CAP_BPF").type(ProgType.SOCKET_FILTER)
                .creds(Credentials.none()));
        c.add(reject("tracing needs CAP_PERFMON", "mov %r0, 0; exit", EPERM, "requires CAP_PERFMON").creds(Credentials.of(Capability.CAP_BPF)));
        c.add(reject("kprobe needs CAP_PERFMON", "mov %r0, 0; exit", EPERM, "loading KPROBE programs requires CAP_PERFMON").type(ProgType.KPROBE)
                .creds(Credentials.of(Capability.CAP_BPF, Capability.CAP_SYS_BOOT)));
        c.add(accept("CAP_SYS_ADMIN alone suffices", "mov %r0, 0; exit").creds(Credentials.of(Capability.CAP_SYS_ADMIN)));
        c.add(accept("CAP_BPF and CAP_PERFMON", "mov %r0, 0; exit").creds(Credentials.of(Capability.CAP_BPF, Capability.CAP_PERFMON)));
        c.add(accept("CAP_BPF for a socket filter", "mov %r0, 0; exit").type(ProgType.SOCKET_FILTER).creds(Credentials.of(Capability.CAP_BPF)));
        c.add(reject("CAP_PERFMON alone is not enough", "mov %r0, 0; exit", EPERM, "CAP_BPF").creds(Credentials.of(Capability.CAP_PERFMON)));
        c.add(accept("returning a pointer with CAP_PERFMON", "mov %r0, %r10; exit"));
        c.add(reject("returning a pointer without CAP_PERFMON", "mov %r0, %r10; exit", EACCES, "R0 leaks addr as return value").type(ProgType.XDP)
                .creds(Credentials.of(Capability.CAP_BPF)));
        // the log
        c.add(accept("log level 1 prints instructions only", "mov %r0, 0; exit", "0: (b7) r0 = 0", "1: (95) exit").level(1)
                .then(a -> assertFalse(a.log().contains("R10=fp0"), a.log())));
        c.add(accept("log level 2 prints states", "mov %r0, 0; exit", "0: R1=ctx() R10=fp0", "0: (b7) r0 = 0                        ; R0_w=0"));
        c.add(accept("log shows branch points", "ldxw %r2, [%r1+0]; mov %r0, 0; jeq %r2, 0, +1; mov %r0, 1; exit", "from 2 to 4:").level(1));
        c.add(accept("log level 4 prints statistics", "stdw [%r10-8], 0; mov %r0, 0; exit", "verification time ", "stack depth 8",
                "processed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0").level(4)
                .then(a -> assertFalse(a.log().contains("0: (7a)"), a.log())));
        c.add(accept("log level 0 is empty", "mov %r0, 0; exit").level(0).then(a -> assertEquals("", a.log())));
        c.add(reject("rejection at level 0 still names the reason", "ldxdw %r0, [%r10-8]; exit", EACCES, "invalid read from stack off -8+0 size 8").withoutPerfmon().level(0));
        c.add(reject("rejection log ends with statistics", "ldxdw %r0, [%r10-8]; exit", EACCES, "processed 1 insns (limit 1000000)").withoutPerfmon().level(1));
        c.add(accept("source lines above instructions", "ldxw %r0, [%r1+8]; add %r0, 1; exit", "; __u32 pid = c->pid; @ counter.c:18\n0: (61) r0 = *(u32 *)(r1 +8)",
                "; return pid + 1; @ counter.c:19\n1: (07) r0 += 1").level(1)
                .lines(Map.of(0, "; __u32 pid = c->pid; @ counter.c:18", 1, "return pid + 1; @ counter.c:19")));
        c.add(accept("source line printed once per run of instructions", "mov %r0, 0; add %r0, 1; exit").level(1)
                .lines(Map.of(0, "; x @ a.c:1", 1, "; x @ a.c:1"))
                .then(a -> assertEquals(1, a.log().split("; x @ a.c:1", -1).length - 1, a.log())));
        c.add(accept("map value or null in the log", "stw [%r10-4], 0; mov %r2, %r10; add %r2, -4; ldmap %r1, 7; call 1; mov %r0, 0; exit",
                "R0_w=map_value_or_null(id=1,map=counts,ks=4,vs=8)", "R1_w=map_ptr(map=counts,ks=4,vs=8)", "R2_w=fp-4"));
        c.add(accept("scalar ranges in the log", "ldxw %r0, [%r1+0]; and %r0, 0xff; exit", "var_off=(0x0; 0xff)"));
        c.add(accept("stack slots in the log", "stdw [%r10-8], 1; stb [%r10-9], 1; mov %r0, 0; exit", "fp-8_w=1", "fp-16_w=m???????"));
        c.add(accept("kfunc name in the log", RefCases.PANIC, "(85) call bpf_panic#100").creds(RefCases.BOOT).flags(RefCases.D));
        c.add(accept("helper name in the log", "call 7; exit", "(85) call bpf_get_prandom_u32#7"));
        c.add(accept("lddw map in the log", "ldmap %r1, 1; mov %r0, 0; exit", "(18) r1 = map[id:1]"));
        c.add(accept("statistics line counts states", "ldxw %r2, [%r1+0]; mov %r0, 0; jeq %r2, 0, +1; mov %r0, 1; exit").level(1)
                .then(a -> {
                    assertTrue(a.log().contains("processed " + a.stats().processedInsns() + " insns"), a.log());
                    assertTrue(a.stats().totalStates() >= 1);
                }));
        // facts for the executors
        c.add(accept("facts: access kinds", "stdw [%r10-8], 0; ldxw %r2, [%r1+0]; ldmapval %r3, 2, 0; ldxw %r0, [%r3+4]; exit")
                .then(a -> {
                    assertEquals(PointerKind.STACK, a.facts().accessKind(0));
                    assertEquals(PointerKind.CTX, a.facts().accessKind(1));
                    assertEquals(PointerKind.NONE, a.facts().accessKind(2));
                    assertEquals(PointerKind.MAP_VALUE, a.facts().accessKind(4));
                    assertEquals("map_array_48b", a.facts().accessMap(4).orElseThrow().name());
                    assertEquals(4, a.facts().maxCtxOffset());
                }));
        c.add(accept("facts: mixed stack and map value", "ldxw %r2, [%r1+0]; mov %r3, %r10; add %r3, -8; stdw [%r10-8], 0; jeq %r2, 0, +2; ldmapval %r3, 2, 0; "
                + "ldxw %r0, [%r3+0]; exit").then(a -> {
                    assertEquals(PointerKind.MIXED, a.facts().accessKind(7));
                    assertTrue(a.facts().accessMap(7).isEmpty());
                }));
        c.add(accept("facts: subprograms", "call local f; exit; f: mov %r0, 0; exit")
                .then(a -> assertEquals(List.of(new Subprog(0, 0, 2, 0), new Subprog(1, 2, 4, 0)), a.facts().subprogs())));
        return c;
    }
}
