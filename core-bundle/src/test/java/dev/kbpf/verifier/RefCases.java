package dev.kbpf.verifier;

import dev.kbpf.api.Capability;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.ProgType;

import java.util.ArrayList;
import java.util.List;

import static dev.kbpf.api.Errno.*;
import static dev.kbpf.verifier.Case.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** References (ring buffer records, acquire/release kfuncs) and kfunc calls with the destructive guard rails (selftests ringbuf.c, verifier_ringbuf.c, kfunc_*.c). */
final class RefCases {
    private RefCases() {}

    /** Reserves 16 bytes of the ring buffer: r0 = record or null (insn 4 is the call). */
    static final String RESERVE = "ldmap %r1, 3; mov %r2, 16; mov %r3, 0; call 131; ";
    static final int D = LoadFlags.BPF_F_DESTRUCTIVE;
    static final Credentials BOOT = Credentials.of(Capability.CAP_BPF, Capability.CAP_PERFMON, Capability.CAP_SYS_BOOT);
    static final Credentials NO_BOOT = Credentials.of(Capability.CAP_BPF, Capability.CAP_PERFMON);
    /** bpf_panic(".rodata" string): lddw r1 (insns 0-1), call (insn 2). */
    static final String PANIC = "ldmapval %r1, 4, 0; call runtime 100; mov %r0, 0; exit";

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(accept("reserve, check, submit", RESERVE + "jeq %r0, 0, +4; stdw [%r0+0], 1; mov %r1, %r0; mov %r2, 0; call 132; mov %r0, 0; exit",
                "R0_w=ringbuf_mem_or_null(id=1,ref_obj_id=1,sz=16)"));
        c.add(accept("held references in the log", RESERVE + "jne %r0, 0, +2; mov %r0, 0; exit; mov %r1, %r0; mov %r2, 0; call 132; mov %r0, 0; exit",
                "from 5 to 8: R0=ringbuf_mem(id=1,ref_obj_id=1,sz=16) R10=fp0 refs=1").level(1));
        c.add(accept("reserve, check, discard", RESERVE + "jeq %r0, 0, +3; mov %r1, %r0; mov %r2, 0; call 133; mov %r0, 0; exit"));
        c.add(reject("submit without null check", RESERVE + "mov %r1, %r0; mov %r2, 0; call 132; mov %r0, 0; exit", EACCES,
                "R1 type=ringbuf_mem_or_null expected=ringbuf_mem"));
        c.add(reject("write to record without null check", RESERVE + "stdw [%r0+0], 1; mov %r0, 0; exit", EACCES, "R0 invalid mem access 'ringbuf_mem_or_null'"));
        c.add(reject("reserve and never submit", RESERVE + "jeq %r0, 0, +1; stdw [%r0+0], 1; mov %r0, 0; exit", EINVAL,
                "Unreleased reference id=1 alloc_insn=4"));
        c.add(reject("submit on one path only", RESERVE + "mov %r6, %r0; jeq %r6, 0, +6; call 7; jeq %r0, 0, +3; mov %r1, %r6; mov %r2, 0; call 132; "
                + "mov %r0, 0; exit", EINVAL, "Unreleased reference id=1 alloc_insn=4"));
        c.add(reject("record beyond its size", RESERVE + "jeq %r0, 0, +4; stdw [%r0+16], 1; mov %r1, %r0; mov %r2, 0; call 132; mov %r0, 0; exit", EACCES,
                "invalid access to memory, mem_size=16 off=16 size=8"));
        c.add(reject("use after submit", RESERVE + "jeq %r0, 0, +5; mov %r6, %r0; mov %r1, %r0; mov %r2, 0; call 132; stdw [%r6+0], 1; mov %r0, 0; exit",
                EACCES, "R6 invalid mem access 'scalar'"));
        c.add(reject("double submit", RESERVE + "jeq %r0, 0, +7; mov %r6, %r0; mov %r1, %r0; mov %r2, 0; call 132; mov %r1, %r6; mov %r2, 0; call 132; "
                + "mov %r0, 0; exit", EACCES, "R1 type=scalar expected=ringbuf_mem"));
        c.add(reject("reserve with a variable size", "ldxw %r2, [%r1+0]; and %r2, 15; ldmap %r1, 3; mov %r3, 0; call 131; mov %r0, 0; exit", EACCES,
                "R2 is not a known constant'"));
        c.add(reject("submit a stack pointer", "mov %r1, %r10; mov %r2, 0; call 132; mov %r0, 0; exit", EACCES, "R1 type=fp expected=ringbuf_mem"));
        c.add(reject("submit with an offset", RESERVE + "jeq %r0, 0, +4; mov %r1, %r0; add %r1, 8; mov %r2, 0; call 132; mov %r0, 0; exit", EACCES,
                "R1 must have zero offset when passed to release func"));
        c.add(reject("tail call while holding a record", "mov %r7, %r1; " + RESERVE + "mov %r6, %r0; jeq %r6, 0, +8; mov %r1, %r7; ldmap %r2, 5; mov %r3, 0; "
                + "call 12; mov %r1, %r6; mov %r2, 0; call 133; mov %r0, 0; exit", EINVAL, "tail_call would lead to reference leak"));
        c.add(accept("record reference survives spill", RESERVE + "stxdw [%r10-8], %r0; jeq %r0, 0, +4; ldxdw %r1, [%r10-8]; mov %r2, 0; call 132; mov %r0, 0; exit"));
        c.add(accept("null branch releases the reference", RESERVE + "jne %r0, 0, +2; mov %r0, 0; exit; mov %r1, %r0; mov %r2, 0; call 133; mov %r0, 0; exit"));
        c.add(accept("record kind recorded", RESERVE + "jeq %r0, 0, +4; stdw [%r0+8], 1; mov %r1, %r0; mov %r2, 0; call 132; mov %r0, 0; exit")
                .then(a -> assertEquals(PointerKind.MEM, a.facts().accessKind(6))));
        // kfuncs
        c.add(accept("acquire and release kfuncs", "mov %r1, 24; call runtime 104; jeq %r0, 0, +2; mov %r1, %r0; call runtime 105; mov %r0, 0; exit",
                "call bpf_obj_new#104").then(a -> assertInstanceOf(CallTarget.Kfunc.class, a.facts().callTarget(1).orElseThrow())));
        c.add(reject("acquired by kfunc and leaked", "mov %r1, 24; call runtime 104; mov %r0, 0; exit", EINVAL, "Unreleased reference id=1 alloc_insn=1"));
        c.add(reject("kfunc registry absent", "call runtime 104; mov %r0, 0; exit", ENOENT, "calling kernel function is not supported without the kfunc registry")
                .env(e -> e.registry = false));
        c.add(reject("kfuncs need CAP_BPF", "call runtime 104; mov %r0, 0; exit", EPERM,
                "loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN")
                .type(ProgType.SOCKET_FILTER).creds(Credentials.none()).env(e -> e.unprivDisabled = false));
        c.add(reject("unknown kfunc", "call runtime 999; mov %r0, 0; exit", ENOENT, "kernel btf_id 999 is not a function"));
        c.add(reject("kfunc from a non-GPL program", "call runtime 101; mov %r0, 0; exit", EINVAL, "cannot call kernel function from non-GPL compatible program")
                .env(e -> e.gpl = false).creds(BOOT).flags(D));
        c.add(reject("kfunc not for this program type", "mov %r1, 0; call runtime 103; mov %r0, 0; exit", EACCES, "calling kernel function bpf_xdp_thing is not allowed"));
        c.add(accept("kfunc for its program type", "mov %r1, 0; call runtime 103; mov %r0, 0; exit").type(ProgType.XDP));
        c.add(accept("console print needs no rails", "ldmapval %r1, 4, 0; call runtime 102; exit").creds(NO_BOOT));
        c.add(reject("console print of a stack string", "stdw [%r10-8], 0; mov %r1, %r10; add %r1, -8; call runtime 102; exit", EACCES,
                "R1 type=fp expected=map_value"));
        // the destructive guard rails, in DESIGN.md's order
        c.add(accept("panic with every rail satisfied", PANIC, "call bpf_panic#100").creds(BOOT).flags(D));
        c.add(reject("rail 1: panic from xdp", PANIC, EACCES, "calling kernel function bpf_panic is not allowed").type(ProgType.XDP).creds(BOOT).flags(D));
        c.add(reject("rail 1: panic from an infrared decoder", PANIC, EACCES, "calling kernel function bpf_panic is not allowed").type(ProgType.LIRC_MODE2)
                .creds(BOOT).flags(D));
        c.add(reject("rail 1: destructive kfunc registered for all types still tracing only", "call runtime 106; mov %r0, 0; exit", EACCES,
                "calling kernel function bpf_halt is not allowed").type(ProgType.SOCKET_FILTER).creds(BOOT).flags(D));
        c.add(reject("rail 1 before rail 2", PANIC, EACCES, "calling kernel function bpf_panic is not allowed").type(ProgType.XDP).creds(Credentials.of(Capability.CAP_BPF)));
        c.add(reject("rail 2: no CAP_SYS_BOOT", PANIC, EACCES, "destructive kfunc calls require CAP_SYS_BOOT capability").creds(NO_BOOT).flags(D));
        c.add(reject("rail 2 before rail 3", PANIC, EACCES, "destructive kfunc calls require CAP_SYS_BOOT capability").creds(NO_BOOT)
                .env(e -> e.sysctl = false));
        c.add(reject("rail 3: no BPF_F_DESTRUCTIVE", PANIC, EPERM, "destructive kfunc calls require BPF_F_DESTRUCTIVE flag").creds(BOOT));
        c.add(reject("rail 3 before rail 4", PANIC, EPERM, "destructive kfunc calls require BPF_F_DESTRUCTIVE flag").creds(BOOT).env(e -> e.sysctl = false));
        c.add(reject("rail 4: sysctl off", PANIC, EPERM, "destructive kfunc calls are disabled by kernel.destructive_bpf_enabled=0").creds(BOOT).flags(D)
                .env(e -> e.sysctl = false));
        c.add(accept("linux 6.1 policy: no flag, no sysctl", PANIC).creds(BOOT).env(e -> { e.sysctl = false; e.policy = DestructivePolicy.LINUX_6_1; }));
        c.add(reject("linux 6.1 policy keeps CAP_SYS_BOOT", PANIC, EACCES, "destructive kfunc calls require CAP_SYS_BOOT capability").creds(NO_BOOT)
                .env(e -> e.policy = DestructivePolicy.LINUX_6_1));
        c.add(reject("linux 6.1 policy keeps the type rail", PANIC, EACCES, "calling kernel function bpf_panic is not allowed").type(ProgType.LIRC_MODE2)
                .creds(BOOT).env(e -> e.policy = DestructivePolicy.LINUX_6_1));
        c.add(accept("crash_kexec", "call runtime 101; mov %r0, 0; exit").creds(BOOT).flags(D).type(ProgType.KPROBE));
        c.add(reject("panic with a stack string", "stdw [%r10-8], 0; mov %r1, %r10; add %r1, -8; call runtime 100; mov %r0, 0; exit", EACCES,
                "R1 type=fp expected=map_value").creds(BOOT).flags(D));
        c.add(reject("panic with an unterminated string", "ldmapval %r1, 8, 0; call runtime 100; mov %r0, 0; exit", EINVAL, "string is not zero-terminated")
                .creds(BOOT).flags(D));
        c.add(reject("panic with a string in a writable map", "ldmapval %r1, 2, 0; call runtime 100; mov %r0, 0; exit", EACCES,
                "R1 does not point to a readonly map'").creds(BOOT).flags(D));
        c.add(reject("panic void result is not readable", "ldmapval %r1, 4, 0; call runtime 100; exit", EACCES, "R0 !read_ok").creds(BOOT).flags(D));
        c.add(accept("panic in dead code needs no rails", "mov %r0, 0; jeq %r0, 0, +3; ldmapval %r1, 4, 0; call runtime 100; mov %r0, 0; exit").creds(NO_BOOT));
        return c;
    }
}
