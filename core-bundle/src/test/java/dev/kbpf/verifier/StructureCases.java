package dev.kbpf.verifier;

import dev.kbpf.api.Capability;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;

import java.util.ArrayList;
import java.util.List;

import static dev.kbpf.api.Errno.*;
import static dev.kbpf.verifier.Case.*;

/** Structure: opcodes, fields, registers, jumps, lddw, reachability, size limits (selftests basic*.c, junk_insn.c, ld_imm64.c, jump.c). */
final class StructureCases {
    private StructureCases() {}

    static Insn raw(int op, int dst, int src, int off, int imm) { return new Insn(op, dst, src, off, imm); }

    static final Insn EXIT = raw(0x95, 0, 0, 0, 0);
    static final Insn MOV0 = raw(0xb7, 0, 0, 0, 0);

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(accept("return 0", "mov %r0, 0; exit", "0: (b7) r0 = 0", "1: (95) exit", "processed 2 insns (limit 1000000)"));
        c.add(accept("mov32 then exit", "mov32 %r0, 7; exit", "(b4) w0 = 7"));
        c.add(reject("empty-ish: exit without r0", "exit", EACCES, "R0 !read_ok"));
        c.add(rejectRaw("empty program", List::of, E2BIG, "program has no instructions"));
        c.add(reject("unreachable insn", "mov %r0, 0; exit; exit", EINVAL, "unreachable insn 2"));
        c.add(reject("unreachable after ja", "mov %r0, 0; ja +1; mov %r0, 1; exit", EINVAL, "unreachable insn 2"));
        c.add(reject("jump out of range forward", "mov %r0, 0; ja +5; exit", EINVAL, "jump out of range from insn 1 to 7"));
        c.add(reject("jump out of range backward", "mov %r0, 0; ja -3; exit", EINVAL, "jump out of range from insn 1 to -1"));
        c.add(reject("conditional jump out of range", "mov %r0, 0; jeq %r0, 0, +10; exit", EINVAL, "jump out of range from insn 1 to 12"));
        c.add(reject("last insn not exit", "mov %r0, 0; exit; mov %r0, 1", EINVAL, "last insn is not an exit or jmp"));
        c.add(reject("last insn conditional jump", "mov %r0, 0; l: jeq %r0, 1, l", EINVAL, "last insn is not an exit or jmp"));
        c.add(reject("jump into the middle of lddw", "mov %r0, 0; jeq %r0, 0, +1; lddw %r1, 0x100000001; exit", EINVAL,
                "jump into the middle of ldimm64 insn 3"));
        c.add(rejectRaw("lddw missing second half", () -> List.of(raw(0x18, 0, 0, 0, 1), EXIT), EINVAL, "invalid bpf_ld_imm64 insn"));
        c.add(rejectRaw("lddw as last insn", () -> List.of(MOV0, raw(0x18, 0, 0, 0, 1)), EINVAL, "invalid bpf_ld_imm64 insn"));
        c.add(rejectRaw("lddw second half with fields", () -> List.of(raw(0x18, 0, 0, 0, 1), raw(0, 1, 0, 0, 0), EXIT), EINVAL,
                "invalid bpf_ld_imm64 insn"));
        c.add(rejectRaw("lddw with off", () -> List.of(raw(0x18, 0, 0, 1, 1), raw(0, 0, 0, 0, 0), EXIT), EINVAL,
                "invalid bpf_ld_imm64 insn"));
        c.add(rejectRaw("lddw unknown pseudo src", () -> List.of(raw(0x18, 0, 9, 0, 1), raw(0, 0, 0, 0, 0), EXIT), EINVAL,
                "unrecognized bpf_ld_imm64 insn"));
        c.add(acceptRaw("lddw 64-bit constant", () -> List.of(raw(0x18, 0, 0, 0, 1), raw(0, 0, 0, 0, 2), EXIT),
                "(18) r0 = 0x200000001"));
        c.add(rejectRaw("junk insn opcode 0", () -> List.of(raw(0, 0, 0, 0, 0), EXIT), EINVAL, "unknown opcode 00"));
        c.add(rejectRaw("junk insn 0xff", () -> List.of(raw(0xff, 0, 0, 0, 0), EXIT), EINVAL, "unknown opcode ff"));
        c.add(rejectRaw("junk ldx mode", () -> List.of(raw(0x01, 0, 0, 0, 0), EXIT), EINVAL, "BPF_LDX uses reserved fields"));
        c.add(rejectRaw("callx is unknown", () -> List.of(MOV0, raw(0x8d, 0, 0, 0, 0), EXIT), EINVAL, "unknown opcode 8d"));
        c.add(rejectRaw("alu64 junk fields", () -> List.of(MOV0, raw(0x7f, 0, 1, 1, -1), EXIT), EINVAL, "BPF_ALU uses reserved fields"));
        c.add(rejectRaw("alu imm with src set", () -> List.of(MOV0, raw(0x07, 0, 1, 0, 1), EXIT), EINVAL, "BPF_ALU uses reserved fields"));
        c.add(rejectRaw("mov imm with off", () -> List.of(raw(0xb7, 0, 0, 3, 0), EXIT), EINVAL, "BPF_MOV uses reserved fields"));
        c.add(rejectRaw("neg with imm", () -> List.of(MOV0, raw(0x87, 0, 0, 0, 1), EXIT), EINVAL, "BPF_NEG uses reserved fields"));
        c.add(rejectRaw("end with bad width", () -> List.of(MOV0, raw(0xd4, 0, 0, 0, 8), EXIT), EINVAL, "BPF_END uses reserved fields"));
        c.add(rejectRaw("exit with fields", () -> List.of(MOV0, raw(0x95, 0, 0, 0, 1)), EINVAL, "BPF_EXIT uses reserved fields"));
        c.add(rejectRaw("ja with imm", () -> List.of(MOV0, raw(0x05, 0, 0, 0, 1), EXIT), EINVAL, "BPF_JA uses reserved fields"));
        c.add(rejectRaw("call with dst", () -> List.of(raw(0x85, 1, 0, 0, 5), EXIT), EINVAL, "BPF_CALL uses reserved fields"));
        c.add(rejectRaw("call with bad src", () -> List.of(raw(0x85, 0, 5, 0, 5), EXIT), EINVAL, "BPF_CALL uses reserved fields"));
        c.add(rejectRaw("jmp imm with src", () -> List.of(MOV0, raw(0x15, 0, 1, 0, 0), EXIT), EINVAL, "BPF_JMP/JMP32 uses reserved fields"));
        c.add(rejectRaw("stx with imm", () -> List.of(MOV0, raw(0x7b, 10, 0, -8, 1), EXIT), EINVAL, "BPF_STX uses reserved fields"));
        c.add(rejectRaw("st with src", () -> List.of(raw(0x7a, 10, 1, -8, 1), MOV0, EXIT), EINVAL, "BPF_ST uses reserved fields"));
        c.add(reject("write to frame pointer", "mov %r10, 0; mov %r0, 0; exit", EACCES, "frame pointer is read only"));
        c.add(reject("add to frame pointer", "add %r10, -8; mov %r0, 0; exit", EACCES, "frame pointer is read only"));
        c.add(reject("load into frame pointer", "ldxdw %r10, [%r1+0]; mov %r0, 0; exit", EACCES, "frame pointer is read only"));
        c.add(reject("invalid dst register", "mov %r11, 0; mov %r0, 0; exit", EINVAL, "R11 is invalid"));
        c.add(reject("invalid src register", "mov %r0, %r12; exit", EINVAL, "R12 is invalid"));
        c.add(reject("invalid src register in stx", "stxb [%r10-1], %r12; mov %r0, 0; exit", EINVAL, "R12 is invalid"));
        c.add(reject("invalid dst register in stx", "stxb [%r14-1], %r10; mov %r0, 0; exit", EINVAL, "R14 is invalid"));
        c.add(reject("invalid dst register in st", "stb [%r14-1], 27; mov %r0, 0; exit", EINVAL, "R14 is invalid"));
        c.add(reject("invalid src register in ldx", "ldxb %r0, [%r12-1]; exit", EINVAL, "R12 is invalid"));
        c.add(reject("invalid dst register in ldx", "ldxb %r11, [%r1+0]; mov %r0, 0; exit", EINVAL, "R11 is invalid"));
        c.add(reject("div by zero immediate", "mov %r0, 1; div %r0, 0; exit", EINVAL, "div by zero"));
        c.add(reject("mod32 by zero immediate", "mov %r0, 1; mod32 %r0, 0; exit", EINVAL, "div by zero"));
        c.add(accept("div by zero register is defined", "mov %r0, 1; mov %r1, 0; div %r0, %r1; exit"));
        c.add(reject("shift by 64", "mov %r0, 1; lsh %r0, 64; exit", EINVAL, "invalid shift 64"));
        c.add(reject("shift32 by 32", "mov %r0, 1; rsh32 %r0, 32; exit", EINVAL, "invalid shift 32"));
        c.add(accept("shift by 63", "mov %r0, 1; lsh %r0, 63; exit"));
        c.add(rejectRaw("too large for unprivileged loader", () -> repeat(4097), E2BIG, "too large (limit 4096)")
                .type(ProgType.SOCKET_FILTER).creds(Credentials.none()).env(e -> e.unprivDisabled = false));
        c.add(rejectRaw("too large for anyone", () -> repeat(1_000_001), E2BIG, "too large (limit 1000000)"));
        c.add(acceptRaw("4096 insns privileged", () -> repeat(5000)).level(0));
        c.add(reject("back-edge refused without CAP_BPF", "mov %r0, 0; l: add %r0, 1; jlt %r0, 4, l; exit", EINVAL, "back-edge from insn 2 to 1")
                .type(ProgType.SOCKET_FILTER).creds(Credentials.none()).env(e -> e.unprivDisabled = false));
        c.add(accept("unprivileged socket filter when allowed", "mov %r0, 0; exit")
                .type(ProgType.SOCKET_FILTER).creds(Credentials.none()).env(e -> e.unprivDisabled = false));
        c.add(reject("gotol out of range", "mov %r0, 0; ja32 +100; exit", EINVAL, "jump out of range from insn 1 to 102"));
        c.add(accept("gotol forward", "ldxw %r0, [%r1+0]; jeq %r0, 0, +1; ja32 +1; mov %r0, 1; exit", "gotol pc+1"));
        return c;
    }

    static List<Insn> repeat(int n) {
        List<Insn> l = new ArrayList<>(n);
        for (int i = 0; i < n - 1; i++) l.add(MOV0);
        l.add(EXIT);
        return l;
    }
}
